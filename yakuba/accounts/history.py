"""Sign-in history: each person sees where and how their account was signed in to.

Written only by a sign-in POST, from the auth signals (`accounts.signals`), the directory
backend's refusals (directory unreachable, account not usable) and the second factor
passed after it. Never stored: the password tried, the full User-Agent string (only a
short device label parsed from it, e.g. "Edge 131 · Windows 10"), attempts against user
names that are no account (the audit trail keeps those). Kept ``SIGNIN_HISTORY_DAYS``
(default 400: a year and a bit, so "the same time last year" can be checked), purged by
the daily job ``accounts.purge_signin_history`` (accounts/jobs.py).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from yakuba.accounts.models import SignInEvent, SignInKind, SignInOutcome, User
from yakuba.core.clientip import client_ip
from yakuba.core.conf import setting

# The session remembers the event of its own sign-in, so passing the second factor later
# (another request) marks that event.
SESSION_EVENT_KEY = "yakuba_signin_event"
# A hostile User-Agent of megabytes is not fed to the parser's regular expressions.
MAX_USER_AGENT = 512


def history_days() -> int:
    return max(1, int(setting("SIGNIN_HISTORY_DAYS", 400)))


@functools.lru_cache(maxsize=512)
def device_label(user_agent: str) -> str:
    """A readable label for a User-Agent ("Chrome 131 · Windows 10", "Mobile Safari 17.5 ·
    iOS 17.5 · iPhone"), "" when nothing is recognised. ua-parser (the maintained port of
    the uap-core rules) does the parsing; unknown parts ("Other") are left out."""
    text = (user_agent or "").strip()[:MAX_USER_AGENT]
    if not text:
        return ""
    from ua_parser import parse

    result = parse(text)
    parts: list[str] = []
    if result.user_agent is not None and result.user_agent.family != "Other":
        ua = result.user_agent
        version = ".".join(v for v in (ua.major, ua.minor) if v and v != "0") or ""
        parts.append(f"{ua.family} {version}".strip())
    if result.os is not None and result.os.family != "Other":
        os_ = result.os
        version = ".".join(v for v in (os_.major, os_.minor) if v)
        parts.append(f"{os_.family} {version}".strip())
    if result.device is not None and result.device.family not in ("Other", "Spider"):
        family = result.device.family
        if family not in " ".join(parts):
            parts.append(family)
    return " · ".join(parts)[:200]


def _method_of(user: User) -> str:
    return str(user.auth_source)


def record_event(
    request: HttpRequest | None,
    user: User,
    outcome: str,
    *,
    kind: str = SignInKind.SIGN_IN,
    second_factor: bool = False,
) -> SignInEvent:
    meta = request.META if request is not None else {}
    event = SignInEvent.objects.create(
        user=user,
        at=timezone.now(),
        kind=kind,
        outcome=outcome,
        method=_method_of(user),
        second_factor=second_factor,
        ip_address=client_ip(request) if request is not None else None,
        device=device_label(str(meta.get("HTTP_USER_AGENT", ""))),
    )
    return event


def account_for_username(username: str) -> User | None:
    """The account a sign-in named, if any (user names compare case-insensitively, as the
    directory does; a UPN ``name@domain`` finds a directory account ``name``)."""
    name = (username or "").strip()[:254]
    if not name:
        return None
    user = User.objects.filter(username__iexact=name[:150]).first()
    if user is None and "@" in name:
        from yakuba.accounts.models import AuthSource

        local_part = name.split("@", 1)[0]
        user = User.objects.filter(
            username__iexact=local_part, auth_source=AuthSource.DIRECTORY
        ).first()
    return user


def on_signed_in(request: HttpRequest | None, user: User) -> None:
    event = record_event(request, user, SignInOutcome.SUCCESS)
    session = getattr(request, "session", None)
    if session is None or request is None:
        return
    session[SESSION_EVENT_KEY] = event.pk
    failures = failures_since_previous_sign_in(user)
    if failures.count:
        # Told at once, on the first page after signing in, not only on the security page.
        messages.warning(
            request,
            ngettext(
                "前回のサインイン以降、あなたのユーザー名でのサインインの失敗が %(n)d 回"
                "ありました。「アカウント情報」の「セキュリティとサインイン履歴」で確かめて"
                "ください。",
                "前回のサインイン以降、あなたのユーザー名でのサインインの失敗が %(n)d 回"
                "ありました。「アカウント情報」の「セキュリティとサインイン履歴」で確かめて"
                "ください。",
                failures.count,
            )
            % {"n": failures.count},
            fail_silently=True,
        )


def on_failed(request: HttpRequest | None, username: str) -> None:
    """A failed sign-in with a user name: recorded if it names an account. Locked means
    django-axes refused it (the address or the account was locked, or this failure reached
    the limit)."""
    user = account_for_username(username)
    if user is None:
        return
    locked = bool(getattr(request, "axes_locked_out", False))
    record_event(request, user, SignInOutcome.LOCKED if locked else SignInOutcome.FAILURE)


def on_directory_refusal(request: HttpRequest | None, username: str, code: str) -> None:
    """The directory backend stopped before a password verdict."""
    user = account_for_username(username)
    if user is None:
        return
    outcome = SignInOutcome.UNREACHABLE if code == "unreachable" else SignInOutcome.REFUSED
    record_event(request, user, outcome)


def on_second_factor(request: HttpRequest) -> None:
    """The second factor was passed in this session: its sign-in event says so."""
    event_id = request.session.get(SESSION_EVENT_KEY)
    if event_id and request.user.pk is not None:
        SignInEvent.objects.filter(pk=event_id, user_id=request.user.pk).update(second_factor=True)


def purge_expired(now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=history_days())
    deleted, _ = SignInEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


# --- reads: a person's own history -----------------------------------------------------


def events_of(user: User) -> QuerySet[SignInEvent]:
    return SignInEvent.objects.filter(user=user).order_by("-at", "-pk")


@dataclass(frozen=True)
class FailureSummary:
    """Failed attempts against the person's user name since their previous sign-in."""

    count: int
    last_at: dt.datetime | None
    since: dt.datetime | None


def failures_since_previous_sign_in(user: User) -> FailureSummary:
    """The failures (wrong password, locked) since the sign-in before the current one,
    so the person sees at once whether someone tried their account while they were away."""
    successes = list(
        events_of(user)
        .filter(kind=SignInKind.SIGN_IN, outcome=SignInOutcome.SUCCESS)
        .values_list("at", flat=True)[:2]
    )
    since = successes[1] if len(successes) > 1 else None
    # Sign-in attempts only: the person's own wrong answers on the password-change form
    # are in the table, not in this warning.
    failures = events_of(user).filter(
        kind=SignInKind.SIGN_IN,
        outcome__in=[SignInOutcome.FAILURE, SignInOutcome.LOCKED],
    )
    if since is not None:
        failures = failures.filter(at__gt=since)
    else:
        failures = failures.filter(at__gte=timezone.now() - dt.timedelta(days=history_days()))
    last = failures.values_list("at", flat=True).first()
    return FailureSummary(count=failures.count(), last_at=last, since=since)


def summary_context(user: User) -> dict[str, Any]:
    return {"failures": failures_since_previous_sign_in(user)}

"""Account hygiene for the system administrator (auditors read it).

Five lists of accounts that need a look, with counts: never signed in, locked out by
django-axes, privileged roles without a confirmed authenticator (TOTP), idle (no sign-in
for ``ACCOUNT_IDLE_DAYS``, default 90; an account never signed in counts from its
creation) and disabled. Two writes, both audited: lifting a lock-out, and disabling
selected idle accounts through the one leaver path (`services.disable_leavers`: sessions
and API tokens end, records kept).

Looking at the lists is a read of personal data (who, which unit, when they last signed
in, from where they failed): each page view is recorded as ``view_sensitive``, as the
health data of the morning reports are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from yakuba.accounts import throttle
from yakuba.accounts.models import User
from yakuba.accounts.roles import PRIVILEGED_ROLES
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.conf import setting

NEVER = "never"
LOCKED = "locked"
NO_TOTP = "no_totp"
IDLE = "idle"
DISABLED = "disabled"

LISTS: dict[str, Any] = {
    NEVER: _("一度もサインインしていない"),
    LOCKED: _("ロック中"),
    NO_TOTP: _("二要素認証が未登録の管理系アカウント"),
    IDLE: _("長期間サインインしていない"),
    DISABLED: _("無効なアカウント"),
}
# At most this many accounts are disabled by one bulk action (one confirmation page).
MAX_BULK = 500
MAX_IDLE_DAYS = 3650


def idle_days_default() -> int:
    return max(1, int(setting("ACCOUNT_IDLE_DAYS", 90)))


def parse_idle_days(value: object) -> int:
    """The page filter's number of days; anything that is not 1…3650 means the default."""
    text = str(value or "").strip()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_IDLE_DAYS:
        return int(text)
    return idle_days_default()


def _accounts() -> QuerySet[User]:
    return User.objects.select_related("staff", "staff__unit").order_by("username", "pk")


def never_signed_in() -> QuerySet[User]:
    """Enabled accounts never signed in, each with ``has_password`` (a local account whose
    activation set a password) and ``activation_pending`` (a live activation code or link
    is out), so that "never activated" and "activated, never used" tell apart."""
    from yakuba.accounts.models import ActivationToken

    live = ActivationToken.objects.filter(
        user=OuterRef("pk"),
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return (
        _accounts()
        .filter(is_active=True, last_login__isnull=True)
        .annotate(
            # Django marks an unusable password with a leading "!" (or leaves it empty).
            has_password=ExpressionWrapper(
                ~Q(password__startswith="!") & ~Q(password=""),  # noqa: S106 - the marker
                output_field=BooleanField(),
            ),
            activation_pending=Exists(live),
        )
    )


def _confirmed_totp_users() -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(confirmed=True).values("user_id")


def privileged_without_totp() -> QuerySet[User]:
    return (
        _accounts()
        .filter(is_active=True, role__in=PRIVILEGED_ROLES)
        .exclude(pk__in=_confirmed_totp_users())
    )


def idle_cutoff(days: int, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=days)


def idle(days: int, now: dt.datetime | None = None) -> QuerySet[User]:
    """Enabled accounts whose last sign-in (or, never signed in, creation) is older than
    ``days``."""
    cutoff = idle_cutoff(days, now)
    return _accounts().filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff),
        is_active=True,
    )


def disabled() -> QuerySet[User]:
    return _accounts().filter(is_active=False)


# --- lock-outs (django-axes) ------------------------------------------------------------


@dataclass(frozen=True)
class LockOut:
    scope: str  # throttle.ACCOUNT (a user name from one address) or throttle.ADDRESS
    username: str
    ip_address: str
    failures: int
    last_at: dt.datetime
    until: dt.datetime
    user: User | None = None


def _cooloff() -> dt.timedelta:
    hours = setting("AXES_COOLOFF_TIME", 0.5)
    return dt.timedelta(hours=float(hours if hours is not None else 0.5))


def lock_outs(now: dt.datetime | None = None) -> list[LockOut]:
    """The lock-outs in force: user name + address pairs at ``AXES_FAILURE_LIMIT`` and
    addresses at ``SIGNIN_IP_FAILURE_LIMIT``, counted as `accounts.throttle` counts them
    (failures within the cool-off)."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    cooloff = _cooloff()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cooloff)
    limit = int(setting("AXES_FAILURE_LIMIT", 5))
    locks: list[LockOut] = []
    pairs = (
        recent.values("username", "ip_address")
        .annotate(total=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(total__gte=limit)
        .order_by("-last")
    )
    for row in pairs:
        locks.append(
            LockOut(
                throttle.ACCOUNT,
                row["username"] or "",
                row["ip_address"] or "",
                row["total"],
                row["last"],
                row["last"] + cooloff,
            )
        )
    per_address = throttle.address_failure_limit()
    if per_address > 0:
        addresses = (
            recent.values("ip_address")
            .annotate(total=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(total__gte=per_address)
            .order_by("-last")
        )
        for row in addresses:
            locks.append(
                LockOut(
                    throttle.ADDRESS,
                    "",
                    row["ip_address"] or "",
                    row["total"],
                    row["last"],
                    row["last"] + cooloff,
                )
            )
    named = [lock.username for lock in locks if lock.username]
    if named:
        accounts = {
            u.username.lower(): u
            for u in User.objects.select_related("staff", "staff__unit").filter(username__in=named)
        }
        locks = [replace(lock, user=accounts.get(lock.username.lower())) for lock in locks]
    return locks


# --- counts, read audit -----------------------------------------------------------------


def counts(days: int) -> dict[str, int]:
    return {
        NEVER: never_signed_in().count(),
        LOCKED: len(lock_outs()),
        NO_TOTP: privileged_without_totp().count(),
        IDLE: idle(days).count(),
        DISABLED: disabled().count(),
    }


def accounts_of(list_name: str, days: int) -> QuerySet[User]:
    if list_name == NEVER:
        return never_signed_in()
    if list_name == NO_TOTP:
        return privileged_without_totp()
    if list_name == IDLE:
        return idle(days)
    if list_name == DISABLED:
        return disabled()
    raise ValueError(f"not an account list: {list_name}")


def record_view(actor: User, list_name: str, *, page: int, shown: int, days: int) -> None:
    """A page of a list was shown: a read of personal data, in the trail."""
    record(
        AuditAction.VIEW_SENSITIVE,
        actor=actor,
        object_type="accounts.hygiene",
        object_repr=f"account hygiene: {list_name}",
        changes={"list": list_name, "page": page, "shown": shown, "idle_days": days},
    )


# --- writes -----------------------------------------------------------------------------


class NothingToUnlock(Exception):
    pass


@transaction.atomic
def unlock(*, actor: User, scope: str, username: str, ip_address: str) -> int:
    """Lift a lock-out: the failures of a user name from an address, or (scope address)
    every failure from the address. Returns how many attempt records were removed."""
    from axes.models import AccessAttempt

    if scope == throttle.ACCOUNT and username and ip_address:
        attempts = AccessAttempt.objects.filter(username=username, ip_address=ip_address)
    elif scope == throttle.ADDRESS and ip_address:
        attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    else:
        raise NothingToUnlock(scope)
    removed, _ = attempts.delete()
    if not removed:
        raise NothingToUnlock(scope)
    user = User.objects.filter(username__iexact=username).first() if username else None
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=user,
        object_type="accounts.lockout" if user is None else "",
        object_repr=f"lock-out {scope}: {username or '-'} @ {ip_address}",
        changes={
            "unlocked": scope,
            "username": username,
            "ip_address": ip_address,
            "attempts_removed": removed,
        },
    )
    return removed


def selected_idle(
    actor: User, ids: Iterable[object], days: int, now: dt.datetime | None = None
) -> list[User]:
    """The selected accounts that are idle now, never the actor's own."""
    from yakuba.core.permissions import parse_pk

    keys = {pk for pk in (parse_pk(i) for i in ids) if pk is not None}
    if not keys:
        return []
    return list(idle(days, now).filter(pk__in=keys).exclude(pk=actor.pk)[:MAX_BULK])


def disable_idle(*, actor: User, users: Sequence[User], days: int) -> int:
    """Disable idle accounts through the leaver path (audited per account there)."""
    from yakuba.accounts.services import disable_leavers

    # Checked again at the moment of writing: someone who signed in since the
    # confirmation page was shown is no longer idle and is left alone.
    still_idle = selected_idle(actor, [u.pk for u in users], days)
    if not still_idle:
        return 0
    return disable_leavers(
        actor=actor, users=still_idle, reason=f"idle for {days} days (account hygiene)"
    )

"""Self-service password change for local accounts.

Django's `PasswordChangeForm` checks the current password and runs
``AUTH_PASSWORD_VALIDATORS`` on the new one; the view keeps the person's own session
(``update_session_auth_hash``) and every other session of theirs ends at its next request,
because the session's auth hash no longer matches the password.

Wrong current passwords are limited: someone at a colleague's unlocked PC must not get
unlimited guesses. ``PASSWORD_CHANGE_FAILURE_LIMIT`` (default: ``AXES_FAILURE_LIMIT``, 5)
wrong answers within ``AXES_COOLOFF_HOURS`` close the form for the rest of that window.
Each wrong answer is in the person's sign-in history and in the audit trail.
Directory accounts have no password here: they change it in the directory.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from yakuba.accounts import history
from yakuba.accounts.models import AuthSource, SignInEvent, SignInKind, SignInOutcome, User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.conf import setting

LOCK_SCOPE = "password_change"


def failure_limit() -> int:
    return max(1, int(setting("PASSWORD_CHANGE_FAILURE_LIMIT", setting("AXES_FAILURE_LIMIT", 5))))


def failure_window() -> dt.timedelta:
    hours = setting("AXES_COOLOFF_TIME", 0.5)
    return dt.timedelta(hours=float(hours if hours is not None else 0.5))


def can_change_here(user: User) -> bool:
    """Only local accounts with a password keep it here."""
    return user.auth_source == AuthSource.LOCAL and user.has_usable_password()


def recent_failures(user: User) -> int:
    since = timezone.now() - failure_window()
    return SignInEvent.objects.filter(
        user=user,
        kind=SignInKind.PASSWORD_CHECK,
        outcome=SignInOutcome.FAILURE,
        at__gte=since,
    ).count()


def retry_at(user: User) -> dt.datetime | None:
    """When the form opens again, or None if it is open."""
    window = failure_window()
    failures = list(
        SignInEvent.objects.filter(
            user=user,
            kind=SignInKind.PASSWORD_CHECK,
            outcome=SignInOutcome.FAILURE,
            at__gte=timezone.now() - window,
        )
        .order_by("-at")
        .values_list("at", flat=True)[: failure_limit()]
    )
    if len(failures) < failure_limit():
        return None
    # Open again when the oldest of the last `limit` failures leaves the window.
    return failures[-1] + window


@transaction.atomic
def note_wrong_current_password(request: HttpRequest, user: User) -> bool:
    """A wrong current password: in the history and the trail. True if the form is now
    closed (the limit was reached)."""
    history.record_event(request, user, SignInOutcome.FAILURE, kind=SignInKind.PASSWORD_CHECK)
    record(
        AuditAction.LOGIN_FAILED,
        actor=user,
        obj=user,
        object_repr=user.get_username(),
        changes={"reason": "password_change_wrong_current"},
    )
    if recent_failures(user) >= failure_limit():
        record(
            AuditAction.LOCKED_OUT,
            actor=user,
            obj=user,
            object_repr=user.get_username(),
            changes={"lock": LOCK_SCOPE},
        )
        return True
    return False


@transaction.atomic
def change_password(*, user: User, new_password: str) -> User:
    """Set the new password (already validated by the form) and audit the change; the
    values never reach the trail."""
    if not can_change_here(user):
        raise ValueError("only local accounts with a password change it here")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(AuditAction.UPDATE, actor=user, obj=user, changes={"password": "(changed)"})
    return user

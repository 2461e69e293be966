"""Sign-in events into the audit trail."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yakuba.accounts import history, throttle
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(AuditAction.LOGIN, actor=user, obj=user, object_repr=user.get_username())
    history.on_signed_in(request, user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditAction.LOGOUT, actor=user, obj=user, object_repr=user.get_username())


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    record(
        AuditAction.LOGIN_FAILED,
        actor_label=username,
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        object_repr=username,
    )
    # The person's own sign-in history (never the password tried).
    history.on_failed(request, username)


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    # "account": this user name from this address; "address": every sign-in from the
    # address (the entry's IP), reached over many user names — the name is the last tried.
    name = (username or "")[:150]
    record(
        AuditAction.LOCKED_OUT,
        actor_label=name,
        object_type="accounts.user",
        object_repr=name,
        changes={"lock": throttle.lock_scope(request)},
    )

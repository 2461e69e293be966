"""Activation tokens: how a local account gets (or gets back) a password without anyone
else ever seeing it.

A token has two secrets, both unguessable, both single use through the same row:

* the **link secret** (256 bits, URL-safe) for the e-mailed link and the sheet's QR code;
* the **short code** (12 Crockford base32 characters = 60 bits, shown ``ABCD-EFGH-JKMN``)
  that a person types at the public activation page. Guessing is throttled per address
  (`code_guess_allowed` / `note_failed_code`, through django-axes like sign-in failures):
  with 20 tries per half hour an address needs ~10^15 years for one hit in expectation.

Only keyed hashes (HMAC-SHA256 with SECRET_KEY) are stored, so a copy of the database
alone opens no account; rotating SECRET_KEY invalidates outstanding tokens. A token
expires after ACCOUNT_ACTIVATION_DAYS (reset links: PASSWORD_RESET_LINK_HOURS), is spent
when the password is set, and issuing a new one for a person revokes their earlier ones.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from yakuba.accounts.models import ActivationToken, User
from yakuba.accounts.models_activation import Delivery

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
# The code is grouped for reading aloud and typing: ABCD-EFGH-JKMN.
CODE_GROUP = 4
# django-axes counts failed codes under this pseudo user name, per address: the same
# address limits as sign-in (SIGNIN_IP_FAILURE_LIMIT over all names, AXES_FAILURE_LIMIT for
# this one), so code guessing also counts against an address trying passwords.
CODE_THROTTLE_NAME = "(activation-code)"
_CODE_TRANSLATE = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-‐－ー_.]+")


def _hash(kind: str, value: str) -> str:
    return salted_hmac(f"yakuba.accounts.activation.{kind}", value, algorithm="sha256").hexdigest()


def hash_secret(secret: str) -> str:
    return _hash("secret", secret)


def hash_code(code: str) -> str:
    return _hash("code", code)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    value = secrets.randbits(5 * CODE_LENGTH)
    chars = []
    for _i in range(CODE_LENGTH):
        chars.append(CROCKFORD[value & 31])
        value >>= 5
    return "".join(chars)


def format_code(code: str) -> str:
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalize_code(typed: str) -> str | None:
    """The code as typed (any case, spaces or hyphens, full-width characters, I/L for 1
    and O for 0, as Crockford base32 allows) → its canonical form, or None if it cannot
    be a code."""
    import unicodedata

    text = unicodedata.normalize("NFKC", typed or "").upper()
    text = _SEPARATORS.sub("", text).translate(_CODE_TRANSLATE)
    if len(text) != CODE_LENGTH or any(c not in CROCKFORD for c in text):
        return None
    return text


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued, with its secrets in clear: held in memory only, long enough to
    put them into a mail or a sheet."""

    token_id: int
    user_id: int
    secret: str
    code: str
    expires_at: dt.datetime

    @property
    def display_code(self) -> str:
        return format_code(self.code)


def activation_lifetime() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "ACCOUNT_ACTIVATION_DAYS", 14)))


def reset_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "PASSWORD_RESET_LINK_HOURS", 2)))


def issue_tokens(
    user_ids: list[int],
    *,
    purpose: str,
    channels: dict[int, str],
    actor: User | None,
    run_id: int | None = None,
    lifetime: dt.timedelta | None = None,
) -> dict[int, IssuedToken]:
    """One new token per account (call inside the caller's transaction); the earlier
    unused tokens of these accounts stop working. Hashes are SHA-256 HMACs, not a slow
    password hash: the secrets are random and long, so one pass is as strong."""
    now = timezone.now()
    expires = now + (lifetime or activation_lifetime())
    if not user_ids:
        return {}
    ActivationToken.objects.filter(
        user_id__in=user_ids, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    secrets_by_user = {uid: (new_secret(), new_code()) for uid in user_ids}
    rows = [
        ActivationToken(
            user_id=uid,
            run_id=run_id,
            purpose=purpose,
            channel=channels.get(uid, Delivery.SHEET),
            secret_hash=hash_secret(secret),
            code_hash=hash_code(code),
            created_at=now,
            created_by=actor if actor is not None and actor.pk else None,
            expires_at=expires,
        )
        for uid, (secret, code) in secrets_by_user.items()
    ]
    # Both backends return the new primary keys (RETURNING), so no second query.
    ActivationToken.objects.bulk_create(rows, batch_size=500)
    return {
        row.user_id: IssuedToken(row.pk, row.user_id, *secrets_by_user[row.user_id], expires)
        for row in rows
    }


def _usable() -> Any:
    return ActivationToken.objects.filter(
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        user__is_active=True,
    ).select_related("user")


def token_for_secret(secret: str) -> ActivationToken | None:
    """The usable token of a link secret, else None (whatever the reason: one answer)."""
    if not secret or len(secret) > 100 or not secret.isascii():
        return None
    return _usable().filter(secret_hash=hash_secret(secret)).first()


def token_for_code(typed: str) -> ActivationToken | None:
    code = normalize_code(typed)
    if code is None:
        return None
    return _usable().filter(code_hash=hash_code(code)).first()


def token_by_id(pk: Any) -> ActivationToken | None:
    """A token kept in the session between entering the code and choosing the password."""
    from yakuba.core.permissions import parse_pk

    key = parse_pk(pk)
    return _usable().filter(pk=key).first() if key else None


@transaction.atomic
def set_password_with_token(*, token: ActivationToken, password: str) -> User:
    """Spend the token and set the password (already validated by the form). The row is
    locked so the same token cannot be used twice in parallel; other sessions of the
    account end (a reset must throw out whoever knew the old password)."""
    from yakuba.accounts.services import end_sessions
    from yakuba.audit.models import AuditAction
    from yakuba.audit.services import record

    locked = ActivationToken.objects.select_for_update().filter(pk=token.pk).first()
    if locked is None or not locked.is_usable:
        raise TokenSpent("token used, revoked or expired")
    user = User.objects.select_for_update().get(pk=locked.user_id)
    if not user.is_active:
        raise TokenSpent("account disabled")
    now = timezone.now()
    locked.used_at = now
    locked.save(update_fields=["used_at"])
    ActivationToken.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    first = not user.has_usable_password() and user.last_login is None
    user.set_password(password)
    user.save(update_fields=["password"])
    if not first:
        end_sessions({user.pk})  # whoever knew the old password is signed out
    record(
        AuditAction.UPDATE,
        actor=user,
        obj=user,
        object_repr=user.get_username(),
        changes={
            "password": "(changed)",
            "via": locked.purpose,
            "channel": locked.channel,
            "token": locked.pk,
            "first_activation": first,
        },
    )
    return user


class TokenSpent(Exception):
    """Used, revoked or expired between showing the form and submitting it."""


# --- guessing the short code ---------------------------------------------------------


def _credentials() -> dict[str, str]:
    return {"username": CODE_THROTTLE_NAME}


def code_guess_allowed(request: HttpRequest) -> bool:
    """False once this address has failed too often (codes or sign-ins): axes' lock."""
    from axes.handlers.proxy import AxesProxyHandler

    return bool(AxesProxyHandler.is_allowed(request, _credentials()))


def note_failed_code(request: HttpRequest) -> bool:
    """Count a wrong code against the address, as django-axes counts a failed sign-in
    (it also writes the audit entry, through the sign-in failure receiver). True when
    this failure locked the address; the activation page then answers itself (axes would
    show its sign-in lock-out page)."""
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.send(sender=__name__, credentials=_credentials(), request=request)
    locked = bool(getattr(request, "axes_locked_out", False))
    request.axes_locked_out = False  # type: ignore[attr-defined]
    return locked


# --- password rules --------------------------------------------------------------------


class NoPersonalDataValidator:
    """Refuse a password that contains the user name or the staff number (4+ characters,
    case-insensitive). UserAttributeSimilarityValidator compares whole strings, so
    "1234Tanaka-Spring!" passes it for staff number 1234; this one does not."""

    MIN_LENGTH = 4

    def _pieces(self, user: Any) -> list[str]:
        values = [getattr(user, "username", ""), getattr(user, "staff_number", "")]
        return [v.lower() for v in values if isinstance(v, str) and len(v) >= self.MIN_LENGTH]

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        if any(piece in lowered for piece in self._pieces(user)):
            raise ValidationError(
                _("パスワードにユーザー名や職員番号を含めないでください。"),
                code="password_contains_personal_data",
            )

    def get_help_text(self) -> str:
        return _("ユーザー名や職員番号を含めることはできません。")

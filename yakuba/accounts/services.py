"""Account writes: roles, API tokens, two-factor devices. Each is audited."""

from __future__ import annotations

import secrets
import time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from yakuba.accounts.models import ApiToken, User
from yakuba.accounts.roles import PRIVILEGED_ROLES, Role
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.duties import decision

RECOVERY_CODE_COUNT = 10


@decision(
    "accounts.set_role",
    subject=lambda **kw: kw["user"],
    description="give an account a role",
)
@transaction.atomic
def set_role(*, actor: User, user: User, role: str) -> User:
    if actor.role != Role.SYSADMIN and (role in PRIVILEGED_ROLES or user.is_privileged):
        raise PermissionDenied("only a system admin changes privileged roles")
    old = user.role
    if old == role:
        return user
    user.role = role
    user.save(update_fields=["role"])
    record(AuditAction.UPDATE, actor=actor, obj=user, changes={"role": [old, role]})
    return user


@transaction.atomic
def create_api_token(*, actor: User, name: str, owner: User) -> tuple[ApiToken, str]:
    raw = ApiToken.new_raw_token()
    token = ApiToken(name=name, owner=owner, created_by=actor)
    token.set_raw_token(raw)
    token.save()
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=token,
        changes={"name": [None, name], "owner": [None, owner.get_username()]},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(AuditAction.UPDATE, actor=actor, obj=token, changes={"revoked": [False, True]})
    return token


def new_totp_key() -> str:
    """A fresh TOTP secret (hex) for an enrolment. It is kept in the person's session until
    a code from the authenticator app confirms it: opening the page stores nothing."""
    return random_hex(20)


def unsaved_totp_device(user: User, key: str) -> TOTPDevice:
    """The device an enrolment would create (for its QR code and secret), not saved."""
    return TOTPDevice(user=user, name="authenticator", key=key, confirmed=False)


@transaction.atomic
def confirm_totp_enrolment(*, user: User, key: str, token: str) -> list[str] | None:
    """Create the device when a code from the app matches ``key``; it replaces any earlier
    device. Returns fresh recovery codes, or None (audited) if the code is wrong."""
    device = TOTPDevice(user=user, name="authenticator", key=key, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    token = token.strip()
    if not (token.isascii() and token.isdigit() and totp.verify(int(token), device.tolerance)):
        record(AuditAction.OTP_FAILED, actor=user, obj=user, object_repr=user.get_username())
        return None
    TOTPDevice.objects.filter(user=user).delete()
    device.last_t = totp.t()  # the code just used cannot be used again to sign in
    device.save()
    codes = regenerate_recovery_codes(user)
    record(AuditAction.OTP_ENROLLED, actor=user, obj=user, object_repr=user.get_username())
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes

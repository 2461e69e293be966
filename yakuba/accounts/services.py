"""Account writes: roles, API tokens, two-factor devices, directory accounts, leavers.
Each is audited."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from yakuba.accounts.directory import (
    DirectoryConfig,
    DirectoryError,
    DirectoryNotLinked,
    DirectoryProfile,
    StaffNotActive,
    directory_role,
)
from yakuba.accounts.models import (
    ApiToken,
    AuthSource,
    DirectoryLinkRequest,
    LinkProblem,
    User,
)
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


# --- Directory sign-in (accounts.directory) -------------------------------------------


def _match_staff(profile: DirectoryProfile) -> tuple[Any, str]:
    """The staff record of a directory person, or (None, the problem). Never guessed:
    by staff number first, then by e-mail, each held by exactly one entry on both sides."""
    from yakuba.org.models import Staff

    if profile.staff_number:
        if profile.staff_number_holders > 1:
            return None, LinkProblem.STAFF_NUMBER_DUPLICATE
        staff = Staff.objects.filter(staff_number=profile.staff_number).first()
        if staff is not None:
            return staff, ""
    if profile.email:
        if profile.email_holders > 1:
            return None, LinkProblem.EMAIL_DUPLICATE
        matches = list(Staff.objects.filter(email__iexact=profile.email)[:2])
        if len(matches) > 1:
            return None, LinkProblem.EMAIL_DUPLICATE
        if matches:
            return matches[0], ""
    return None, LinkProblem.NO_STAFF


def sign_in_directory_user(*, profile: DirectoryProfile, config: DirectoryConfig) -> User:
    """The account of a person the directory has just authenticated: created and linked
    to their staff record on first sign-in, role kept in line with the group mapping.
    Raises DirectoryError (with the person's message) when it cannot be decided."""
    username = profile.username
    existing = User.objects.filter(username__iexact=username).select_related("staff").first()
    if existing is not None and existing.auth_source == AuthSource.LOCAL:
        _note_link_problem(profile, LinkProblem.USERNAME_TAKEN)
        raise DirectoryNotLinked(LinkProblem.USERNAME_TAKEN)
    staff = getattr(existing, "staff", None) if existing is not None else None
    if staff is None:
        staff, problem = _match_staff(profile)
        if staff is None:
            _note_link_problem(profile, problem)
            raise DirectoryNotLinked(problem)
        if staff.user_id is not None and (existing is None or staff.user_id != existing.pk):
            _note_link_problem(profile, LinkProblem.STAFF_LINKED_ELSEWHERE)
            raise DirectoryNotLinked(LinkProblem.STAFF_LINKED_ELSEWHERE)
    if not staff.active:
        raise StaffNotActive("staff record not active")
    decision = directory_role(profile.groups, config.role_map, existing.role if existing else None)
    return _save_directory_account(existing, staff, profile, decision)


@transaction.atomic
def _save_directory_account(
    existing: User | None, staff: Any, profile: DirectoryProfile, decision: Any
) -> User:
    from yakuba.org.models import Staff

    if existing is None:
        user = User(
            username=profile.username,
            role=decision.role,
            auth_source=AuthSource.DIRECTORY,
            directory_dn=profile.dn,
            email=profile.email,
        )
        user.set_unusable_password()
        user.save()
        record(
            AuditAction.CREATE,
            obj=user,
            actor_label="directory",
            changes={"auth_source": [None, AuthSource.DIRECTORY], "role": [None, user.role]},
        )
    else:
        user = existing
        changes: dict[str, list[Any]] = {}
        if user.role != decision.role:
            changes["role"] = [user.role, decision.role]
            user.role = decision.role
        if user.directory_dn != profile.dn:
            changes["directory_dn"] = [user.directory_dn, profile.dn]
            user.directory_dn = profile.dn
        if profile.email and user.email != profile.email:
            changes["email"] = ["", ""]
            user.email = profile.email
        if changes:
            user.save(update_fields=["role", "directory_dn", "email"])
            record(AuditAction.UPDATE, obj=user, actor_label="directory", changes=changes)
    if decision.conflict:
        record(
            AuditAction.UPDATE,
            obj=user,
            actor_label="directory",
            changes={"role_conflict": list(decision.conflict)},
        )
    if staff.user_id != user.pk:
        Staff.objects.filter(pk=staff.pk).update(user=user)
        record(
            AuditAction.UPDATE,
            obj=staff,
            actor_label="directory",
            changes={"user": [None, user.get_username()]},
        )
    DirectoryLinkRequest.objects.filter(
        username__iexact=profile.username, resolved_at__isnull=True
    ).update(resolved_at=timezone.now(), linked_user=user)
    return user


@transaction.atomic
def _note_link_problem(profile: DirectoryProfile, problem: str) -> DirectoryLinkRequest:
    now = timezone.now()
    entry = DirectoryLinkRequest.objects.filter(username__iexact=profile.username).first()
    if entry is None:
        entry = DirectoryLinkRequest(username=profile.username, attempts=0, first_seen_at=now)
    elif entry.resolved_at is not None:
        # Solved once, failing again (e.g. the staff record was unlinked): open again.
        entry.resolved_at, entry.resolved_by, entry.linked_user = None, None, None
        entry.attempts, entry.first_seen_at = 0, now
    entry.dn = profile.dn[:500]
    entry.display_name = profile.display_name[:200]
    entry.email = profile.email[:254]
    entry.staff_number = profile.staff_number[:50]
    entry.problem = problem
    entry.attempts += 1
    entry.last_seen_at = now
    entry.save()
    return entry


def record_directory_refusal(*, username: str, error: DirectoryError) -> None:
    """A directory sign-in stopped before a password verdict (directory unreachable, no
    staff record…): audited as a failed sign-in with the reason."""
    user = User.objects.filter(username__iexact=username).first()
    record(
        AuditAction.LOGIN_FAILED,
        actor_label=username[:150],
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        object_repr=username[:150],
        changes={"reason": error.code, "detail": error.detail[:300]},
    )


@transaction.atomic
def link_directory_account(*, actor: User, entry: DirectoryLinkRequest, staff: Any) -> User:
    """A system admin links a directory person to a staff record by hand. The staff
    record's existing local account, if any, becomes the directory account (its local
    password stops working); a staff record with another directory account is refused."""
    from yakuba.org.models import Staff

    if actor.role != Role.SYSADMIN:
        raise PermissionDenied("only a system admin links directory accounts")
    entry = DirectoryLinkRequest.objects.select_for_update().get(pk=entry.pk)
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    if entry.resolved_at is not None:
        raise LinkRefused(_("この項目は対応済みです。"))
    taken = User.objects.filter(username__iexact=entry.username).first()
    account = staff.user
    if taken is not None and (account is None or taken.pk != account.pk):
        raise LinkRefused(
            _("ユーザー名「%(name)s」は別のアカウントが使っています。") % {"name": entry.username}
        )
    if account is not None and account.auth_source == AuthSource.DIRECTORY:
        raise LinkRefused(
            _("この職員は既にディレクトリのアカウント「%(name)s」に関連付けられています。")
            % {"name": account.get_username()}
        )
    if account is None:
        account = User(username=entry.username, role=Role.STAFF, email=entry.email)
        old = None
    else:
        old = {"username": account.username, "auth_source": account.auth_source}
    account.username = entry.username
    account.auth_source = AuthSource.DIRECTORY
    account.directory_dn = entry.dn
    account.set_unusable_password()
    account.save()
    if staff.user_id != account.pk:
        staff.user = account
        staff.save(update_fields=["user"])
    entry.resolved_at = timezone.now()
    entry.resolved_by = actor
    entry.linked_user = account
    entry.save(update_fields=["resolved_at", "resolved_by", "linked_user"])
    record(
        AuditAction.UPDATE if old else AuditAction.CREATE,
        actor=actor,
        obj=account,
        changes={
            "auth_source": [old["auth_source"] if old else None, AuthSource.DIRECTORY],
            "username": [old["username"] if old else None, account.username],
            "staff": [None, staff.staff_number],
            "password": ["", ""],
        },
    )
    return account


class LinkRefused(Exception):
    """A link the system admin asked for that would take another person's account."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


# --- Leavers ---------------------------------------------------------------------------


def end_sessions(user_ids: set[int]) -> dict[int, int]:
    """Delete the open sessions of these accounts (database sessions, one pass over the
    open ones). Returns how many ended per account."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    if not user_ids:
        return {}
    wanted = {str(pk): pk for pk in user_ids}
    doomed: list[str] = []
    ended: dict[int, int] = {}
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        # get_decoded() answers {} for a session it cannot read (nobody's: left alone).
        owner = wanted.get(str(session.get_decoded().get(SESSION_KEY, "")))
        if owner is not None:
            doomed.append(session.pk)
            ended[owner] = ended.get(owner, 0) + 1
    Session.objects.filter(pk__in=doomed).delete()
    return ended


def disable_leaver(*, actor: User | None, user: User, reason: str) -> User:
    """A person who has left (or is marked inactive): the account is disabled, its
    sessions and API tokens end at once, and every record they made is kept.

    The one leaver path for the staff import, the directory sync and the screens."""
    disable_leavers(actor=actor, users=[user], reason=reason)
    user.refresh_from_db()
    return user


@transaction.atomic
def disable_leavers(*, actor: User | None, users: list[User], reason: str) -> int:
    """`disable_leaver` for many people at once (one pass over the open sessions).
    Returns how many accounts changed."""
    ids = [u.pk for u in users]
    locked = list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    now = timezone.now()
    tokens: dict[int, list[int]] = {}
    for owner_id, token_id in ApiToken.objects.filter(
        owner_id__in=ids, revoked_at__isnull=True
    ).values_list("owner_id", "pk"):
        tokens.setdefault(owner_id, []).append(token_id)
    ApiToken.objects.filter(owner_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    User.objects.filter(pk__in=ids, is_active=True).update(is_active=False)
    sessions = end_sessions(set(ids))
    changed = 0
    for user in locked:
        ended = sessions.get(user.pk, 0)
        revoked = len(tokens.get(user.pk, []))
        if not (user.is_active or revoked or ended):
            continue
        changed += 1
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=user,
            changes={
                "is_active": [user.is_active, False],
                "reason": reason[:200],
                "api_tokens_revoked": revoked,
                "sessions_ended": ended,
            },
        )
    return changed


@transaction.atomic
def reenable_returning(*, actor: User | None, users: list[User], reason: str) -> int:
    """People back in service (a staff import's 復職): their disabled accounts may sign in
    again. The inverse of `disable_leavers` except that nothing ended comes back: sessions
    stay ended and revoked API tokens stay revoked (a new token is issued if needed), and
    the password is left as it was (an account that never had one still needs its
    activation or a reset by the system administrator).

    A directory account only has its flag here set again: the directory still decides at
    each sign-in (a person it no longer has cannot sign in) and its sync disables the
    account again if the directory has dropped them. Only accounts whose staff record is in
    service are touched. Returns how many accounts changed."""
    ids = [u.pk for u in users]
    locked = list(
        User.objects.select_for_update()
        .filter(pk__in=ids, is_active=False, staff__active=True)  # back in service only
        .order_by("pk")
    )
    if not locked:
        return 0
    User.objects.filter(pk__in=[u.pk for u in locked]).update(is_active=True)
    for user in locked:
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=user,
            changes={
                "is_active": [False, True],
                "reason": reason[:200],
                "auth_source": user.auth_source,
            },
        )
    return len(locked)


# --- Directory sync (accounts.directory_sync) ------------------------------------------


@dataclass
class SyncResult:
    created: int = 0
    problems: int = 0
    disabled: int = 0
    disable_refused: bool = False


class TooManyLeavers(Exception):
    pass


@transaction.atomic
def apply_directory_sync(
    *, actor: User | None, plan: Any, config: DirectoryConfig, max_disable: int
) -> SyncResult:
    """Write a `directory_sync.plan_sync` plan: accounts for joiners (linked to their
    staff record), link problems for the system admin, leavers disabled. Raises
    TooManyLeavers, writing nothing, when more than ``max_disable`` would be disabled."""
    from yakuba.org.models import Staff

    if len(plan.disable) > max_disable:
        raise TooManyLeavers(f"{len(plan.disable)} accounts would be disabled (> {max_disable})")
    result = SyncResult()
    staff = Staff.objects.select_for_update().in_bulk([c.staff_id for c in plan.create])
    for planned in plan.create:
        person = staff.get(planned.staff_id)
        if person is None or person.user_id is not None:
            continue  # changed since the plan was made: the next sync sees it
        decision = directory_role(planned.profile.groups, config.role_map, None)
        _save_directory_account(None, person, planned.profile, decision)
        result.created += 1
    for problem in plan.problems:
        _note_link_problem(problem.profile, problem.problem)
        result.problems += 1
    if plan.disable:
        leavers = list(User.objects.filter(pk__in=[d.user_id for d in plan.disable]))
        result.disabled = disable_leavers(
            actor=actor, users=leavers, reason="not an enabled directory entry"
        )
    return result

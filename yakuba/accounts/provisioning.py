"""Local accounts for staff records, created in bulk by HR or the system administrator.

Rules (README, "Local accounts"):

* **User name = staff number** (``Staff.staff_number``, unique and known to the person).
  A staff record whose number is already some other account's user name is not given an
  account: it is reported ("conflicts") for a person to sort out.
* Only **active** staff **without an account** get one; everyone else is skipped and
  counted, so running the same scope twice creates nothing the second time.
* Accounts are created with the role 職員 (staff), **no usable password** and an
  **activation token** (`accounts.activation`): the person chooses their own password.
* Delivery: ``email`` / ``auto`` → a mail with the link and code to people with an e-mail
  address, a printable sheet (PDF per unit) for the others; ``sheet`` → sheets for all.
  The secrets exist in clear only in memory, between the transaction that stores their
  hashes and the mail or PDF that carries them, in the same task.
* One transaction per call; audited with one entry per account created (object
  ``accounts.user``: who made it, when, from which staff record, how it is delivered) and
  one summary entry on the run (scope, counts, people skipped and why).

`provision_staff_accounts` is the public entry point (the staff re-import calls it for
joiners); the provisioning screen goes through `start_provision_run` and a task.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.activation import IssuedToken, issue_tokens
from yakuba.accounts.models import ActivationToken, AuthSource, ProvisionRun, User
from yakuba.accounts.models_activation import Delivery, RunScope, RunStatus, TokenPurpose
from yakuba.accounts.roles import Capability, Role
from yakuba.audit.models import AuditAction
from yakuba.audit.services import Entry, record, record_many

DELIVER_CHOICES = frozenset(Delivery.values)


@dataclass
class ProvisionResult:
    """What one call did. ``created_user_ids`` are the new accounts."""

    run_id: int
    requested: int = 0
    created: int = 0
    skipped_existing: int = 0  # had an account already
    skipped_inactive: int = 0  # not in service (or no such staff record)
    conflicts: list[str] = field(default_factory=list)  # staff numbers taken as user names
    by_email: int = 0
    by_sheet: int = 0
    created_user_ids: list[int] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return self.skipped_existing + self.skipped_inactive + len(self.conflicts)


def may_provision(actor: User | None) -> bool:
    return actor is None or actor.can(Capability.PROVISION_ACCOUNTS)


def _check_actor(actor: User | None) -> None:
    # None: the system (a scheduled job or the import run by the system).
    if not may_provision(actor):
        raise PermissionDenied("only HR and the system administrator create accounts")


def base_url() -> str:
    return str(getattr(settings, "YAKUBA_BASE_URL", "") or "").rstrip("/")


# --- who would get an account ----------------------------------------------------------


def import_staff_ids(batch: Any) -> list[int] | None:
    """The staff records an applied import created (its joiners, ``result["joiner_ids"]``,
    as `org.importing` records them); None for an import that recorded no such list."""
    ids = (batch.result or {}).get("joiner_ids")
    if not isinstance(ids, list):
        return None
    return [int(i) for i in ids if isinstance(i, int) or str(i).isdigit()]


def scope_staff(*, scope: str, unit: Any = None, import_batch: Any = None) -> QuerySet[Any]:
    """Active staff without an account in a scope (the people a run would serve)."""
    from yakuba.org.models import Staff

    people = Staff.objects.filter(active=True, user__isnull=True)
    if scope == RunScope.UNIT:
        if unit is None:
            return people.none()
        return people.filter(unit__path__startswith=unit.path)
    if scope == RunScope.IMPORT:
        ids = import_staff_ids(import_batch) if import_batch is not None else None
        return people.filter(pk__in=ids or [])
    if scope == RunScope.ALL:
        return people
    return people.none()


@dataclass(frozen=True)
class Preview:
    total: int
    by_email: int
    by_sheet: int
    conflicts: int

    @property
    def creatable(self) -> int:
        return self.total - self.conflicts


def preview(people: QuerySet[Any], deliver: str) -> Preview:
    """Counts for the screen: how many would get an account, and how it reaches them."""
    taken = User.objects.filter(username__in=people.values("staff_number"))
    conflicts = people.filter(staff_number__in=taken.values("username"))
    usable = people.exclude(pk__in=conflicts.values("pk"))
    total = people.count()
    n_conflicts = conflicts.count()
    with_email = 0 if deliver == Delivery.SHEET else usable.exclude(email="").count()
    return Preview(
        total=total,
        by_email=with_email,
        by_sheet=total - n_conflicts - with_email,
        conflicts=n_conflicts,
    )


# --- creating accounts ------------------------------------------------------------------


def provision_staff_accounts(
    *, actor: User | None, staff_ids: list[int], deliver: str
) -> ProvisionResult:
    """Create local accounts for these staff records (idempotent: people who already have
    an account, are not in service, or whose staff number is taken are skipped and
    counted). The activation mails and sheets are produced right after the commit, in this
    process (call it from a task for more than a handful of people)."""
    _check_actor(actor)
    if deliver not in DELIVER_CHOICES:
        raise ValueError(f"deliver must be one of {sorted(DELIVER_CHOICES)}")
    run = ProvisionRun.objects.create(
        scope=RunScope.STAFF_LIST,
        deliver=deliver,
        status=RunStatus.RUNNING,
        created_by=actor if actor is not None and actor.pk else None,
        base_url=base_url(),
    )
    return _provision(run, list(staff_ids), actor)


def start_provision_run(
    *,
    actor: User,
    scope: str,
    deliver: str,
    unit: Any = None,
    import_batch: Any = None,
    request_base_url: str = "",
) -> ProvisionRun:
    """Queue a run for the screen (the work happens in `accounts.tasks.run_provision`)."""
    from yakuba.accounts.tasks import run_provision

    _check_actor(actor)
    if scope not in (RunScope.ALL, RunScope.UNIT, RunScope.IMPORT):
        raise ValueError("unknown scope")
    if deliver not in DELIVER_CHOICES:
        raise ValueError("unknown delivery")
    with transaction.atomic():
        run = ProvisionRun.objects.create(
            scope=scope,
            unit=unit if scope == RunScope.UNIT else None,
            import_batch=import_batch if scope == RunScope.IMPORT else None,
            deliver=deliver,
            created_by=actor,
            base_url=base_url() or request_base_url.rstrip("/"),
        )
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=run,
            changes={
                "scope": scope,
                "unit": unit.code if unit is not None and scope == RunScope.UNIT else None,
                "import": import_batch.pk if import_batch is not None else None,
                "deliver": deliver,
            },
        )
        transaction.on_commit(lambda: run_provision.enqueue(run.pk))
    return run


def execute_run(run_id: int) -> ProvisionResult | None:
    """The task's work: claim a queued run, resolve its scope now (the staff list may have
    changed since it was started) and provision. A run delivered twice does nothing."""
    with transaction.atomic():
        run = ProvisionRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.QUEUED:
            return None
        run.status = RunStatus.RUNNING
        run.save(update_fields=["status"])
    staff_ids = list(
        scope_staff(scope=run.scope, unit=run.unit, import_batch=run.import_batch).values_list(
            "pk", flat=True
        )
    )
    try:
        return _provision(run, staff_ids, run.created_by)
    except Exception as exc:
        ProvisionRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
        )
        raise


def _channel(deliver: str, email: str) -> str:
    if deliver != Delivery.SHEET and email:
        return Delivery.EMAIL
    return Delivery.SHEET


def _provision(
    run: ProvisionRun,
    staff_ids: list[int],
    actor: User | None,
    deliver: Callable[[int, dict[int, IssuedToken]], None] | None = None,
) -> ProvisionResult:
    """The transaction; then ``deliver(run_id, issued)`` after the commit (default: mail
    and print them here, `delivery.deliver_tokens`; the benchmark times the two apart)."""
    from yakuba.org.models import Staff

    result = ProvisionResult(run_id=run.pk, requested=len(set(staff_ids)))
    issued: dict[int, IssuedToken] = {}
    with transaction.atomic():
        people = list(
            Staff.objects.select_for_update()
            .filter(pk__in=set(staff_ids))
            .select_related("unit")
            .order_by("staff_number")
        )
        result.skipped_inactive = result.requested - len(people)
        candidates = []
        for person in people:
            if person.user_id is not None:
                result.skipped_existing += 1
            elif not person.active:
                result.skipped_inactive += 1
            else:
                candidates.append(person)
        taken = set(
            User.objects.filter(username__in=[p.staff_number for p in candidates]).values_list(
                "username", flat=True
            )
        )
        result.conflicts = sorted(p.staff_number for p in candidates if p.staff_number in taken)
        candidates = [p for p in candidates if p.staff_number not in taken]

        now = timezone.now()
        users = [
            # "!…" is Django's unusable password (set_unusable_password without hashing).
            User(
                username=p.staff_number,
                email=p.email,
                role=Role.STAFF,
                auth_source=AuthSource.LOCAL,
                password=_unusable(),
                date_joined=now,
            )
            for p in candidates
        ]
        User.objects.bulk_create(users, batch_size=500)
        for person, user in zip(candidates, users, strict=True):
            person.user = user
        # One UPDATE linking each record to the account named after its staff number
        # (bulk_update's CASE over thousands of rows cost seconds).
        Staff.objects.filter(pk__in=[p.pk for p in candidates]).update(
            user_id=Subquery(
                User.objects.filter(username=OuterRef("staff_number")).values("pk")[:1]
            )
        )
        channels = {
            user.pk: _channel(run.deliver, person.email)
            for person, user in zip(candidates, users, strict=True)
        }
        issued = issue_tokens(
            [u.pk for u in users],
            purpose=TokenPurpose.ACTIVATION,
            channels=channels,
            actor=actor,
            run_id=run.pk,
        )
        result.created = len(users)
        result.created_user_ids = [u.pk for u in users]
        result.by_email = sum(1 for c in channels.values() if c == Delivery.EMAIL)
        result.by_sheet = result.created - result.by_email
        record_many(
            (
                Entry(
                    action=AuditAction.CREATE,
                    object_type=user._meta.label_lower,
                    object_id=str(user.pk),
                    object_repr=user.username,
                    changes={
                        "auth_source": [None, AuthSource.LOCAL],
                        "role": [None, Role.STAFF],
                        "staff": [None, person.staff_number],
                        "password": "(unusable until activated)",
                        "delivery": channels[user.pk],
                        "run": run.pk,
                    },
                )
                for person, user in zip(candidates, users, strict=True)
            ),
            actor=actor,
        )
        ProvisionRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DELIVERING if users else RunStatus.DONE,
            finished_at=None if users else timezone.now(),
            requested=result.requested,
            created=result.created,
            skipped_existing=result.skipped_existing,
            skipped_other=result.skipped_inactive + len(result.conflicts),
            details={"conflicts": result.conflicts},
        )
        record(
            AuditAction.CREATE,
            actor=actor,
            object_type="accounts.provision_summary",
            object_id=str(run.pk),
            object_repr=_("アカウント作成 %(n)d 件") % {"n": result.created},
            changes={
                "scope": run.scope,
                "deliver": run.deliver,
                "requested": result.requested,
                "created": result.created,
                "by_email": result.by_email,
                "by_sheet": result.by_sheet,
                "skipped_existing": result.skipped_existing,
                "skipped_inactive": result.skipped_inactive,
                "conflicts": result.conflicts,
            },
        )
        if issued:
            run_id = run.pk
            tokens = dict(issued)
            send = deliver or _deliver
            transaction.on_commit(lambda: send(run_id, tokens))
    return result


def _unusable() -> str:
    """What ``set_unusable_password`` stores ("!" and random text: never matches a
    password), without get_random_string's 40 draws per account."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _deliver(run_id: int, issued: dict[int, IssuedToken]) -> None:
    """Mail and print after the commit. If that fails the accounts stay (they were
    committed) and the run says so: HR reissues to the people concerned."""
    from yakuba.accounts.delivery import deliver_tokens

    try:
        deliver_tokens(run_id, issued)
    except Exception as exc:
        ProvisionRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            failure=f"delivery: {type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise


# --- reissuing one person's activation -------------------------------------------------


class ReissueRefused(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def reissuable_accounts() -> QuerySet[User]:
    """Local accounts of a staff record: the only ones HR can send a link for."""
    return User.objects.filter(
        auth_source=AuthSource.LOCAL, is_active=True, staff__isnull=False
    ).select_related("staff", "staff__unit")


def start_reissue(
    *,
    actor: User,
    user: User,
    deliver: str,
    revoke_password: bool,
    request_base_url: str = "",
) -> ProvisionRun:
    """HR or the system administrator sends a person a new activation link (mail or
    sheet). Earlier links stop working at once. The current password keeps working until
    the new one is set, unless ``revoke_password``: then it stops now and the person's
    sessions end (an account believed compromised). Changing a privileged account is for
    the system administrator only, as with roles."""
    from yakuba.accounts.services import end_sessions
    from yakuba.accounts.tasks import run_reissue

    _check_actor(actor)
    if user.is_privileged and actor.role != Role.SYSADMIN:
        raise PermissionDenied("only a system admin reissues a privileged account")
    if deliver not in DELIVER_CHOICES:
        raise ValueError("unknown delivery")
    if user.auth_source != AuthSource.LOCAL:
        raise ReissueRefused(
            _(
                "ディレクトリのアカウントです。パスワードはディレクトリ（庁内のパソコン）で変更します。"
            )
        )
    staff = getattr(user, "staff", None)
    if not user.is_active or staff is None:
        raise ReissueRefused(_("無効なアカウント、または職員情報のないアカウントです。"))
    if deliver == Delivery.EMAIL and not (staff.email or user.email):
        raise ReissueRefused(_("この職員にはメールアドレスが登録されていません。"))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        now = timezone.now()
        revoked = ActivationToken.objects.filter(
            user=locked, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        if revoke_password and locked.has_usable_password():
            locked.set_unusable_password()
            locked.save(update_fields=["password"])
            end_sessions({locked.pk})
        run = ProvisionRun.objects.create(
            scope=RunScope.REISSUE,
            deliver=deliver,
            created_by=actor,
            target_user=locked,
            requested=1,
            base_url=base_url() or request_base_url.rstrip("/"),
            details={"revoke_password": revoke_password},
        )
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            object_repr=locked.get_username(),
            changes={
                "activation_reissued": run.pk,
                "deliver": deliver,
                "earlier_links_revoked": revoked,
                "password": "(invalidated now)" if revoke_password else "(kept until reset)",
            },
        )
        transaction.on_commit(lambda: run_reissue.enqueue(run.pk))
    return run


def execute_reissue(run_id: int) -> None:
    """The task's work: issue the token and deliver it (mail or a one-page sheet)."""
    with transaction.atomic():
        run = ProvisionRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.QUEUED or run.target_user_id is None:
            return
        user = User.objects.select_related("staff").get(pk=run.target_user_id)
        staff = getattr(user, "staff", None)
        channel = _channel(run.deliver, (staff.email if staff else "") or user.email)
        purpose = TokenPurpose.RESET if user.has_usable_password() else TokenPurpose.ACTIVATION
        if user.last_login is not None:
            purpose = TokenPurpose.RESET
        issued = issue_tokens(
            [user.pk],
            purpose=purpose,
            channels={user.pk: channel},
            actor=run.created_by,
            run_id=run.pk,
        )
        run.status = RunStatus.DELIVERING
        run.save(update_fields=["status"])
        transaction.on_commit(lambda: _deliver(run_id, issued))

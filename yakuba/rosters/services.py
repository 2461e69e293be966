"""Roster writes: each in one transaction and audited. Reads live in `selectors`.

Permission checks here answer "may this role take this action" (``PermissionDenied``, 403);
views fetch objects through `get_for_user_or_404` first, so objects outside the user's
scope never get this far.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.core import duties
from yakuba.core.duties import decision
from yakuba.org import selectors as org_selectors
from yakuba.org.models import Counter, Staff, Unit
from yakuba.rosters import selectors
from yakuba.rosters.models import (
    Assignment,
    CalendarFeed,
    CoverRule,
    CoverSkill,
    DayType,
    RemoteResource,
    RequestKind,
    RequestStatus,
    RosterPeriod,
    RosterVersion,
    StaffRequest,
    StaffWorkProfile,
    TeleworkPolicy,
    VersionStatus,
    WorkActivity,
    WorkRules,
)
from yakuba.rosters.notify import notify_changes
from yakuba.rosters.tasks import solve_version

MAX_PERIOD_DAYS = 62
# What the set-up forms edit (the forms name the same tuples).
ACTIVITY_FIELDS = WorkActivity.EDITABLE_FIELDS
POLICY_FIELDS = TeleworkPolicy.EDITABLE_FIELDS
WORK_RULES_FIELDS = (
    "max_consecutive_days",
    "max_weekends",
    "substitute_window_before",
    "substitute_window_after",
    "split_mode",
    "fairness_weight",
)
PROFILE_FIELDS = ("team", "telework_approved", "handles_personal_data", "life_event")
POOL_FIELDS = ("name", "capacity", "active", "activities")


def _require_plan(actor: User, period: RosterPeriod) -> None:
    if not selectors.can_plan(actor, period):
        raise PermissionDenied("cannot plan this unit's roster")


def _require_setup(actor: User, unit: Unit | None) -> None:
    """Unit heads set up their unit and below; the office-wide defaults are HR's/admins'."""
    if not actor.can(Capability.PLAN_ROSTERS):
        raise PermissionDenied("cannot set up rosters")
    if unit is None:
        if not actor.is_office_wide:
            raise PermissionDenied("office-wide roster settings")
    elif not org_selectors.visible_units(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied("unit outside scope")


@transaction.atomic
def create_period(
    *,
    actor: User,
    unit: Unit | None,
    name: str,
    start: dt.date,
    end: dt.date,
    mode: str,
    office_cap: int | None,
) -> RosterPeriod:
    if end < start:
        raise ValidationError(_("終了日は開始日以降にしてください。"))
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError(_("期間は%(n)s日以内にしてください。") % {"n": MAX_PERIOD_DAYS})
    period = RosterPeriod(
        unit=unit,
        name=name,
        start_date=start,
        end_date=end,
        mode=mode,
        office_presence_cap_pct=office_cap,
        created_by=actor,
    )
    _require_plan(actor, period)
    period.save()
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=period,
        changes={
            "unit": [None, period.scope_name],
            "start": [None, start.isoformat()],
            "end": [None, end.isoformat()],
            "mode": [None, mode],
        },
    )
    return period


def _next_number(period: RosterPeriod) -> int:
    return (period.versions.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def _new_version(
    *,
    actor: User,
    period: RosterPeriod,
    based_on: RosterVersion | None,
    repair: bool,
    time_limit: int,
) -> RosterVersion:
    RosterPeriod.objects.select_for_update(of=("self",)).get(pk=period.pk)  # serialise numbering
    version = RosterVersion.objects.create(
        period=period,
        number=_next_number(period),
        based_on=based_on,
        is_repair=repair,
        created_by=actor,
        time_limit=time_limit,
    )
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=version,
        changes={
            "based_on": [None, based_on.number if based_on else None],
            "repair": [None, repair],
        },
    )
    return version


def start_solve(
    *,
    actor: User,
    period: RosterPeriod,
    based_on: RosterVersion | None = None,
    repair: bool = False,
    time_limit: int = 30,
) -> RosterVersion:
    """Queue an optimizer run; the page then polls its progress."""
    _require_plan(actor, period)
    if period.versions.filter(status__in=[VersionStatus.QUEUED, VersionStatus.RUNNING]).exists():
        raise ValidationError(_("この期間は作成中です。終わるまでお待ちください。"))
    version = _new_version(
        actor=actor, period=period, based_on=based_on, repair=repair, time_limit=time_limit
    )
    solve_version.enqueue(version.pk)
    version.refresh_from_db()
    return version


@transaction.atomic
def cancel_solve(*, actor: User, version: RosterVersion) -> RosterVersion:
    _require_plan(actor, version.period)
    version = RosterVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if version.status == VersionStatus.QUEUED:
        version.status = VersionStatus.CANCELLED
        version.finished_at = timezone.now()
    if version.is_running or version.status == VersionStatus.CANCELLED:
        version.cancel_requested = True
        version.save(update_fields=["status", "cancel_requested", "finished_at"])
        record(AuditAction.UPDATE, actor=actor, obj=version, changes={"cancel": [False, True]})
    return version


@decision(
    "rosters.set_cell",
    subject=lambda **kw: kw["staff"],
    description="set or pin a person's cell in a draft roster (an override of the optimizer)",
)
@transaction.atomic
def set_cell(
    *,
    actor: User,
    version: RosterVersion,
    staff: Staff,
    date: dt.date,
    activity: WorkActivity | None,
    pin: bool = True,
) -> Assignment:
    """Set (and by default pin) one cell of a draft; the next run keeps pinned cells."""
    _require_plan(actor, version.period)
    if staff.pk not in selectors.period_member_ids(version.period):
        raise PermissionDenied("person not in this period")
    version = RosterVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if not version.is_editable:
        raise ValidationError(
            _("公開済み・作成中の版は編集できません。新しい版を作成してください。")
        )
    cell, _created = Assignment.objects.get_or_create(version=version, staff=staff, date=date)
    before = [cell.activity.name if cell.activity else None, cell.pinned]
    cell.activity = activity
    cell.pinned = pin
    cell.save(update_fields=["activity", "pinned"])
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=version,
        object_repr=f"{version} {staff.name} {date}",
        changes={
            "cell": [before, [activity.name if activity else None, pin]],
        },
    )
    return cell


@transaction.atomic
def publish(*, actor: User, version: RosterVersion) -> RosterVersion:
    """Make a draft the published roster; an earlier published version becomes superseded
    and the people whose days changed are told (in-app, e-mail once committed)."""
    _require_plan(actor, version.period)
    version = RosterVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if version.status != VersionStatus.SOLVED:
        raise ValidationError(_("公開できるのは下書きの版だけです。"))
    previous = list(
        RosterVersion.objects.select_for_update(of=("self",)).filter(
            period=version.period, status=VersionStatus.PUBLISHED
        )
    )
    for old in previous:
        old.status = VersionStatus.SUPERSEDED
        old.save(update_fields=["status"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=version,
        changes={
            "status": [VersionStatus.SOLVED, VersionStatus.PUBLISHED],
            "supersedes": [None, [v.number for v in previous]],
        },
    )
    if previous:
        notify_changes(max(previous, key=lambda v: v.number), version)
    return version


# --- absences -----------------------------------------------------------------------------


@decision(
    "rosters.record_sick_leave",
    subject=lambda **kw: kw["staff"],
    description="record approved sick leave for a person after publication",
)
@transaction.atomic
def record_sick_leave(
    *, actor: User, version: RosterVersion, staff: Staff, dates: list[dt.date]
) -> list[StaffRequest]:
    """Approved sick leave for `staff` on `dates` (all inside the version's period)."""
    _require_plan(actor, version.period)
    # The period's people by the period's unit (a mover stays in the period they began).
    if staff.pk not in selectors.period_member_ids(version.period):
        raise PermissionDenied("person not in this period")
    period = version.period
    if not dates:
        raise ValidationError(_("欠勤する日を入れてください。"))
    if any(not period.start_date <= day <= period.end_date for day in dates):
        raise ValidationError(_("期間外の日付です。"))
    leave = []
    for day in sorted(set(dates)):
        existing = (
            StaffRequest.objects.select_for_update()
            .filter(staff=staff, date=day, kind=RequestKind.SICK)
            .order_by("pk")
            .first()
        )
        if existing is None:
            req = StaffRequest.objects.create(
                staff=staff,
                date=day,
                kind=RequestKind.SICK,
                status=RequestStatus.APPROVED,
                decided_by=actor,
                decided_at=timezone.now(),
                weight=3,
            )
            record(
                AuditAction.CREATE,
                actor=actor,
                obj=req,
                changes={"date": [None, day.isoformat()], "kind": [None, "sick"]},
            )
        else:
            req = existing
            if req.status != RequestStatus.APPROVED:
                # A sick day once withdrawn or refused is reported again: it holds now.
                old = req.status
                req.status = RequestStatus.APPROVED
                req.decided_by = actor
                req.decided_at = timezone.now()
                req.save(update_fields=["status", "decided_by", "decided_at"])
                record(
                    AuditAction.UPDATE,
                    actor=actor,
                    obj=req,
                    changes={"status": [old, req.status]},
                )
        leave.append(req)
    return leave


@dataclass(frozen=True)
class AbsenceReport:
    leave: list[StaffRequest]
    repair: RosterVersion  # the minimal-change run that will include the absence
    waits_for: RosterVersion | None  # the run of the period that goes first, if any
    joined: bool  # the absence joined a repair that was already waiting


@transaction.atomic
def report_absence(
    *, actor: User, version: RosterVersion, staff: Staff, dates: list[dt.date]
) -> AbsenceReport:
    """Someone is off sick after publication: store approved sick leave for the days and
    queue a minimal-change repair of `version`, together or not at all.

    An absence is never refused or lost because a solve is running: the repair waits, and
    the worker starts it as soon as the running solve ends (`tasks.solve_version`). If a
    repair of this version is already waiting, the absence joins it: a run reads the leave
    when it starts, so it covers every absence stored before then.
    """
    _require_plan(actor, version.period)
    if version.status not in {VersionStatus.SOLVED, VersionStatus.PUBLISHED}:
        raise ValidationError(_("欠勤を登録できるのは下書きか公開中の版です。"))
    # The period lock orders this with other runs being queued or started for the period.
    period = RosterPeriod.objects.select_for_update(of=("self",)).get(pk=version.period_id)
    leave = record_sick_leave(actor=actor, version=version, staff=staff, dates=dates)
    repair = selectors.queued_repair_of(version)
    joined = repair is not None
    if repair is None:
        repair = _new_version(
            actor=actor,
            period=period,
            based_on=version,
            repair=True,
            time_limit=version.time_limit,
        )
        repair_pk = repair.pk
        transaction.on_commit(lambda: solve_version.enqueue(repair_pk))
    else:
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=repair,
            changes={"absence": [staff.name, [d.isoformat() for d in sorted(set(dates))]]},
        )
    return AbsenceReport(
        leave=leave,
        repair=repair,
        waits_for=selectors.run_in_progress(period, besides=repair),
        joined=joined,
    )


# --- set-up -------------------------------------------------------------------------------


@transaction.atomic
def save_activity(
    *,
    actor: User,
    activity: WorkActivity | None,
    unit: Unit | None,
    values: Mapping[str, Any],
) -> WorkActivity:
    """Create (activity=None) an activity of `unit` (None: office-wide) or update one."""
    if activity is not None:
        unit = activity.unit
    _require_setup(actor, unit)
    counter = values.get("counter")
    if (
        counter is not None
        and not org_selectors.visible_counters(actor).filter(pk=counter.pk).exists()
    ):
        raise PermissionDenied("counter outside scope")
    try:
        with transaction.atomic():
            return save_audited(
                actor=actor,
                obj=activity or WorkActivity(),
                creating=activity is None,
                fields=(*ACTIVITY_FIELDS, "unit"),
                values={k: values[k] for k in ACTIVITY_FIELDS} | {"unit": unit},
            )
    except IntegrityError as exc:  # the same code twice at once
        raise ValidationError(_("このコードは既に使われています。")) from exc


@transaction.atomic
def save_cover(
    *, actor: User, counter: Counter, days: Iterable[Mapping[str, Any]]
) -> list[CoverRule]:
    """Store a counter's cover per day type: minimum and target staff and, per required
    skill, how many of them need it. Each day is a mapping with `day_type`, `min_staff`,
    `target_staff` and `skills` ({skill id: count}; 0 removes the skill row)."""
    _require_setup(actor, counter.unit)
    required = {s.pk: s for s in counter.required_skills.all()}
    saved = []
    for day in days:
        if day["day_type"] not in DayType.values:
            raise ValidationError(_("曜日区分が正しくありません。"))
        if day["target_staff"] < day["min_staff"]:
            raise ValidationError(_("目標人数は最低人数以上にしてください。"))
        rule = (
            CoverRule.objects.select_for_update()
            .filter(counter=counter, day_type=day["day_type"])
            .first()
        )
        rule = save_audited(
            actor=actor,
            obj=rule or CoverRule(counter=counter, day_type=day["day_type"]),
            creating=rule is None,
            fields=("min_staff", "target_staff"),
            values={"min_staff": day["min_staff"], "target_staff": day["target_staff"]},
        )
        existing = {cs.skill_id: cs for cs in CoverSkill.objects.filter(rule=rule)}
        for skill_id, count in day.get("skills", {}).items():
            if skill_id not in required:
                raise ValidationError(_("この窓口に必要なスキルではありません。"))
            if count > day["min_staff"]:
                raise ValidationError(_("うち必要人数は最低人数以下にしてください。"))
            row = existing.get(skill_id)
            if count:
                save_audited(
                    actor=actor,
                    obj=row or CoverSkill(rule=rule, skill=required[skill_id]),
                    creating=row is None,
                    fields=("min_count",),
                    values={"min_count": count},
                )
            elif row is not None:
                record(
                    AuditAction.DELETE,
                    actor=actor,
                    obj=row,
                    changes={"min_count": [row.min_count, None]},
                )
                row.delete()
        saved.append(rule)
    return saved


def _save_unit_settings(
    *,
    actor: User,
    model: type[TeleworkPolicy] | type[WorkRules],
    unit: Unit | None,
    fields: tuple[str, ...],
    values: Mapping[str, Any],
) -> Any:
    _require_setup(actor, unit)
    own = model.objects.select_for_update().filter(unit=unit).first()
    return save_audited(
        actor=actor,
        obj=own or model(),
        creating=own is None,
        fields=(*fields, "unit"),
        values={k: values[k] for k in fields} | {"unit": unit},
    )


@transaction.atomic
def save_telework_policy(
    *, actor: User, unit: Unit | None, values: Mapping[str, Any]
) -> TeleworkPolicy:
    """The unit's own telework rules (None: the office default); sub-units inherit them."""
    return _save_unit_settings(
        actor=actor, model=TeleworkPolicy, unit=unit, fields=POLICY_FIELDS, values=values
    )


@transaction.atomic
def save_work_rules(*, actor: User, unit: Unit | None, values: Mapping[str, Any]) -> WorkRules:
    """The unit's own work rules (None: the office default); sub-units inherit them."""
    return _save_unit_settings(
        actor=actor, model=WorkRules, unit=unit, fields=WORK_RULES_FIELDS, values=values
    )


@decision(
    "rosters.save_work_profile",
    subject=lambda **kw: kw["staff"],
    description="a person's team, telework approval, personal-data work and life event",
)
@transaction.atomic
def save_work_profile(*, actor: User, staff: Staff, values: Mapping[str, Any]) -> StaffWorkProfile:
    """A person's team, telework approval, personal-data work and life event."""
    _require_setup(actor, staff.unit)
    profile = StaffWorkProfile.objects.select_for_update().filter(staff=staff).first()
    return save_audited(
        actor=actor,
        obj=profile or StaffWorkProfile(staff=staff),
        creating=profile is None,
        fields=PROFILE_FIELDS,
        values={k: values[k] for k in PROFILE_FIELDS},
    )


@transaction.atomic
def save_remote_pool(
    *,
    actor: User,
    pool: RemoteResource | None,
    values: Mapping[str, Any],
    activities: Iterable[WorkActivity],
) -> RemoteResource:
    """Create (pool=None) or update a remote-access pool and the activities that use it.

    The pools are the roster's input; their set-up screen is in `remoteseats`, where the
    people who run them (HR, information security, system admins) work.
    """
    if actor is not None and not actor.can(Capability.MANAGE_REMOTE_SEATS):
        raise PermissionDenied("cannot manage remote-access pools")
    return save_audited(
        actor=actor,
        obj=pool or RemoteResource(),
        creating=pool is None,
        fields=POOL_FIELDS,
        values={k: values[k] for k in ("name", "capacity", "active")},
        m2m={"activities": activities},
    )


# --- requests and leave ---------------------------------------------------------------


@transaction.atomic
def submit_request(
    *, actor: User, staff: Staff, date: dt.date, kind: str, weight: int, note: str
) -> StaffRequest:
    if getattr(actor, "staff", None) != staff and not selectors.can_decide_for(actor, staff):
        raise PermissionDenied("cannot request for someone else")
    if (
        StaffRequest.objects.filter(staff=staff, date=date, kind=kind)
        .exclude(status__in=[RequestStatus.CANCELLED, RequestStatus.REJECTED])
        .exists()
    ):
        raise ValidationError(_("同じ日に同じ申請があります。"))
    req = StaffRequest.objects.create(staff=staff, date=date, kind=kind, weight=weight, note=note)
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=req,
        changes={"date": [None, date.isoformat()], "kind": [None, kind]},
    )
    return req


@decision(
    "rosters.decide_request",
    subject=lambda **kw: kw["request"].staff,
    description="approve or reject a person's leave or wish",
)
@transaction.atomic
def decide_request(*, actor: User, request: StaffRequest, approve: bool) -> StaffRequest:
    if not selectors.can_decide_for(actor, request.staff):
        raise PermissionDenied("cannot decide this request")
    old = request.status
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    record(AuditAction.UPDATE, actor=actor, obj=request, changes={"status": [old, request.status]})
    return request


@transaction.atomic
def cancel_request(*, actor: User, request: StaffRequest) -> StaffRequest:
    """The person withdraws their own request, or a planner cancels someone's (a decision
    about that person: never their own, and a head's only from above)."""
    if getattr(actor, "staff", None) != request.staff:
        if not selectors.can_decide_for(actor, request.staff):
            raise PermissionDenied("cannot cancel this request")
        duties.check(actor, request.staff)
    old = request.status
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status"])
    record(AuditAction.UPDATE, actor=actor, obj=request, changes={"status": [old, request.status]})
    return request


# --- calendar feed ----------------------------------------------------------------------


@transaction.atomic
def reset_calendar_feed(*, actor: User, staff: Staff) -> str:
    """A new secret feed token (the old URL stops working). Returns the raw token once."""
    raw = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        staff=staff, defaults={"token_hash": selectors.feed_token_hash(raw)}
    )
    record(
        AuditAction.UPDATE,
        actor=actor,
        object_type="rosters.calendarfeed",
        object_id=str(staff.pk),
        object_repr=str(staff),
        changes={"token": "(changed)"},
    )
    return raw


@transaction.atomic
def revoke_calendar_feed(*, actor: User, staff: Staff) -> None:
    deleted, _ = CalendarFeed.objects.filter(staff=staff).delete()
    if deleted:
        record(
            AuditAction.DELETE,
            actor=actor,
            object_type="rosters.calendarfeed",
            object_id=str(staff.pk),
            object_repr=str(staff),
        )

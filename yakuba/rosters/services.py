"""Roster writes: each in a transaction and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.org.models import Staff, Unit
from yakuba.rosters import selectors
from yakuba.rosters.models import (
    Assignment,
    CalendarFeed,
    RequestKind,
    RequestStatus,
    RosterPeriod,
    RosterVersion,
    StaffRequest,
    VersionStatus,
    WorkActivity,
)
from yakuba.rosters.tasks import solve_version

MAX_PERIOD_DAYS = 62


def _require_plan(actor: Any, period: RosterPeriod) -> None:
    if not selectors.can_plan(actor, period):
        raise PermissionDenied("cannot plan this unit's roster")


@transaction.atomic
def create_period(
    *,
    actor: Any,
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
    actor: Any,
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
    actor: Any,
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
def cancel_solve(*, actor: Any, version: RosterVersion) -> RosterVersion:
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


@transaction.atomic
def set_cell(
    *,
    actor: Any,
    version: RosterVersion,
    staff: Staff,
    date: dt.date,
    activity: WorkActivity | None,
    pin: bool = True,
) -> Assignment:
    """Set (and by default pin) one cell of a draft; the next run keeps pinned cells."""
    _require_plan(actor, version.period)
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
def publish(*, actor: Any, version: RosterVersion) -> RosterVersion:
    """Make a draft the published roster; an earlier published version becomes superseded."""
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
    return version


def changed_cells(
    old: RosterVersion, new: RosterVersion
) -> list[tuple[int, dt.date, int | None, int | None]]:
    """(staff, date, old activity, new activity) for every cell that differs."""
    before = {(a.staff_id, a.date): a.activity_id for a in old.assignments.all()}
    after = {(a.staff_id, a.date): a.activity_id for a in new.assignments.all()}
    return [
        (staff_id, date, before.get((staff_id, date)), after.get((staff_id, date)))
        for staff_id, date in sorted(set(before) | set(after), key=lambda k: (k[1], k[0]))
        if before.get((staff_id, date)) != after.get((staff_id, date))
    ]


@transaction.atomic
def report_absence(
    *, actor: Any, version: RosterVersion, staff: Staff, dates: list[dt.date]
) -> list[StaffRequest]:
    """Someone is off sick after publication: record approved sick leave for the days."""
    _require_plan(actor, version.period)
    if not selectors.can_decide_for(actor, staff):
        raise PermissionDenied("person outside scope")
    created = []
    for day in dates:
        if not version.period.start_date <= day <= version.period.end_date:
            raise ValidationError(_("期間外の日付です。"))
        req, made = StaffRequest.objects.get_or_create(
            staff=staff,
            date=day,
            kind=RequestKind.SICK,
            defaults={
                "status": RequestStatus.APPROVED,
                "decided_by": actor,
                "decided_at": timezone.now(),
                "weight": 3,
            },
        )
        if made:
            record(
                AuditAction.CREATE,
                actor=actor,
                obj=req,
                changes={"date": [None, day.isoformat()], "kind": [None, "sick"]},
            )
        created.append(req)
    return created


# --- requests and leave ---------------------------------------------------------------


@transaction.atomic
def submit_request(
    *, actor: Any, staff: Staff, date: dt.date, kind: str, weight: int, note: str
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


@transaction.atomic
def decide_request(*, actor: Any, request: StaffRequest, approve: bool) -> StaffRequest:
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
def cancel_request(*, actor: Any, request: StaffRequest) -> StaffRequest:
    if getattr(actor, "staff", None) != request.staff and not selectors.can_decide_for(
        actor, request.staff
    ):
        raise PermissionDenied("cannot cancel this request")
    old = request.status
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status"])
    record(AuditAction.UPDATE, actor=actor, obj=request, changes={"status": [old, request.status]})
    return request


# --- calendar feed ----------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def reset_calendar_feed(*, actor: Any, staff: Staff) -> str:
    """A new secret feed token (the old URL stops working). Returns the raw token once."""
    raw = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(staff=staff, defaults={"token_hash": _hash(raw)})
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
def revoke_calendar_feed(*, actor: Any, staff: Staff) -> None:
    deleted, _ = CalendarFeed.objects.filter(staff=staff).delete()
    if deleted:
        record(
            AuditAction.DELETE,
            actor=actor,
            object_type="rosters.calendarfeed",
            object_id=str(staff.pk),
            object_repr=str(staff),
        )


def feed_owner(raw: str) -> Staff | None:
    if not raw or len(raw) > 100:
        return None
    feed = CalendarFeed.objects.select_related("staff").filter(token_hash=_hash(raw)).first()
    return feed.staff if feed else None

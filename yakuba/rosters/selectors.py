"""Reads for rosters: permission-scoped where made on behalf of a user; never a write."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.core import duties
from yakuba.org import selectors as org_selectors
from yakuba.org.models import Counter, Skill, Staff, Unit
from yakuba.rosters.models import (
    Assignment,
    CalendarFeed,
    CoverRule,
    CoverSkill,
    DayType,
    RemoteResource,
    RosterPeriod,
    RosterVersion,
    StaffRequest,
    StaffWorkProfile,
    VersionStatus,
    WorkActivity,
)


def plannable_periods(user: Any) -> QuerySet[RosterPeriod]:
    """Periods whose unit lies in the user's organisation scope (planners and viewers)."""
    if not user.can(Capability.VIEW_ROSTERS):
        return RosterPeriod.objects.none()
    periods = RosterPeriod.objects.select_related("unit", "created_by")
    if user.is_office_wide:
        return periods  # includes whole-office periods (unit = None)
    return periods.filter(unit__in=org_selectors.visible_units(user))


def visible_versions(user: Any) -> QuerySet[RosterVersion]:
    """Versions of the periods the user may read."""
    return RosterVersion.objects.select_related("period__unit", "based_on").filter(
        period__in=plannable_periods(user)
    )


def can_plan(user: Any, period: RosterPeriod) -> bool:
    if not user.can(Capability.PLAN_ROSTERS):
        return False
    if period.unit_id is None:
        return user.is_office_wide
    return org_selectors.visible_units(user).filter(pk=period.unit_id).exists()


def period_member_ids(period: RosterPeriod) -> list[int]:
    """The period's people: those of its unit's subtree on its first day (org.membership).
    Someone who moved out since stays in the period; someone who moved in does not."""
    from yakuba.rosters.solver_io import period_members

    return [s.pk for s in period_members(period, with_skills=False)]


def period_people(user: Any, period: RosterPeriod) -> QuerySet[Staff]:
    """The people whose rows of ``period`` the user may read (and, with `can_plan`, edit):
    every member of the period for someone who may read the period, nobody else. Scoped by
    the period's unit, not by where the people are today: after a move the old unit's head
    keeps the mover's rows of the period that was running (only those: other periods and
    the mover's other records follow today's unit), and the new unit's head does not get
    them."""
    if not plannable_periods(user).filter(pk=period.pk).exists():
        return Staff.objects.none()
    return Staff.objects.filter(pk__in=period_member_ids(period))


def published_version_for(staff: Staff, day: dt.date) -> RosterVersion | None:
    return (
        RosterVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            period__start_date__lte=day,
            period__end_date__gte=day,
            assignments__staff=staff,
        )
        .order_by("-published_at")
        .first()
    )


def my_assignments(staff: Staff, start: dt.date, end: dt.date) -> dict[dt.date, Assignment]:
    """The person's published cells between two dates (latest publication wins per day)."""
    cells = (
        Assignment.objects.filter(
            staff=staff,
            date__gte=start,
            date__lte=end,
            version__status=VersionStatus.PUBLISHED,
        )
        .select_related("activity", "version")
        .order_by("date", "version__published_at")
    )
    return {c.date: c for c in cells}


def has_published_roster(staff: Staff) -> bool:
    """Whether any published roster has ever had a cell for the person (the home page hides
    the roster panel from people whose unit does not use rosters)."""
    return Assignment.objects.filter(staff=staff, version__status=VersionStatus.PUBLISHED).exists()


def visible_requests(user: Any) -> QuerySet[StaffRequest]:
    """Own requests, plus those of people in scope for planners."""
    staff = getattr(user, "staff", None)
    if user.can(Capability.PLAN_ROSTERS):
        return StaffRequest.objects.filter(
            staff__in=org_selectors.visible_staff(user)
        ).select_related("staff", "staff__unit")
    if staff is None:
        return StaffRequest.objects.none()
    return StaffRequest.objects.filter(staff=staff).select_related("staff", "staff__unit")


def decidable_requests(user: Any, *, since: dt.date, limit: int = 200) -> list[StaffRequest]:
    """Pending requests from ``since`` on that ``user`` may decide: in scope, never their
    own, and a unit head's only from the unit above or an office-wide role
    (`yakuba.core.duties`)."""
    if not user.can(Capability.DECIDE_REQUESTS):
        return []
    pending = (
        visible_requests(user)
        .filter(status="pending", date__gte=since)
        .select_related("staff__user", "staff__unit")
        .order_by("date")
    )
    decidable = []
    for req in pending.iterator():
        try:
            duties.check(user, req.staff)
        except duties.SelfDecisionRefused:
            continue
        decidable.append(req)
        if len(decidable) >= limit:
            break
    return decidable


def can_decide_for(user: Any, staff: Staff) -> bool:
    if not user.can(Capability.DECIDE_REQUESTS):
        return False
    return org_selectors.visible_staff(user).filter(pk=staff.pk).exists()


def own_requests(staff: Staff | None, limit: int = 100) -> list[StaffRequest]:
    if staff is None:
        return []
    return list(StaffRequest.objects.filter(staff=staff).order_by("-date")[:limit])


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


def queued_repair_of(version: RosterVersion) -> RosterVersion | None:
    """A repair of `version` that has not started yet (it will read every absence stored
    before it starts)."""
    return (
        version.period.versions.filter(
            status=VersionStatus.QUEUED, is_repair=True, based_on=version
        )
        .order_by("number")
        .first()
    )


def run_in_progress(period: RosterPeriod, *, besides: RosterVersion | None = None) -> Any:
    """The period's version being solved or waiting to be (oldest first), if any."""
    versions = period.versions.filter(status__in=[VersionStatus.QUEUED, VersionStatus.RUNNING])
    if besides is not None:
        versions = versions.exclude(pk=besides.pk)
    return versions.order_by("number").first()


# --- calendar feed ----------------------------------------------------------------------


def feed_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def feed_owner(raw: str) -> Staff | None:
    """The person a secret calendar-feed token belongs to (None for an unknown token)."""
    if not raw or len(raw) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("staff").filter(token_hash=feed_token_hash(raw)).first()
    )
    return feed.staff if feed else None


# --- set-up -----------------------------------------------------------------------------


def visible_activities(user: Any) -> QuerySet[WorkActivity]:
    """Office-wide activities and those of units in the user's scope (for planners)."""
    if not user.can(Capability.PLAN_ROSTERS):
        return WorkActivity.objects.none()
    units = org_selectors.visible_units(user)
    return (
        WorkActivity.objects.filter(unit__isnull=True) | WorkActivity.objects.filter(unit__in=units)
    ).select_related("unit", "counter")


def remote_pools() -> QuerySet[RemoteResource]:
    """Every remote-access pool (office-wide: everybody planning may see the capacities)."""
    return RemoteResource.objects.prefetch_related("activities").order_by("name")


def effective_settings(model: type[Model], unit: Unit | None) -> tuple[Any, Unit | None, bool]:
    """The settings (`TeleworkPolicy`, `WorkRules`) in force for `unit`: its own, else its
    nearest ancestor's, else the office default, else the model's defaults (unsaved).
    Returns (settings, the unit they belong to, inherited?)."""
    row, owner, inherited = org_selectors.nearest_for_unit(model._default_manager.all(), unit)
    return (row if row is not None else model(unit=None)), owner, inherited


def own_settings(model: type[Model], unit: Unit | None) -> Any:
    """The unit's own settings row (office default for None), or None if it has none."""
    return model._default_manager.filter(unit=unit).first()


def setup_counters(user: Any) -> QuerySet[Counter]:
    return (
        org_selectors.visible_counters(user)
        .filter(active=True)
        .prefetch_related("cover_rules__skills__skill")
    )


@dataclass(frozen=True)
class CoverDay:
    """What the cover form shows for one day type (zeros where no rule is stored yet)."""

    day_type: str
    label: str
    min_staff: int
    target_staff: int
    skills: dict[int, int]  # skill id → "of whom at least"


def cover_days(counter: Counter) -> list[CoverDay]:
    """The counter's cover per day type, in DayType order, without creating anything."""
    rules = {r.day_type: r for r in CoverRule.objects.filter(counter=counter)}
    counts: dict[tuple[int, int], int] = {
        (cs.rule_id, cs.skill_id): cs.min_count
        for cs in CoverSkill.objects.filter(rule__counter=counter)
    }
    skills: list[Skill] = list(counter.required_skills.all())
    days = []
    for day_type, label in DayType.choices:
        rule = rules.get(day_type)
        days.append(
            CoverDay(
                day_type=day_type,
                label=str(label),
                min_staff=rule.min_staff if rule else 0,
                target_staff=rule.target_staff if rule else 0,
                skills={s.pk: counts.get((rule.pk, s.pk), 0) if rule else 0 for s in skills},
            )
        )
    return days


def work_profiles(staff: list[Staff]) -> dict[int, StaffWorkProfile]:
    return {p.staff_id: p for p in StaffWorkProfile.objects.filter(staff__in=staff)}


def work_profile(staff: Staff) -> StaffWorkProfile | None:
    return StaffWorkProfile.objects.filter(staff=staff).first()


# --- the evidence report (evaluation) ------------------------------------------------------
#
# Office-wide aggregate reads for `yakuba.evaluation`: what the published rosters say about a
# period, each in one query whatever the number of staff or days. The report counts and
# never names anyone; it runs as a task on behalf of the planning unit or HR.


def published_cells(
    start: dt.date, end: dt.date, *, staff_ids: list[int] | None = None
) -> dict[tuple[int, dt.date], int | None]:
    """{(staff id, day): activity id or None (off)} from the published rosters between two
    dates, the latest publication winning a day (one query)."""
    cells = Assignment.objects.filter(
        version__status=VersionStatus.PUBLISHED, date__range=(start, end)
    )
    if staff_ids is not None:
        cells = cells.filter(staff_id__in=staff_ids)
    latest: dict[tuple[int, dt.date], int | None] = {}
    for staff_id, day, activity_id in cells.order_by("version__published_at", "pk").values_list(
        "staff_id", "date", "activity_id"
    ):
        latest[(staff_id, day)] = activity_id
    return latest


def all_activities() -> dict[int, WorkActivity]:
    """Every work activity (active or not: old rosters use retired ones) with its counter and
    the remote pools it consumes (two queries)."""
    return {
        a.pk: a
        for a in WorkActivity.objects.select_related("counter").prefetch_related("resources")
    }


def published_violations(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The explained soft-rule rows (`rosters.explain`) of the published versions whose
    period overlaps [start, end], limited to rows dated inside it (one query)."""
    rows: list[dict[str, Any]] = []
    first, last = start.isoformat(), end.isoformat()
    for violations in RosterVersion.objects.filter(
        status=VersionStatus.PUBLISHED, period__start_date__lte=end, period__end_date__gte=start
    ).values_list("violations", flat=True):
        for row in violations or []:
            day = row.get("date") if isinstance(row, dict) else None
            if isinstance(day, str) and first <= day <= last:
                rows.append(row)
    return rows


def telework_policies() -> list[Any]:
    """Every telework policy with its unit and excluded units (two queries), for
    `org.selectors.nearest_for_unit` over many units."""
    from yakuba.rosters.models import TeleworkPolicy

    return list(TeleworkPolicy.objects.select_related("unit").prefetch_related("excluded_units"))


def cover_rules() -> list[CoverRule]:
    """Every counter's cover per day type, with the counter (one query)."""
    return list(CoverRule.objects.select_related("counter"))

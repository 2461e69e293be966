"""Reads of morning reports (writes: `services`).

* Everyone sees their own reports and their own unit's digest.
* VIEW_REPORTS (unit heads: their unit and below; HR: everything) sees boards, reports,
  blockers and the overview.
* Health checks: the person, HR, and a unit head whose scope holds the report's unit;
  every time one is shown, the view is recorded in the audit trail (`health_for`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Min, Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.text import search_key
from yakuba.dailyreports import roster_link
from yakuba.dailyreports import window as win
from yakuba.dailyreports.models import (
    Blocker,
    BlockerStatus,
    Digest,
    HealthCheck,
    Question,
    QuestionKind,
    Report,
    ReportStatus,
    ReportWindow,
    WorkPlace,
)
from yakuba.notifications.selectors import units_in_scope
from yakuba.org import membership
from yakuba.org.membership import Stint
from yakuba.org.models import Staff, StaffChange, Unit

OPEN_STATUSES = (BlockerStatus.OPEN, BlockerStatus.IN_PROGRESS)


def get_window(unit: Unit) -> ReportWindow | None:
    """The unit's set-up, or None if the unit has never started morning reports."""
    return ReportWindow.objects.filter(unit=unit).first()


def active_questions(window: ReportWindow) -> list[Question]:
    return list(window.questions.filter(active=True))


def report_of(staff: Staff, day: dt.date) -> Report | None:
    """The person's report (draft or submitted) for `day`."""
    return Report.objects.filter(staff=staff, date=day).first()


def previous_report(staff: Staff, day: dt.date) -> Report | None:
    """The person's last submitted report before `day` (the plan to tick off)."""
    return (
        Report.objects.filter(staff=staff, date__lt=day, status=ReportStatus.SUBMITTED)
        .order_by("-date")
        .first()
    )


def default_work_place(staff: Staff, day: dt.date) -> str:
    """Where a new report says the person works: the published roster's place, else the
    office."""
    status = roster_link.work_status_for(staff, day)
    return (status.work_place if status is not None else "") or WorkPlace.OFFICE


def recent_reports(staff: Staff, limit: int = 7) -> list[Report]:
    return list(
        Report.objects.filter(staff=staff, status=ReportStatus.SUBMITTED).order_by("-date")[:limit]
    )


def carried_blockers(staff: Staff, day: dt.date) -> list[Blocker]:
    """The person's unresolved blockers from days before `day` (today's own are not
    "continuing")."""
    return list(
        Blocker.objects.filter(owner=staff, opened_on__lt=day)
        .exclude(status=BlockerStatus.RESOLVED)
        .order_by("opened_on", "pk")
    )


def open_blocker_with_text(staff: Staff, text: str) -> Blocker | None:
    """The person's unresolved blocker with exactly this text (a blocker reported again)."""
    return Blocker.objects.filter(owner=staff, text=text, status__in=OPEN_STATUSES).first()


def possible_helpers(unit: Unit) -> QuerySet[Staff]:
    """Who may be named as helping with a blocker of `unit`: active staff of it and below."""
    return Staff.objects.filter(unit__path__startswith=unit.path, active=True)


def report_units(user: Any) -> QuerySet[Unit]:
    if not user.can(Capability.VIEW_REPORTS):
        return Unit.objects.none()
    return units_in_scope(user)


def managed_units(user: Any) -> QuerySet[Unit]:
    if not user.can(Capability.MANAGE_REPORTS):
        return Unit.objects.none()
    return units_in_scope(user)


def visible_reports(user: Any) -> QuerySet[Report]:
    own = Q(staff__user=user)
    if user.can(Capability.VIEW_REPORTS):
        return Report.objects.filter(own | Q(unit__in=report_units(user)))
    return Report.objects.filter(own)


def can_view_health(user: Any, report: Report) -> bool:
    if report.staff.user_id == user.pk:
        return True
    if not user.can(Capability.VIEW_HEALTH):
        return False
    return user.is_office_wide or units_in_scope(user).filter(pk=report.unit_id).exists()


def health_for(user: Any, report: Report, *, context: str = "") -> HealthCheck | None:
    """The report's health check if `user` may see it, else None.

    Whenever one is returned, the view is recorded (a read-audit entry, no values): doing
    it here means no screen can show health data without it.
    """
    if not can_view_health(user, report):
        return None
    health = HealthCheck.objects.filter(report=report).first()
    if health is not None:
        record(
            AuditAction.VIEW_SENSITIVE,
            actor=user,
            obj=health,
            object_repr=f"health check of {report.staff.staff_number} {report.date}{context}",
        )
    return health


def digest_units(user: Any) -> QuerySet[Unit]:
    """Units whose digests the user may read: their own unit and their report scope."""
    staff = getattr(user, "staff", None)
    own = Q(pk=staff.unit_id) if staff is not None else Q(pk__in=[])
    return Unit.objects.filter(own | Q(pk__in=report_units(user)))


def stored_digest(unit: Unit, day: dt.date) -> Digest | None:
    return Digest.objects.filter(unit=unit, date=day).first()


def board(unit: Unit, day: dt.date) -> dict[str, Any]:
    """The day's status of every person in the unit that day (org.membership: a past day
    shows who was in the unit then), in a fixed number of queries."""
    window = get_window(unit)
    staff = [s for s in membership.members_on(unit.path, day) if s.unit.pk == unit.pk]
    staff.sort(key=lambda s: s.staff_number)
    expected = {s.pk for s in win.expected_staff(unit, day, staff)}
    reports = {r.staff_id: r for r in Report.objects.filter(unit=unit, date=day)}
    blockers = list(
        Blocker.objects.filter(unit=unit, status__in=OPEN_STATUSES)
        .select_related("owner")
        .prefetch_related("helpers")
        .order_by("opened_on", "pk")
    )
    for b in blockers:
        b.age = b.age_days(day)  # type: ignore[attr-defined]
    rows: list[dict[str, Any]] = []
    for s in staff:
        report = reports.get(s.pk)
        submitted = report is not None and report.status == ReportStatus.SUBMITTED
        rows.append(
            {
                "staff": s,
                "report": report,
                "submitted": submitted,
                "draft": report is not None and not submitted,
                "expected": s.pk in expected,
                "plan": report.answer_of(QuestionKind.PLAN) if report and submitted else "",
            }
        )
    done = sum(1 for r in rows if r["submitted"])
    return {
        "window": window,
        "rows": rows,
        "blockers": blockers,
        "done": done,
        "expected": len(expected),
        "late": sum(1 for r in rows if r["submitted"] and r["report"].late),
    }


def blockers_for(user: Any, unit: Unit | None, include_resolved: bool = False) -> QuerySet[Blocker]:
    """Open blockers by age: those of units in scope plus those escalated to them."""
    units = report_units(user)
    if unit is not None:
        units = units.filter(pk=unit.pk)
    qs = Blocker.objects.filter(Q(unit__in=units) | Q(escalated_to__in=units))
    if not include_resolved:
        qs = qs.exclude(status=BlockerStatus.RESOLVED)
    return (
        qs.select_related("owner", "unit", "escalated_to")
        .prefetch_related("helpers")
        .order_by("opened_on", "pk")
    )


def search_reports(
    user: Any, *, query: str, unit: Unit | None, start: dt.date, end: dt.date
) -> QuerySet[Report]:
    qs = visible_reports(user).filter(date__range=(start, end), status=ReportStatus.SUBMITTED)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    key = search_key(query)
    if key:
        qs = qs.filter(search_text__contains=key)
    return qs.select_related("staff", "unit").order_by("-date", "unit__path", "staff__staff_number")


def _rate(part: int, whole: int) -> int:
    return round(100 * min(part, whole) / whole) if whole else 0


def _bucket(row: dict[str, Any]) -> dict[str, Any]:
    row["rate"] = _rate(row["done"], row["expected"])
    row["late_rate"] = _rate(row["late"], row["expected"])
    return row


def completion(
    user: Any,
    *,
    unit: Unit | None,
    start: dt.date,
    end: dt.date,
    person: Staff | None = None,
) -> dict[str, Any]:
    """Completion and lateness over time (per day; for one person per week) and per unit
    and person for the period.

    Expected = each person in service in a unit with a window on that day (org.membership:
    a mover in the old unit before the move's effective date, in the new one from it), on
    the unit's working days (weekday mask, public holidays) from the day the unit's reports
    began, minus the days the published roster gives them off. A report counts in the unit
    it was made in, where it was expected; a late report counts as done and late.
    """
    units = list(
        report_units(user).filter(report_window__isnull=False).select_related("report_window")
    )
    return completion_in(units, unit=unit, start=start, end=end, person=person)


def office_completion(start: dt.date, end: dt.date) -> dict[str, Any]:
    """`completion` for every unit with a report window (the evidence report: counts only,
    read as a task on behalf of the planning unit; a constant number of queries)."""
    units = list(Unit.objects.filter(report_window__isnull=False).select_related("report_window"))
    return completion_in(units, unit=None, start=start, end=end)


def blocker_spans(
    start: dt.date, end: dt.date
) -> list[tuple[int, int, str, dt.date, dt.date | None]]:
    """(unit id, owner id, text, opened on, resolved on) of the blockers opened between two
    dates (one query; the evidence report counts them by category, never shows the text)."""
    return list(
        Blocker.objects.filter(opened_on__range=(start, end))
        .order_by("pk")
        .values_list("unit_id", "owner_id", "text", "opened_on", "resolved_on")
    )


def completion_in(
    units: list[Unit],
    *,
    unit: Unit | None,
    start: dt.date,
    end: dt.date,
    person: Staff | None = None,
) -> dict[str, Any]:
    """`completion` over the given units (with their report windows selected)."""
    if unit is not None:
        units = [u for u in units if u.path.startswith(unit.path)]
    units.sort(key=lambda u: u.path)
    unit_ids = [u.pk for u in units]
    # Who was in which unit on each day (org.membership): a mover counts in the old unit
    # before the move and in the new one from its effective date; a leaver until they left.
    path = unit.path if unit is not None else "/"
    in_scope = set(unit_ids)
    by_unit: dict[int, list[Stint]] = {}
    for stint in membership.stints(path, start, end):
        if stint.unit.pk in in_scope:
            by_unit.setdefault(stint.unit.pk, []).append(stint)
    people_ids = {s.staff.pk for stints in by_unit.values() for s in stints}
    off = roster_link.days_off_between(people_ids, start, end)
    # Reports count in the unit they were made in (Report.unit), not the person's unit now.
    reports = dict(
        ((staff_id, unit_id, day), late)
        for staff_id, unit_id, day, late in Report.objects.filter(
            unit_id__in=unit_ids,
            date__range=(start, end),
            status=ReportStatus.SUBMITTED,
        ).values_list("staff_id", "unit_id", "date", "late")
    )
    # A unit counts from the day its reports began (its first digest or report): the days
    # before it ran the ritual are not "missing" reports.
    began: dict[int, dt.date] = {}
    for model in (Report, Digest):
        for unit_id, first in (
            model.objects.filter(unit_id__in=unit_ids, date__lte=end)
            .values("unit_id")
            .annotate(first=Min("date"))
            .values_list("unit_id", "first")
        ):
            began[unit_id] = min(first, began.get(unit_id, first))

    def zero() -> dict[str, Any]:
        return {"expected": 0, "done": 0, "late": 0}

    unit_rows = {u.pk: {"unit": u, **zero()} for u in units}
    # One row per person and unit: a mover has a row in each unit they were in.
    people: dict[tuple[int, int], dict[str, Any]] = {}
    for u in units:
        for stint in sorted(by_unit.get(u.pk, []), key=lambda s: s.staff.staff_number):
            people.setdefault((stint.staff.pk, u.pk), {"staff": stint.staff, "unit": u, **zero()})
    days = []
    person_days: list[dict[str, Any]] = []
    day = start
    while day <= end:
        total = zero()
        for u in units:
            if u.pk not in began or day < began[u.pk]:
                continue
            if not win.is_working_day(u.report_window, day):
                continue
            for stint in by_unit.get(u.pk, []):
                s = stint.staff
                if not stint.covers(day) or (s.pk, day) in off:
                    continue
                late = reports.get((s.pk, u.pk, day))
                done = late is not None
                for row in (total, unit_rows[u.pk], people[(s.pk, u.pk)]):
                    row["expected"] += 1
                    row["done"] += done
                    row["late"] += bool(late)
                if person is not None and s.pk == person.pk:
                    person_days.append(
                        {
                            "date": day,
                            "status": "late" if late else "done" if done else "missing",
                        }
                    )
        if total["expected"]:
            days.append(_bucket({"date": day, "label": f"{day:%m/%d}", **total}))
        day += dt.timedelta(days=1)
    return {
        "days": days,
        "people": [_bucket(p) for p in people.values() if p["expected"]],
        "units": [_bucket(u) for u in unit_rows.values() if u["expected"]],
        "person_days": person_days,
        "person_weeks": _weeks(person_days) if person is not None else [],
    }


def _weeks(person_days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One person's days grouped by week (Monday first): their rates over time."""
    weeks: dict[dt.date, dict[str, Any]] = {}
    for d in person_days:
        monday = d["date"] - dt.timedelta(days=d["date"].weekday())
        row = weeks.setdefault(
            monday,
            {"date": monday, "label": f"{monday:%m/%d}〜", "expected": 0, "done": 0, "late": 0},
        )
        row["expected"] += 1
        row["done"] += d["status"] != "missing"
        row["late"] += d["status"] == "late"
    return [_bucket(w) for w in weeks.values()]


def people_for_chart(user: Any) -> QuerySet[Staff]:
    """Whose series the user may see: staff of the units in their report scope, and people
    who moved (or left) out of one of them — whose series then only counts the days they
    spent in those units (`completion` reads the units in scope only)."""
    units = report_units(user)
    moved_out = StaffChange.objects.filter(
        from_unit__in=units, applied_at__isnull=False, cancelled_at__isnull=True
    ).values("staff_id")
    return Staff.objects.filter(Q(unit__in=units) | Q(pk__in=moved_out))

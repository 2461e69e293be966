"""Scoped reads of morning reports.

* Everyone sees their own reports and their own unit's digest.
* VIEW_REPORTS (unit heads: their unit and below; HR: everything) sees boards, reports,
  blockers and the overview.
* Health checks: the person, HR, and a unit head whose scope holds the report's unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.core.text import search_key
from yakuba.dailyreports import window as win
from yakuba.dailyreports.models import (
    Blocker,
    BlockerStatus,
    QuestionKind,
    Report,
    ReportStatus,
    ReportWindow,
)
from yakuba.notifications.selectors import units_in_scope
from yakuba.org.models import Staff, Unit


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


def can_view_digest(user: Any, unit: Unit) -> bool:
    staff = getattr(user, "staff", None)
    if staff is not None and staff.unit_id == unit.pk:
        return True
    return report_units(user).filter(pk=unit.pk).exists()


def board(unit: Unit, day: dt.date) -> dict[str, Any]:
    """Today's status of every person in the unit, in a fixed number of queries (5)."""
    window = ReportWindow.objects.filter(unit=unit).first()
    staff = list(Staff.objects.filter(unit=unit, active=True).order_by("staff_number"))
    expected = {s.pk for s in win.expected_staff(unit, day, staff)}
    reports = {r.staff_id: r for r in Report.objects.filter(unit=unit, date=day)}
    blockers = list(
        Blocker.objects.filter(
            unit=unit, status__in=(BlockerStatus.OPEN, BlockerStatus.IN_PROGRESS)
        )
        .select_related("owner")
        .prefetch_related("helpers")
        .order_by("opened_on", "pk")
    )
    for b in blockers:
        b.age = b.age_days(day)  # type: ignore[attr-defined]
    rows = []
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
                "plan": report.answer_of(QuestionKind.PLAN) if submitted else "",
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


def completion(user: Any, *, unit: Unit | None, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Completion and lateness per day (for the chart) and per person (for the table).

    Expected = active staff of units with a window, on each unit's working days.
    """
    units = list(
        report_units(user).filter(report_window__isnull=False).select_related("report_window")
    )
    if unit is not None:
        units = [u for u in units if u.path.startswith(unit.path)]
    unit_ids = [u.pk for u in units]
    headcount = dict(
        Staff.objects.filter(unit_id__in=unit_ids, active=True)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    per_day = {
        (row["date"], row["unit_id"]): row
        for row in Report.objects.filter(
            unit_id__in=unit_ids, date__range=(start, end), status=ReportStatus.SUBMITTED
        )
        .values("date", "unit_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(late=True)))
    }
    days = []
    by_unit = {u.pk: {"unit": u, "expected": 0, "done": 0, "late": 0} for u in units}
    day = start
    while day <= end:
        expected = done = late = 0
        for u in units:
            if win.is_working_day(u.report_window, day):
                expected += headcount.get(u.pk, 0)
                by_unit[u.pk]["expected"] += headcount.get(u.pk, 0)
                row = per_day.get((day, u.pk))
                if row:
                    done += row["n"]
                    late += row["late"]
                    by_unit[u.pk]["done"] += row["n"]
                    by_unit[u.pk]["late"] += row["late"]
        if expected:
            days.append(
                {
                    "date": day,
                    "expected": expected,
                    "done": done,
                    "late": late,
                    "rate": round(100 * min(done, expected) / expected),
                    "late_rate": round(100 * late / expected),
                }
            )
        day += dt.timedelta(days=1)
    people = list(
        Report.objects.filter(
            unit_id__in=unit_ids, date__range=(start, end), status=ReportStatus.SUBMITTED
        )
        .values("staff__name", "staff__staff_number", "unit__name")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(late=True)))
        .order_by("unit__name", "staff__staff_number")
    )
    working_days: dict[str, int] = {}
    for u in units:
        working_days[u.name] = sum(
            1
            for i in range((end - start).days + 1)
            if win.is_working_day(u.report_window, start + dt.timedelta(days=i))
        )
    for p in people:
        total = working_days.get(p["unit__name"], 0)
        p["rate"] = round(100 * min(p["n"], total) / total) if total else 0
    unit_rows = []
    for row in by_unit.values():
        if row["expected"]:
            row["rate"] = round(100 * min(row["done"], row["expected"]) / row["expected"])
            unit_rows.append(row)
    return {"days": days, "people": people, "units": unit_rows}

"""Morning-report home-page panels: my report of today, and (unit heads) who has not
reported yet.

Each reads in a fixed number of queries whatever the number of people: besides the
person's staff record and unit (shared with the rest of the page), the report panel three
(window, today's report, today's roster cell), the unit-head panel four (units with a
window, their staff, the roster's days off, today's reports).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from yakuba.accounts.roles import Capability
from yakuba.core.panels import Panel, register

# Names listed on the unit-head panel before "and N more" (the board lists everyone).
UNREPORTED_NAMES_SHOWN = 8


def report_panel(request: HttpRequest) -> dict[str, Any] | None:
    """One of: not open yet, open (due by), submitted (editable until the close), late
    (after the close, not submitted), or no report today (a day off, a holiday or a day the
    unit does not report). Hidden where the unit has no morning report at all."""
    from yakuba.core.calendar import holiday_name
    from yakuba.dailyreports import window as win
    from yakuba.dailyreports.models import ReportStatus
    from yakuba.dailyreports.roster_link import work_status_for
    from yakuba.dailyreports.selectors import get_window, report_of

    staff = getattr(request.user, "staff", None)
    if staff is None:
        return None
    window = get_window(staff.unit)
    if window is None or not window.enabled:
        return None
    today = timezone.localdate()
    now = timezone.now()
    context: dict[str, Any] = {
        "window": window,
        "opens": win.opens(window, today),
        "closes": win.closes(window, today),
    }
    if not win.is_working_day(window, today):
        return {**context, "state": "none", "reason": holiday_name(today) or ""}
    report = report_of(staff, today)
    if report is not None and report.status == ReportStatus.SUBMITTED:
        return {
            **context,
            "state": "submitted",
            "report": report,
            # On time: until the close; a late report: for the rest of the day.
            "editable": report.late or win.is_open_for_edit(window, today, now),
        }
    status = work_status_for(staff, today)
    if status is not None and status.off:
        return {**context, "state": "off"}
    if now < context["opens"]:
        state = "not_open"
    elif now <= context["closes"]:
        state = "open"
    else:
        state = "late"
    return {**context, "state": state, "draft": report is not None}


def unreported_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Who in my unit(s) is expected to report today and has not, once the window opened.

    "My units" are the units in the head's report scope under their own unit (HR, whose
    scope is the whole office, sees their own unit here and the rest on the board).
    """
    from yakuba.dailyreports import window as win
    from yakuba.dailyreports.models import ReportStatus
    from yakuba.dailyreports.roster_link import work_statuses_for
    from yakuba.dailyreports.selectors import report_units, visible_reports
    from yakuba.org.models import Staff

    me = getattr(request.user, "staff", None)
    if me is None:
        return None
    today = timezone.localdate()
    now = timezone.now()
    units = [
        u
        for u in report_units(request.user)
        .filter(path__startswith=me.unit.path, report_window__enabled=True)
        .select_related("report_window")
        .order_by("path")
        if win.is_working_day(u.report_window, today) and now >= win.opens(u.report_window, today)
    ]
    if not units:
        return None
    staff = list(
        Staff.objects.filter(unit__in=units, active=True)
        .select_related("unit")
        .order_by("unit__path", "staff_number")
    )
    statuses = work_statuses_for(staff, today)
    expected = [s for s in staff if not (statuses.get(s.pk) and statuses[s.pk].off)]
    submitted = set(
        visible_reports(request.user)
        .filter(staff__unit__in=units, date=today, status=ReportStatus.SUBMITTED)
        .values_list("staff_id", flat=True)
    )
    missing = [s for s in expected if s.pk not in submitted]
    closes = min(win.closes(u.report_window, today) for u in units)
    return {
        "expected": len(expected),
        "done": len(expected) - len(missing),
        "missing": missing[:UNREPORTED_NAMES_SHOWN],
        "more": max(0, len(missing) - UNREPORTED_NAMES_SHOWN),
        "several_units": len(units) > 1,
        "closes": closes,
        "past_close": now > closes,
        "board_unit": units[0] if len(units) == 1 else None,
    }


REPORT = register(
    Panel(
        name="dailyreports.today",
        order=20,
        template="dailyreports/panels/today.html",
        context=report_panel,
    )
)
UNREPORTED = register(
    Panel(
        name="dailyreports.unreported",
        order=25,
        template="dailyreports/panels/unreported.html",
        context=unreported_panel,
        capability=Capability.VIEW_REPORTS,
    )
)

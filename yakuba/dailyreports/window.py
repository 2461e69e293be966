"""When a unit's reports are due: working days (weekday mask, public holidays) and the
window's opening, reminder and closing instants in Asia/Tokyo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from yakuba.core.calendar import is_public_holiday
from yakuba.dailyreports import roster_link
from yakuba.dailyreports.models import Report, ReportStatus, ReportWindow, RunKind


def is_working_day(window: ReportWindow, day: dt.date) -> bool:
    if not window.enabled:
        return False
    if is_public_holiday(day) and not window.work_on_holidays:
        return False
    mask = (window.workdays or "0000000").ljust(7, "0")
    return mask[day.weekday()] == "1"


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time), timezone.get_default_timezone())


def opens(window: ReportWindow, day: dt.date) -> dt.datetime:
    return _at(day, window.opens_at)


def closes(window: ReportWindow, day: dt.date) -> dt.datetime:
    return _at(day, window.closes_at)


def reminder_at(window: ReportWindow, day: dt.date) -> dt.datetime | None:
    if not window.reminder_minutes:
        return None
    at = closes(window, day) - dt.timedelta(minutes=window.reminder_minutes)
    return at if at > opens(window, day) else None


def due_times(window: ReportWindow, day: dt.date) -> dict[str, dt.datetime]:
    """The scheduler's steps for `day` (empty on a non-working day)."""
    if not is_working_day(window, day):
        return {}
    times: dict[str, dt.datetime] = {
        RunKind.OPEN: opens(window, day),
        RunKind.CLOSE: closes(window, day),
    }
    remind = reminder_at(window, day)
    if remind is not None:
        times[RunKind.REMIND] = remind
    return times


def is_late(window: ReportWindow, day: dt.date, at: dt.datetime) -> bool:
    return at > closes(window, day)


def is_open_for_edit(window: ReportWindow | None, day: dt.date, now: dt.datetime) -> bool:
    """A submitted report can be changed until the window closes (after: late reports only)."""
    return window is None or now <= closes(window, day)


def can_change(window: ReportWindow | None, report: Report | None, now: dt.datetime) -> bool:
    """Whether the person may still change `report` at `now`: a draft (or no report yet)
    always (sent after the close it becomes late); a submitted report until the window
    closes; a late one until the end of its day."""
    if report is None or report.status != ReportStatus.SUBMITTED:
        return True
    if is_open_for_edit(window, report.date, now):
        return True
    return report.late and timezone.localdate(now) == report.date


def expected_staff(unit: Any, day: dt.date, staff: Iterable[Any] | None = None) -> list[Any]:
    """Active staff of the unit who are expected to report on `day` (not off per roster)."""
    people = list(staff if staff is not None else unit.staff.filter(active=True))
    statuses = roster_link.work_statuses_for(people, day)
    return [p for p in people if not (statuses.get(p.pk) and statuses[p.pk].off)]

"""The remote-seat home-page panel: the seat I hold today and on my next working day, a
warning when I am rostered to telework without one, and a loaned terminal due back soon.

A fixed number of queries whatever the size of the office: my published cells for the
coming week, the pools of their activities, my bookings for that week and my loans due
soon (plus, only when there is something to warn about, whether any pool can be booked).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from yakuba.core.panels import Panel, register

# The next working day is looked for within this many days (a long weekend fits).
LOOKAHEAD_DAYS = 7
# A loaned terminal is mentioned from this many days before it is due back.
LOAN_DUE_SOON_DAYS = 3


@dataclass
class SeatDay:
    date: dt.date
    when: str  # "today", "tomorrow" or "next" (the next working day after a weekend…)
    seats: list[tuple[str, str]] = field(default_factory=list)  # (pool name, "roster"|"booking")
    activity: Any = None
    missing: bool = False  # rostered to telework over VPN/LGWAN with no seat


def _is_workday(day: dt.date) -> bool:
    from yakuba.core.calendar import is_public_holiday

    return day.weekday() < 5 and not is_public_holiday(day)


def _next_working_day(
    today: dt.date, cells: dict[dt.date, Any], booked: set[dt.date]
) -> dt.date | None:
    """The person's next working day: the roster decides where it says something, a
    booking means work, otherwise weekdays that are not public holidays."""
    for i in range(1, LOOKAHEAD_DAYS + 1):
        day = today + dt.timedelta(days=i)
        cell = cells.get(day)
        if cell is not None:
            if cell.activity is not None:
                return day
            continue
        if day in booked or _is_workday(day):
            return day
    return None


def _needs_seat(activity: Any) -> bool:
    from yakuba.rosters.models import AccessMethod

    return activity is not None and activity.access_method in {
        AccessMethod.VPN,
        AccessMethod.LGWAN,
    }


def _seat_day(day: dt.date, today: dt.date, cell: Any, bookings: list[Any]) -> SeatDay:
    when = {0: "today", 1: "tomorrow"}.get((day - today).days, "next")
    entry = SeatDay(day, when)
    activity = cell.activity if cell is not None else None
    if activity is not None:
        entry.activity = activity
        entry.seats += [(r.name, "roster") for r in activity.resources.all() if r.active]
    held = {name for name, _source in entry.seats}
    entry.seats += [
        (b.resource.name, "booking")
        for b in bookings
        if b.date == day and b.resource.name not in held
    ]
    entry.missing = not entry.seats and _needs_seat(activity)
    return entry


def seat_panel(request: HttpRequest) -> dict[str, Any] | None:
    from django.db.models import prefetch_related_objects

    from yakuba.remoteseats.models import tokyo_today
    from yakuba.remoteseats.selectors import bookable_resources, my_bookings, my_loans
    from yakuba.rosters.selectors import my_assignments

    staff = getattr(request.user, "staff", None)
    if staff is None:
        return None
    today = tokyo_today()
    end = today + dt.timedelta(days=LOOKAHEAD_DAYS)
    cells = my_assignments(staff, today, end)
    activities = [c.activity for c in cells.values() if c.activity is not None]
    if activities:
        prefetch_related_objects(activities, "resources")
    bookings = list(my_bookings(request.user, from_date=today).filter(date__lte=end))
    next_day = _next_working_day(today, cells, {b.date for b in bookings})
    days = [_seat_day(today, today, cells.get(today), bookings)]
    if next_day is not None:
        days.append(_seat_day(next_day, today, cells.get(next_day), bookings))
    days = [d for d in days if d.seats or d.missing]
    if any(d.missing for d in days) and not bookable_resources().exists():
        # No pool to book: the office does not ration remote access, nothing to warn about.
        for d in days:
            d.missing = False
        days = [d for d in days if d.seats]
    soon = today + dt.timedelta(days=LOAN_DUE_SOON_DAYS)
    loans = [
        {
            "loan": loan,
            "days_left": max(0, (loan.due_on - today).days),
            "days_over": max(0, (today - loan.due_on).days),
        }
        for loan in my_loans(request.user).filter(due_on__lte=soon).order_by("due_on")
    ]
    if not days and not loans:
        return None
    return {"days": days, "loans": loans, "today": today}


SEATS = register(
    Panel(
        name="remoteseats.today",
        order=30,
        template="remoteseats/panels/today.html",
        context=seat_panel,
    )
)

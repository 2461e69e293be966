"""Scoped reads of remote seats and loaned terminals.

Who holds the seats on a day: names for unit heads (their unit and below) and for those
who run the pools (HR, information security, system admins: the whole office); everyone
else sees only how many seats are used, plus their own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.org.models import Staff
from yakuba.remoteseats.models import LoanedTerminal, SeatBooking, TerminalLoan, tokyo_today
from yakuba.rosters.models import Assignment, RemoteResource, VersionStatus

AVAILABILITY_DAYS = 14


def roster_holders(resource: RemoteResource, date: dt.date) -> QuerySet[Assignment]:
    """Published roster cells on `date` whose activity consumes `resource`."""
    return Assignment.objects.filter(
        version__status=VersionStatus.PUBLISHED,
        date=date,
        activity__in=resource.activities.all(),
    )


def _used_ids(resource: RemoteResource, date: dt.date) -> set[int]:
    booked = SeatBooking.objects.active().filter(resource=resource, date=date)
    ids = set(booked.values_list("staff_id", flat=True))
    ids.update(roster_holders(resource, date).values_list("staff_id", flat=True))
    return ids


def seats_used(resource: RemoteResource, date: dt.date) -> int:
    """Seats taken that day: bookings plus published telework, each person counted once."""
    return len(_used_ids(resource, date))


def booked_seats_by_day(
    resource: RemoteResource, days: Sequence[dt.date], planned_staff_ids: Set[int]
) -> dict[dt.date, int]:
    """Active bookings of `resource` per day, except those of the people being planned.

    Registered with `rosters.seat_providers` (see `apps.py`) so the roster leaves these
    seats free; a planned person's own booking is replaced by the roster's decision.
    """
    taken: dict[dt.date, int] = defaultdict(int)
    bookings = (
        SeatBooking.objects.active()
        .filter(resource=resource, date__in=list(days))
        .values_list("date", "staff_id")
    )
    for day, staff_id in bookings:
        if staff_id not in planned_staff_ids:
            taken[day] += 1
    return dict(taken)


def bookable_resources() -> QuerySet[RemoteResource]:
    return RemoteResource.objects.filter(active=True).order_by("name")


def manageable_pools(user: Any) -> QuerySet[RemoteResource]:
    """The pools whose set-up the user may change (those who run them: all of them)."""
    if not user.can(Capability.MANAGE_REMOTE_SEATS):
        return RemoteResource.objects.none()
    return RemoteResource.objects.prefetch_related("activities").order_by("name")


@dataclass(frozen=True)
class DayUse:
    date: dt.date
    used: int
    capacity: int

    @property
    def full(self) -> bool:
        return self.used >= self.capacity

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.used)


def availability(resources: list[RemoteResource], days: list[dt.date]) -> dict[int, list[DayUse]]:
    """Per pool, per day: used/capacity, in two queries whatever the number of days."""
    if not resources or not days:
        return {r.pk: [] for r in resources}
    start, end = min(days), max(days)
    holders: dict[tuple[int, dt.date], set[int]] = defaultdict(set)
    for resource_id, date, staff_id in (
        SeatBooking.objects.active()
        .filter(resource__in=resources, date__range=(start, end))
        .values_list("resource_id", "date", "staff_id")
    ):
        holders[(resource_id, date)].add(staff_id)
    for resource_id, date, staff_id in Assignment.objects.filter(
        version__status=VersionStatus.PUBLISHED,
        date__range=(start, end),
        activity__resources__in=resources,
    ).values_list("activity__resources", "date", "staff_id"):
        holders[(resource_id, date)].add(staff_id)
    return {r.pk: [DayUse(d, len(holders[(r.pk, d)]), r.capacity) for d in days] for r in resources}


def coming_days(start: dt.date | None = None, n: int = AVAILABILITY_DAYS) -> list[dt.date]:
    start = start or tokyo_today()
    return [start + dt.timedelta(days=i) for i in range(n)]


def sees_all_holders(user: Any) -> bool:
    return user.can(Capability.MANAGE_REMOTE_SEATS)


def _name_scope_path(user: Any) -> str | None:
    """Unit path whose subtree's holders the user may see by name ('' = everyone)."""
    if sees_all_holders(user):
        return ""
    staff = getattr(user, "staff", None)
    if user.can(Capability.VIEW_SEAT_HOLDERS) and staff is not None:
        return staff.unit.path
    return None


@dataclass(frozen=True)
class Holder:
    staff: Staff
    source: str  # "booking" or "roster"
    is_me: bool
    booking: SeatBooking | None = None


@dataclass(frozen=True)
class Holders:
    resource: RemoteResource
    date: dt.date
    used: int
    visible: list[Holder]
    hidden: int  # holders counted but not shown by name

    @property
    def mine(self) -> Holder | None:
        return next((h for h in self.visible if h.is_me), None)

    @property
    def full(self) -> bool:
        return self.used >= self.resource.capacity

    @property
    def free(self) -> int:
        return max(0, self.resource.capacity - self.used)


def holders_for_day(
    user: Any, resources: list[RemoteResource], date: dt.date
) -> dict[int, Holders]:
    """Who holds each pool's seats on `date`, names limited to the user's scope."""
    me = getattr(user, "staff", None)
    scope = _name_scope_path(user)
    per: dict[int, dict[int, Holder]] = {r.pk: {} for r in resources}
    bookings = (
        SeatBooking.objects.active()
        .filter(resource__in=resources, date=date)
        .select_related("staff__unit")
        .order_by("created_at")
    )
    for b in bookings:
        per[b.resource_id][b.staff_id] = Holder(
            b.staff, "booking", me is not None and b.staff_id == me.pk, b
        )
    cells = Assignment.objects.filter(
        version__status=VersionStatus.PUBLISHED,
        date=date,
        activity__resources__in=resources,
    ).values_list("activity__resources", "staff_id")
    roster_ids = list(cells)
    roster_staff = Staff.objects.select_related("unit").in_bulk({s for _r, s in roster_ids})
    for resource_id, staff_id in roster_ids:
        if staff_id not in per[resource_id]:
            per[resource_id][staff_id] = Holder(
                roster_staff[staff_id], "roster", me is not None and staff_id == me.pk
            )
    result: dict[int, Holders] = {}
    for r in resources:
        everyone = list(per[r.pk].values())
        visible = [
            h
            for h in everyone
            if h.is_me or (scope is not None and h.staff.unit.path.startswith(scope))
        ]
        visible.sort(key=lambda h: (not h.is_me, h.staff.unit.path, h.staff.staff_number))
        result[r.pk] = Holders(r, date, len(everyone), visible, len(everyone) - len(visible))
    return result


def my_bookings(user: Any, *, from_date: dt.date | None = None) -> QuerySet[SeatBooking]:
    staff = getattr(user, "staff", None)
    if staff is None:
        return SeatBooking.objects.none()
    return (
        SeatBooking.objects.active()
        .filter(staff=staff, date__gte=from_date or tokyo_today())
        .select_related("resource")
        .order_by("date", "resource__name")
    )


def cancellable_bookings(user: Any) -> QuerySet[SeatBooking]:
    """Bookings the user may cancel: their own; every booking for those who run the pools."""
    qs = SeatBooking.objects.active().select_related("staff", "resource")
    if sees_all_holders(user):
        return qs
    staff = getattr(user, "staff", None)
    if staff is None:
        return qs.none()
    return qs.filter(staff=staff)


def my_loans(user: Any) -> QuerySet[TerminalLoan]:
    staff = getattr(user, "staff", None)
    if staff is None:
        return TerminalLoan.objects.none()
    return TerminalLoan.objects.open().filter(staff=staff).select_related("terminal")


def visible_terminals(user: Any) -> QuerySet[LoanedTerminal]:
    if not user.can(Capability.VIEW_TERMINALS):
        return LoanedTerminal.objects.none()
    return LoanedTerminal.objects.all()


def terminal_ledger(user: Any) -> list[LoanedTerminal]:
    """Terminals with `current_loan` (or None) set, overdue ones first."""
    terminals = list(
        visible_terminals(user).prefetch_related(
            Prefetch(
                "loans",
                queryset=TerminalLoan.objects.open().select_related("staff__unit"),
                to_attr="open_loans",
            )
        )
    )
    for t in terminals:
        t.current_loan = t.open_loans[0] if t.open_loans else None
    today = tokyo_today()
    terminals.sort(
        key=lambda t: (
            not (t.current_loan and t.current_loan.is_overdue(today)),
            t.current_loan is None,
            t.asset_tag,
        )
    )
    return list(terminals)


def overdue_loans(user: Any) -> QuerySet[TerminalLoan]:
    if not user.can(Capability.VIEW_TERMINALS):
        return TerminalLoan.objects.none()
    return TerminalLoan.objects.overdue().select_related("terminal", "staff")


def refusals_by_day(start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], int]:
    """{(pool id, day): people refused a booking because the pool was full} between two
    dates, each person counted once a day (one query; counts only, for the evidence report)."""
    from django.db.models import Count

    from yakuba.remoteseats.models import SeatRefusal

    return {
        (row["resource_id"], row["date"]): row["n"]
        for row in SeatRefusal.objects.filter(date__range=(start, end))
        .values("resource_id", "date")
        .annotate(n=Count("staff_id", distinct=True))
    }

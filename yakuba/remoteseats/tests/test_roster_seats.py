"""The roster leaves booked seats free: remoteseats tells rosters through the provider it
registers (rosters never imports remoteseats)."""

from __future__ import annotations

import pytest

from yakuba.remoteseats import services
from yakuba.remoteseats.selectors import booked_seats_by_day
from yakuba.rosters.models import RosterPeriod, RosterVersion
from yakuba.rosters.seat_providers import seat_providers
from yakuba.rosters.solver_io import build_problem

pytestmark = pytest.mark.django_db


def test_the_booking_provider_is_registered_when_the_app_loads() -> None:
    assert booked_seats_by_day in seat_providers()


def test_seats_booked_outside_the_plan_are_not_planned_again(
    org, make_user, pool, eligible_staff, today
) -> None:
    planned = eligible_staff("shimin")
    services.book_seat(None, eligible_staff("zeimu"), pool, today)  # outside the plan
    services.book_seat(None, planned, pool, today)  # replaced by the roster's decision
    period = RosterPeriod.objects.create(
        unit=org["shimin"],
        name="today",
        start_date=today,
        end_date=today,
        created_by=make_user("unit_head"),
    )
    version = RosterVersion.objects.create(period=period, number=1, created_by=period.created_by)
    ctx = build_problem(version)
    assert pool.capacity == 2
    assert ctx.seat_limits[(pool.name, 0)] == 1

"""The roster benchmark picks its sick day from the roster's own counter days."""

from __future__ import annotations

import datetime as dt

import pytest

from yakuba.core.calendar import is_public_holiday
from yakuba.rosters import bench
from yakuba.rosters.models import Assignment, RosterPeriod, RosterVersion


def test_the_benchmark_period_does_not_depend_on_today() -> None:
    first, last = bench.PERIOD_FIRST, bench.PERIOD_LAST
    assert (first, last) == (dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    # The month the bug showed in: the 11th is a holiday Monday (成人の日).
    eleventh = bench.PERIOD_FIRST + dt.timedelta(days=bench.REPAIR_FROM_DAY)
    assert eleventh.weekday() == 0 and is_public_holiday(eleventh)


@pytest.mark.django_db
def test_repair_day_skips_a_holiday_monday_when_counters_are_closed(
    roster_setup, make_user
) -> None:
    head = make_user("unit_head")
    period = RosterPeriod.objects.create(
        unit=roster_setup["org"]["shimin"],
        name="2027年1月",
        start_date=bench.PERIOD_FIRST,
        end_date=bench.PERIOD_LAST,
        created_by=head,
    )
    version = RosterVersion.objects.create(period=period, number=1, created_by=head)
    desk, office = roster_setup["desk"], roster_setup["office"]
    counter = roster_setup["org"]["counter"]
    people = roster_setup["people"]
    for i, day in enumerate(period.days):
        for k, person in enumerate(people):
            at_desk = counter.is_open_on(day) and k == 2 + i % 3
            Assignment.objects.create(
                version=version,
                staff=person,
                date=day,
                activity=desk if at_desk else (office if day.weekday() < 5 else None),
            )
    holiday_monday = dt.date(2027, 1, 11)
    # What the benchmark used to pick: the first weekday from the 11th, with nobody at
    # the counter (closed on a holiday).
    assert not Assignment.objects.filter(version=version, date=holiday_monday, activity=desk)
    day, sick = bench.repair_cell(version)
    assert day == dt.date(2027, 1, 12)
    assert Assignment.objects.get(version=version, date=day, staff=sick).activity == desk

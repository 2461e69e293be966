"""Morning reports read the published roster: who is off, and where everyone works."""

from __future__ import annotations

import datetime as dt

import pytest

from yakuba.dailyreports.roster_link import work_status_for, work_statuses_for
from yakuba.rosters.models import Assignment, RosterPeriod, RosterVersion, VersionStatus
from yakuba.rosters.tests.conftest import MONDAY


@pytest.mark.django_db
def test_published_roster_drives_report_work_place_and_days_off(roster_setup, make_user) -> None:
    owner = make_user("unit_head")
    people = roster_setup["people"]
    period = RosterPeriod.objects.create(
        unit=roster_setup["org"]["shimin"],
        name="x",
        start_date=MONDAY,
        end_date=MONDAY,
        created_by=owner,
    )
    draft = RosterVersion.objects.create(
        period=period, number=1, created_by=owner, status=VersionStatus.SOLVED
    )
    Assignment.objects.create(
        version=draft, staff=people[0], date=MONDAY, activity=roster_setup["vpn"]
    )
    assert work_status_for(people[0], MONDAY) is None  # drafts say nothing
    draft.status = VersionStatus.PUBLISHED
    draft.save()
    Assignment.objects.create(
        version=draft, staff=people[1], date=MONDAY, activity=roster_setup["desk"]
    )
    Assignment.objects.create(
        version=draft, staff=people[2], date=MONDAY, activity=None, off_reason="annual_leave"
    )
    statuses = work_statuses_for(people, MONDAY)
    assert statuses[people[0].pk].work_place == "home"
    assert statuses[people[1].pk].work_place == "counter"
    assert statuses[people[2].pk].off is True
    assert people[3].pk not in statuses
    assert work_status_for(people[0], MONDAY + dt.timedelta(days=1)) is None

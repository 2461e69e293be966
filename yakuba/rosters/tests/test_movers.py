"""A roster period keeps its people when someone moves during it: the head of the period's
unit keeps the mover's rows of that period (and only of it); the new unit's head does not
get them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import verified_client
from yakuba.accounts.models import User
from yakuba.org.importing import apply_plan, build_plan
from yakuba.org.models import Staff
from yakuba.org.tests.test_importing import csv_bytes
from yakuba.org.tests.test_personnel import YAMADA, moved
from yakuba.rosters import selectors, services
from yakuba.rosters.models import (
    Assignment,
    RequestKind,
    RosterPeriod,
    RosterVersion,
    StaffRequest,
    VersionStatus,
)

JST = ZoneInfo("Asia/Tokyo")
MOVE_DAY = dt.date(2027, 4, 1)


def _draft(unit, start: dt.date, days: int, owner: User, people: list[Staff]) -> RosterVersion:
    period = RosterPeriod.objects.create(
        unit=unit,
        name=f"{start}",
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        created_by=owner,
    )
    version = RosterVersion.objects.create(
        period=period, number=1, created_by=owner, status=VersionStatus.SOLVED, time_limit=5
    )
    for person in people:
        for i in range(days):
            version.assignments.create(staff=person, date=start + dt.timedelta(days=i))
    return version


@pytest.fixture
def moved_mid_period(org, make_user, roster_setup):
    """山田 (市民課) moves to 税務課 on 4/1, inside 市民課's period 3/29–4/4."""
    old_head = make_user("unit_head", username="shimin-head")
    new_head = make_user("unit_head", unit_key="zeimu", username="zeimu-head")
    yamada = org["staff"]["1001"]
    running = _draft(org["shimin"], dt.date(2027, 3, 29), 7, old_head, [yamada])
    with time_machine.travel(dt.datetime(2027, 4, 1, 9, tzinfo=JST), tick=False):
        plan = build_plan("april.csv", csv_bytes([moved(YAMADA, "120")]))
        apply_plan(plan, actor=None, source="april")
    assert Staff.objects.get(pk=yamada.pk).unit == org["zeimu"]
    return {
        "old_head": old_head,
        "new_head": new_head,
        "yamada": yamada,
        "running": running,
        "later": _draft(org["shimin"], dt.date(2027, 4, 5), 7, old_head, []),
        "new_unit": _draft(org["zeimu"], dt.date(2027, 3, 29), 7, new_head, []),
    }


def _cell(client, version: RosterVersion, staff: Staff, day: dt.date, activity) -> int:
    url = reverse("rosters:cell_edit", args=[version.pk])
    data = {"staff": staff.pk, "date": day.isoformat()}
    if activity is None:
        return client.get(url, data).status_code
    return client.post(url, {**data, "activity": activity.pk, "pin": "on"}).status_code


@pytest.mark.django_db
def test_the_old_unit_head_keeps_the_movers_rows_of_the_running_period(
    client, roster_setup, moved_mid_period
) -> None:
    m = moved_mid_period
    head = verified_client(client, m["old_head"])
    day = dt.date(2027, 4, 2)  # after the move, inside the period
    assert _cell(head, m["running"], m["yamada"], day, None) == 200
    assert _cell(head, m["running"], m["yamada"], day, roster_setup["office"]) == 302
    cell = Assignment.objects.get(version=m["running"], staff=m["yamada"], date=day)
    assert cell.activity == roster_setup["office"] and cell.pinned
    page = head.get(reverse("rosters:version_detail", args=[m["running"].pk])).content.decode()
    assert "山田 太郎" in page
    # The absence form offers him, and his sick leave in this period is recorded.
    response = head.post(
        reverse("rosters:report_absence", args=[m["running"].pk]),
        {"staff": m["yamada"].pk, "start": day.isoformat()},
    )
    assert response.status_code == 302
    assert StaffRequest.objects.filter(staff=m["yamada"], date=day, kind=RequestKind.SICK).exists()
    # Only in that period: the next period of 市民課 does not have him.
    assert _cell(head, m["later"], m["yamada"], dt.date(2027, 4, 6), None) == 404
    # His other records follow today's unit: a request of his is no longer the old head's.
    assert not selectors.can_decide_for(m["old_head"], m["yamada"])


@pytest.mark.django_db
def test_the_new_unit_head_may_not_edit_the_old_periods_rows(
    client, roster_setup, moved_mid_period
) -> None:
    m = moved_mid_period
    head = verified_client(client, m["new_head"])
    day = dt.date(2027, 4, 2)
    # The old unit's period is out of scope: not found, whoever is in it.
    assert _cell(head, m["running"], m["yamada"], day, None) == 404
    assert _cell(head, m["running"], m["yamada"], day, roster_setup["office"]) == 404
    assert (
        Assignment.objects.get(version=m["running"], staff=m["yamada"], date=day).activity is None
    )
    # Nor is he in the new unit's period that began before he came.
    assert _cell(head, m["new_unit"], m["yamada"], day, None) == 404
    assert list(selectors.period_people(m["new_head"], m["running"].period)) == []
    # The service refuses too, whatever the view.
    with pytest.raises(PermissionDenied):
        services.set_cell(
            actor=m["new_head"],
            version=m["new_unit"],
            staff=m["yamada"],
            date=day,
            activity=roster_setup["office"],
        )
    with pytest.raises(PermissionDenied):
        services.record_sick_leave(
            actor=m["new_head"], version=m["new_unit"], staff=m["yamada"], dates=[day]
        )


@pytest.mark.django_db
def test_people_without_roster_rights_see_no_period_rows(
    client, make_user, moved_mid_period
) -> None:
    m = moved_mid_period
    staff = make_user("staff", username="plain")
    assert list(selectors.period_people(staff, m["running"].period)) == []
    plain = verified_client(client, staff)
    assert _cell(plain, m["running"], m["yamada"], dt.date(2027, 4, 2), None) == 403

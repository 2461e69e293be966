"""The planning flow through the views: plan → grid → pin → publish → my schedule → iCal."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.rosters.models import (
    Assignment,
    RequestKind,
    RequestStatus,
    RosterPeriod,
    RosterVersion,
    StaffRequest,
    VersionStatus,
)
from yakuba.rosters.tests.conftest import MONDAY


def plan(client: Client, setup, days: int = 7) -> RosterVersion:
    response = client.post(
        reverse("rosters:period_list"),
        {
            "unit": setup["org"]["shimin"].pk,
            "name": "12月第2週",
            "start_date": MONDAY.isoformat(),
            "end_date": (MONDAY + dt.timedelta(days=days - 1)).isoformat(),
            "mode": "normal",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    period = RosterPeriod.objects.latest("pk")
    response = client.post(reverse("rosters:period_solve", args=[period.pk]), {"time_limit": 5})
    version = RosterVersion.objects.latest("pk")
    assert response["Location"] == reverse("rosters:version_detail", args=[version.pk])
    return version


@pytest.mark.django_db
def test_unit_head_plans_pins_publishes_and_staff_sees_month(
    client, make_user, roster_setup
) -> None:
    head = verified_client(client, make_user("unit_head"))
    version = plan(head, roster_setup)
    assert version.status == VersionStatus.SOLVED
    page = head.get(reverse("rosters:version_detail", args=[version.pk])).content.decode()
    assert "住民票窓口" in page and 'class="roster is-editable"' in page
    assert "VPN端末" in page  # resource usage row
    person = roster_setup["people"][3]
    tuesday = MONDAY + dt.timedelta(days=1)
    form = head.get(
        reverse("rosters:cell_edit", args=[version.pk]),
        {"staff": person.pk, "date": tuesday.isoformat()},
    )
    assert form.status_code == 200
    head.post(
        reverse("rosters:cell_edit", args=[version.pk]),
        {
            "staff": person.pk,
            "date": tuesday.isoformat(),
            "activity": roster_setup["office"].pk,
            "pin": "on",
        },
    )
    cell = Assignment.objects.get(version=version, staff=person, date=tuesday)
    assert cell.activity == roster_setup["office"] and cell.pinned
    # Re-solve around the pin: the pinned cell survives.
    head.post(
        reverse("rosters:period_solve", args=[version.period_id]),
        {"based_on": version.pk, "time_limit": 5},
    )
    second = RosterVersion.objects.latest("pk")
    assert second.status == VersionStatus.SOLVED
    kept = Assignment.objects.get(version=second, staff=person, date=tuesday)
    assert kept.activity == roster_setup["office"] and kept.pinned
    compare = head.get(
        reverse("rosters:version_detail", args=[second.pk]), {"compare": version.pk}
    ).content.decode()
    assert "変わったセル" in compare
    head.post(reverse("rosters:version_publish", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == VersionStatus.PUBLISHED
    assert AuditEntry.objects.filter(object_type="rosters.rosterversion", action="update").exists()
    # Published versions are read-only.
    head.post(
        reverse("rosters:cell_edit", args=[second.pk]),
        {
            "staff": person.pk,
            "date": tuesday.isoformat(),
            "activity": "",
            "pin": "on",
        },
    )
    assert (
        Assignment.objects.get(version=second, staff=person, date=tuesday).activity
        == roster_setup["office"]
    )
    # The staff member sees the month and subscribes.
    from yakuba.accounts.models import User

    user = User.objects.create_user("tanaka", password=None, role="staff")
    person.user = user
    person.save()
    me = verified_client(Client(), user)
    month = me.get(reverse("rosters:my_schedule"), {"month": "2026-12"}).content.decode()
    assert "庁内" in month
    settings_page = me.post(
        reverse("rosters:calendar_settings"), {"action": "reset"}
    ).content.decode()
    url = settings_page.split('id="feed-url">')[1].split("<")[0]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    ics = Client().get(reverse("rosters:calendar_feed", args=[token]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert "BEGIN:VEVENT" in body and "DTSTART;VALUE=DATE:20261208" in body
    me.post(reverse("rosters:calendar_settings"), {"action": "revoke"})
    assert Client().get(reverse("rosters:calendar_feed", args=[token])).status_code == 404


@pytest.mark.django_db
def test_xlsx_export_is_the_usual_grid_printable_landscape(client, make_user, roster_setup) -> None:
    head = verified_client(client, make_user("unit_head"))
    version = plan(head, roster_setup)
    response = head.get(
        reverse("rosters:version_export", args=[version.pk]), {"format": "xlsx", "paper": "a4"}
    )
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    assert ws.cell(row=3, column=2).value == "氏名"
    names = {ws.cell(row=r, column=2).value for r in range(4, 4 + len(roster_setup["people"]) + 2)}
    assert {p.name for p in roster_setup["people"]} <= names
    symbols = {ws.cell(row=r, column=c).value for r in range(4, 10) for c in range(3, 10)}
    assert "住" in symbols
    assert AuditEntry.objects.filter(action="export", object_type="rosters.rosterversion").exists()


@pytest.mark.django_db
def test_other_units_head_cannot_see_or_plan(client, make_user, roster_setup) -> None:
    head = verified_client(client, make_user("unit_head"))
    version = plan(head, roster_setup)
    other = verified_client(
        Client(), make_user("unit_head", unit_key="zeimu", username="zeimu-head")
    )
    assert other.get(reverse("rosters:version_detail", args=[version.pk])).status_code == 404
    assert other.post(reverse("rosters:version_publish", args=[version.pk])).status_code == 404
    assert (
        other.post(
            reverse("rosters:period_list"),
            {
                "unit": roster_setup["org"]["shimin"].pk,
                "name": "x",
                "start_date": "2026-12-01",
                "end_date": "2026-12-02",
                "mode": "normal",
            },
        ).status_code
        == 200
    )  # the unit is not a valid choice for them
    assert not RosterPeriod.objects.filter(name="x").exists()


@pytest.mark.django_db
def test_period_longer_than_limit_is_refused_with_a_message(
    client, make_user, roster_setup
) -> None:
    head = verified_client(client, make_user("unit_head"))
    response = head.post(
        reverse("rosters:period_list"),
        {
            "unit": roster_setup["org"]["shimin"].pk,
            "name": "長すぎ",
            "start_date": "2026-12-01",
            "end_date": "2027-06-01",
            "mode": "normal",
        },
    )
    assert "62日以内" in response.content.decode()
    assert not RosterPeriod.objects.exists()


@pytest.mark.django_db
def test_requests_are_decided_and_show_their_outcome(client, make_user, roster_setup) -> None:
    from yakuba.accounts.models import User

    person = roster_setup["people"][2]
    user = User.objects.create_user("nakamura", password=None, role="staff")
    person.user = user
    person.save()
    me = verified_client(Client(), user)
    friday = MONDAY + dt.timedelta(days=4)
    with_time = {
        "date": friday.isoformat(),
        "kind": RequestKind.ANNUAL_LEAVE,
        "weight": 2,
        "note": "通院",
    }
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        me.post(reverse("rosters:request_list"), with_time)
        req = StaffRequest.objects.get(staff=person)
        head = verified_client(client, make_user("unit_head"))
        assert "通院" in head.get(reverse("rosters:request_list")).content.decode()
        head.post(reverse("rosters:request_decide", args=[req.pk]), {"decision": "approve"})
        req.refresh_from_db()
        assert req.status == RequestStatus.APPROVED
        version = plan(head, roster_setup)
        head.post(reverse("rosters:version_publish", args=[version.pk]))
        page = me.get(reverse("rosters:request_list")).content.decode()
    assert "反映（休み）" in page
    cell = Assignment.objects.get(version=version, staff=person, date=friday)
    assert cell.activity is None and cell.off_reason == RequestKind.ANNUAL_LEAVE


@pytest.mark.django_db
def test_past_dates_cannot_be_requested(client, make_user, roster_setup) -> None:
    from yakuba.accounts.models import User

    person = roster_setup["people"][2]
    person.user = User.objects.create_user("past", password=None, role="staff")
    person.save()
    me = verified_client(client, person.user)
    response = me.post(
        reverse("rosters:request_list"), {"date": "2020-01-01", "kind": "telework", "weight": 2}
    )
    assert "過去の日付" in response.content.decode()
    assert not StaffRequest.objects.exists()


@pytest.mark.django_db
def test_repair_after_a_sick_day_changes_few_cells_and_notifies(
    client, make_user, roster_setup, django_capture_on_commit_callbacks
) -> None:
    from yakuba.accounts.models import User
    from yakuba.notifications.models import Notice

    head = verified_client(client, make_user("unit_head"))
    people = roster_setup["people"]
    for i, person in enumerate(people):
        person.user = User.objects.create_user(f"p{i}", password=None, role="staff")
        person.save()
    version = plan(head, roster_setup)
    head.post(reverse("rosters:version_publish", args=[version.pk]))
    wednesday = MONDAY + dt.timedelta(days=2)
    sick = next(
        a.staff
        for a in Assignment.objects.filter(
            version=version, date=wednesday, activity=roster_setup["desk"]
        )
    )
    page = head.get(reverse("rosters:version_detail", args=[version.pk])).content.decode()
    assert "急な欠勤を登録して再作成" in page  # the form is offered on the published version
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(
            reverse("rosters:report_absence", args=[version.pk]),
            {
                "staff": sick.pk,
                "start": wednesday.isoformat(),
            },
        )
    repair = RosterVersion.objects.latest("pk")
    assert response["Location"] == reverse("rosters:version_detail", args=[repair.pk])
    assert repair.is_repair and repair.based_on == version
    assert repair.status == VersionStatus.SOLVED, repair.diagnosis
    from yakuba.rosters.selectors import changed_cells

    changes = changed_cells(version, repair)
    others = [c for c in changes if c[0] != sick.pk]
    assert any(c[0] == sick.pk and c[1] == wednesday for c in changes)
    assert len(others) <= 5, others
    page = head.get(reverse("rosters:version_detail", args=[repair.pk])).content.decode()
    assert "変わったセル" in page  # the diff against the published version is shown
    head.post(reverse("rosters:version_publish", args=[repair.pk]))
    version.refresh_from_db()
    assert version.status == VersionStatus.SUPERSEDED
    changed_people = {c[0] for c in changes}
    notified = set(Notice.objects.values_list("recipient__staff__pk", flat=True))
    assert notified == changed_people

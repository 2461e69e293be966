"""Invitations by unit follow personnel changes: from the effective date a mover is invited
to the new unit's future meetings and no longer to the old unit's (unless invited by
name); meetings already held or under way keep their invitees."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from yakuba.audit.models import AuditEntry
from yakuba.core import scheduling
from yakuba.meetings.models import Meeting, Platform
from yakuba.meetings.selectors import resolve_invitees
from yakuba.org.importing import apply_plan, build_plan
from yakuba.org.models import Staff
from yakuba.org.tests.test_importing import csv_bytes
from yakuba.org.tests.test_personnel import SUZUKI, YAMADA, left, moved

JST = ZoneInfo("Asia/Tokyo")
DAY = dt.date(2027, 4, 1)


def _meeting(org, organiser, title: str, at: dt.datetime, *, units=(), named=()) -> Meeting:
    meeting = Meeting.objects.create(
        title=title,
        start=at,
        end=at + dt.timedelta(hours=1),
        platform=Platform.IN_PERSON,
        unit=org["shimin"],
        organiser=organiser,
    )
    meeting.invited_units.set([org[u] for u in units])
    meeting.invited_staff.set(list(named))
    meeting.invitees.set(resolve_invitees(meeting))
    return meeting


@pytest.fixture
def meetings(org, make_user):
    hr = make_user("hr")
    yamada = org["staff"]["1001"]
    after = dt.datetime(2027, 4, 2, 10, tzinfo=JST)
    return {
        "hr": hr,
        "yamada": yamada,
        "old": _meeting(org, hr, "市民課会議", after, units=["shimin"]),
        "old_named": _meeting(org, hr, "名指し", after, units=["shimin"], named=[yamada]),
        "new": _meeting(org, hr, "税務課会議", after, units=["zeimu"]),
        "dept": _meeting(org, hr, "部会", after, units=["dept"]),
        "past": _meeting(
            org, hr, "3月の市民課会議", dt.datetime(2027, 3, 30, 10, tzinfo=JST), units=["shimin"]
        ),
        "before_day": _meeting(
            org, hr, "3月末", dt.datetime(2027, 3, 31, 17, tzinfo=JST), units=["shimin"]
        ),
    }


def _invited(meeting: Meeting, staff: Staff) -> bool:
    return meeting.invitees.filter(pk=staff.pk).exists()


def _check_followed(meetings) -> None:
    yamada = meetings["yamada"]
    assert not _invited(meetings["old"], yamada)
    assert _invited(meetings["old_named"], yamada)  # invited by name: kept
    assert _invited(meetings["new"], yamada)
    assert _invited(meetings["dept"], yamada)  # 市民部 holds both units
    assert _invited(meetings["past"], yamada)  # held before: attendance kept
    assert _invited(meetings["before_day"], yamada)  # before the effective date


@pytest.mark.django_db(transaction=True)
def test_a_dated_move_changes_future_invitations_when_the_job_applies_it(org, meetings) -> None:
    yamada = meetings["yamada"]
    with time_machine.travel(dt.datetime(2027, 3, 15, 10, tzinfo=JST), tick=False):
        plan = build_plan("april.csv", csv_bytes([moved(YAMADA, "120")]), effective_date=DAY)
        apply_plan(plan, actor=meetings["hr"], source="april")
    # Nothing changes before the effective date.
    assert _invited(meetings["old"], yamada) and not _invited(meetings["new"], yamada)
    job = scheduling.get_job("org.apply_staff_changes")
    with time_machine.travel(dt.datetime(2027, 4, 1, 0, 0, 30, tzinfo=JST), tick=False):
        scheduling.tick(jobs=[job])
    assert Staff.objects.get(pk=yamada.pk).unit == org["zeimu"]
    _check_followed(meetings)
    entries = AuditEntry.objects.filter(
        object_type="meetings.meeting", changes__reason="personnel change"
    )
    by_meeting = {e.object_id: e for e in entries}
    assert set(by_meeting) == {str(meetings["old"].pk), str(meetings["new"].pk)}
    assert by_meeting[str(meetings["old"].pk)].changes["invitees_removed"] == [yamada.pk]
    assert by_meeting[str(meetings["new"].pk)].changes["invitees_added"] == [yamada.pk]
    assert all(e.actor_label == "org.apply_staff_changes" for e in entries)
    # A run again changes nothing.
    from yakuba.meetings.services import follow_placements
    from yakuba.org.signals import Placement

    with time_machine.travel(dt.datetime(2027, 4, 1, 8, tzinfo=JST), tick=False):
        again = Placement(yamada.pk, "move", org["shimin"].pk, org["zeimu"].pk, True, True)
        assert follow_placements(actor=None, placements=[again], effective_date=DAY) == 0


@pytest.mark.django_db
def test_an_immediate_move_and_leave_change_future_invitations_in_the_import(org, meetings) -> None:
    suzuki = org["staff"]["2001"]
    assert _invited(meetings["new"], suzuki)
    with time_machine.travel(dt.datetime(2027, 4, 1, 9, tzinfo=JST), tick=False):
        plan = build_plan("now.csv", csv_bytes([moved(YAMADA, "120"), left(SUZUKI)]))
        apply_plan(plan, actor=meetings["hr"], source="now")
    _check_followed(meetings)
    assert not _invited(meetings["new"], suzuki)  # left: no longer invited by unit
    entry = AuditEntry.objects.get(
        object_type="meetings.meeting", object_id=str(meetings["new"].pk)
    )
    assert entry.actor == meetings["hr"]
    assert sorted(entry.changes["invitees_added"]) == [meetings["yamada"].pk]
    assert entry.changes["invitees_removed"] == [suzuki.pk]


@pytest.mark.django_db
def test_a_meeting_under_way_keeps_its_invitees(org, meetings) -> None:
    yamada = meetings["yamada"]
    running = _meeting(
        org, meetings["hr"], "進行中", dt.datetime(2027, 4, 2, 9, 30, tzinfo=JST), units=["shimin"]
    )
    with time_machine.travel(dt.datetime(2027, 4, 2, 10, tzinfo=JST), tick=False):
        plan = build_plan("now.csv", csv_bytes([moved(YAMADA, "120")]))
        apply_plan(plan, actor=meetings["hr"], source="now")
    assert _invited(running, yamada)
    # 10:00 meetings start now, not after: kept as they are.
    assert _invited(meetings["old"], yamada) and not _invited(meetings["new"], yamada)

"""Actual start times of agenda items, entered after the meeting: who may, the checks
(within the meeting, in the agenda's order), all or nothing, audited, and the catch-up
following them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.accounts.models import User
from yakuba.audit.models import AuditEntry
from yakuba.meetings import selectors, services
from yakuba.meetings.models import AgendaItem, AttendanceSource, PresenceInterval
from yakuba.meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(org, make_user):
    m = make_meeting(org, make_user("staff", username="organiser"), platform_meeting_id="")
    for i, title in enumerate(["予算要求", "窓口混雑対策", "その他"]):
        AgendaItem.objects.create(meeting=m, order=i + 1, title=title, planned_minutes=20)
    return m


def _items(meeting) -> list[AgendaItem]:
    return list(meeting.agenda.order_by("order"))


def _local(meeting, minutes: int, seconds: int = 0) -> str:
    at = meeting.start + dt.timedelta(minutes=minutes, seconds=seconds)
    return timezone.localtime(at).strftime("%H:%M:%S")


def _data(meeting, *values: str) -> dict[str, str]:
    return {f"item_{item.pk}": v for item, v in zip(_items(meeting), values, strict=True)}


def test_organiser_enters_times_afterwards(client, meeting) -> None:
    c = verified_client(client, meeting.organiser)
    url = reverse("meetings:agenda_times", args=[meeting.pk])
    page = c.get(url).content.decode()
    assert "1. 予算要求" in page and "予定: 20分" in page
    r = c.post(url, _data(meeting, _local(meeting, 0), _local(meeting, 7, 30), ""))
    assert r.status_code == 302
    first, second, third = _items(meeting)
    assert first.started_at == meeting.start
    assert second.started_at == meeting.start + dt.timedelta(minutes=7, seconds=30)
    assert third.started_at is None
    entries = AuditEntry.objects.filter(object_type="meetings.agendaitem", actor_label="organiser")
    assert entries.count() == 2
    # The agenda (and so the catch-up) follows the times: the third item starts 20 minutes
    # (its predecessor's planned time) after the second.
    spans = [(item.title, s, e) for item, s, e in selectors.agenda_spans(meeting)]
    start = meeting.start.timestamp()
    assert [round((s - start) / 60, 1) for _t, s, _e in spans] == [0.0, 7.5, 27.5]
    # The same values again change nothing and record nothing.
    r = c.post(url, _data(meeting, _local(meeting, 0), _local(meeting, 7, 30), ""))
    assert r.status_code == 302 and entries.count() == 2
    # Emptying a time falls back to the planned minutes.
    assert c.post(url, _data(meeting, _local(meeting, 0), "", "")).status_code == 302
    assert _items(meeting)[1].started_at is None


def test_times_outside_the_meeting_or_out_of_order_change_nothing(client, meeting) -> None:
    c = verified_client(client, meeting.organiser)
    url = reverse("meetings:agenda_times", args=[meeting.pk])
    before = AuditEntry.objects.count()
    r = c.post(url, _data(meeting, _local(meeting, 5), _local(meeting, -10), ""))
    assert r.status_code == 400
    page = r.content.decode()
    assert "会議の時間" in page and "の中の時刻にしてください" in page
    r = c.post(url, _data(meeting, _local(meeting, 30), _local(meeting, 10), _local(meeting, 40)))
    assert r.status_code == 400
    assert "前の議題「予算要求」" in r.content.decode()
    r = c.post(url, _data(meeting, _local(meeting, 10), _local(meeting, 10), ""))
    assert r.status_code == 400
    r = c.post(url, _data(meeting, _local(meeting, 10), _local(meeting, 61), ""))
    assert r.status_code == 400
    r = c.post(url, _data(meeting, "25時", "", ""))
    assert r.status_code == 400
    # Nothing half-written: the valid first time of each refused form was not kept.
    assert all(item.started_at is None for item in _items(meeting))
    assert AuditEntry.objects.filter(action="update").count() == 0
    assert AuditEntry.objects.count() >= before


def test_the_service_checks_too_and_runs_in_one_transaction(meeting) -> None:
    from django.core.exceptions import ValidationError

    first, second, third = _items(meeting)
    start = meeting.start
    with pytest.raises(ValidationError) as exc:
        services.set_agenda_times(
            actor=meeting.organiser,
            meeting=meeting,
            times={
                first.pk: start + dt.timedelta(minutes=20),
                second.pk: start + dt.timedelta(minutes=10),
                third.pk: None,
            },
        )
    assert f"item_{second.pk}" in exc.value.message_dict
    with pytest.raises(ValidationError):  # an item left out (the agenda changed meanwhile)
        services.set_agenda_times(actor=meeting.organiser, meeting=meeting, times={first.pk: start})
    assert not AgendaItem.objects.filter(started_at__isnull=False).exists()


def test_live_stamps_keep_their_fractions_when_unchanged(client, meeting) -> None:
    services.next_item(
        actor=meeting.organiser,
        meeting=meeting,
        now=meeting.start + dt.timedelta(minutes=1, seconds=2, microseconds=345678),
    )
    c = verified_client(client, meeting.organiser)
    url = reverse("meetings:agenda_times", args=[meeting.pk])
    r = c.post(url, _data(meeting, _local(meeting, 1, 2), _local(meeting, 20), ""))
    assert r.status_code == 302
    first = _items(meeting)[0]
    assert first.started_at.microsecond == 345678  # typed back as shown: no change
    assert AuditEntry.objects.filter(object_type="meetings.agendaitem").count() == 2  # live + 2nd


def test_after_finalising_the_times_are_frozen(client, meeting) -> None:
    services.finalise(actor=meeting.organiser, meeting=meeting)
    c = verified_client(client, meeting.organiser)
    url = reverse("meetings:agenda_times", args=[meeting.pk])
    page = c.get(url).content.decode()
    assert "議事録は確定済みのため" in page and "disabled" in page
    r = c.post(url, _data(meeting, _local(meeting, 0), "", ""))
    assert r.status_code == 400
    assert _items(meeting)[0].started_at is None


def test_who_may_enter_agenda_times(client_factory, meeting, org, make_user) -> None:
    url = reverse("meetings:agenda_times", args=[meeting.pk])
    data = _data(meeting, _local(meeting, 0), "", "")
    invitee_user = User.objects.create_user("invitee", password=None, role="staff")
    invitee = org["staff"]["1001"]
    invitee.user = invitee_user
    invitee.save()
    # An invitee sees the meeting but may not change it; others do not see it at all.
    cases = [
        (invitee_user, 403),
        (make_user("staff", username="stranger"), 404),
        (make_user("unit_head", unit_key="zeimu", username="zeimu-head"), 404),
        (make_user("auditor"), 404),
    ]
    for user, status in cases:
        c = verified_client(client_factory(), user)
        assert c.get(url).status_code == status, user.username
        assert c.post(url, data).status_code == status, user.username
    assert client_factory().get(url).status_code == 302  # anonymous: to the sign-in page
    assert _items(meeting)[0].started_at is None
    # The unit head in scope (manage_meetings) may, like the organiser.
    head = verified_client(client_factory(), make_user("unit_head", username="shimin-head"))
    assert head.get(url).status_code == 200
    assert head.post(url, data).status_code == 302
    assert _items(meeting)[0].started_at == meeting.start
    entry = AuditEntry.objects.get(object_type="meetings.agendaitem")
    assert entry.actor_label == "shimin-head"


def test_catchup_follows_the_entered_times(meeting, org) -> None:
    """Someone away from 10 to 20 minutes missed the second item once its actual start (at
    12 minutes, not the planned 20) is entered."""
    yamada = org["staff"]["1001"]
    for who, join, leave in [(yamada, 0, 10), (yamada, 20, 60), (org["staff"]["2001"], 0, 60)]:
        PresenceInterval.objects.create(
            meeting=meeting,
            staff=who,
            join=meeting.start + dt.timedelta(minutes=join),
            leave=meeting.start + dt.timedelta(minutes=leave),
            source=AttendanceSource.MANUAL,
        )
    first, second, third = _items(meeting)

    def missed() -> list[str]:
        items, details = selectors.build_catchup_inputs(meeting)
        person = next(p for p in selectors.attendance(meeting) if p.staff == yamada)
        content = selectors.catchup_content(person, items, details)
        return [i["text"] for i in content["items"] if i["missed"]]

    assert missed() == ["予算要求"]  # planned: 0–20 and 20–40
    services.set_agenda_times(
        actor=meeting.organiser,
        meeting=meeting,
        times={
            first.pk: meeting.start + dt.timedelta(minutes=5),
            second.pk: meeting.start + dt.timedelta(minutes=12),
            third.pk: None,
        },
    )
    assert missed() == ["予算要求", "窓口混雑対策"]
    services.set_agenda_times(
        actor=meeting.organiser,
        meeting=meeting,
        times={
            first.pk: meeting.start + dt.timedelta(minutes=0),
            second.pk: meeting.start + dt.timedelta(minutes=25),
            third.pk: None,
        },
    )
    assert missed() == ["予算要求"]

"""The timeline counts as 中断 only breaks at least as long as the meeting's threshold (the
threshold the catch-up uses); shorter reconnections are shown with their seconds, uncounted.
Opening it only reads: the presence is derived as the platforms' events arrive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.accounts.models import User
from yakuba.audit.models import AuditEntry
from yakuba.meetings import selectors, services, timeline
from yakuba.meetings.models import AttendanceSource, PresenceInterval
from yakuba.meetings.tests.factories import START, make_meeting, post_zoom, zoom_account, zoom_event

pytestmark = pytest.mark.django_db


def _connect(meeting, staff, *spans: tuple[int, int]) -> None:
    """Connections given in seconds from the start."""
    for join, leave in spans:
        PresenceInterval.objects.create(
            meeting=meeting,
            staff=staff,
            connection_key=f"k{staff.pk}",
            join=meeting.start + dt.timedelta(seconds=join),
            leave=meeting.start + dt.timedelta(seconds=leave),
            source=AttendanceSource.MANUAL,
        )


@pytest.fixture
def meeting(org, make_user):
    m = make_meeting(
        org, make_user("staff", username="organiser"), drop_threshold_s=60, platform_meeting_id=""
    )
    yamada, sato, suzuki = (org["staff"][n] for n in ("1001", "1002", "2001"))
    # 山田: two short reconnections (12 s and 45 s), nothing else.
    _connect(m, yamada, (0, 600), (612, 1800), (1845, 3600))
    # 佐藤: one short reconnection (5 s) and one break of 5 minutes.
    _connect(m, sato, (0, 300), (305, 1200), (1500, 3600))
    _connect(m, suzuki, (0, 3600))
    return m


def _rows(meeting) -> dict[str, timeline.Row]:
    return {r.label: r for r in timeline.build(meeting)["rows"]}


def test_reconnections_shorter_than_the_threshold_are_not_counted(meeting) -> None:
    rows = _rows(meeting)
    assert rows["山田 太郎"].drops == 0
    assert rows["山田 太郎"].status == "出席"
    assert [g.split("（")[1] for g in rows["山田 太郎"].short_gaps] == ["12秒）", "45秒）"]
    assert rows["佐藤 花子"].drops == 1
    assert rows["佐藤 花子"].status == "中断あり"
    assert rows["佐藤 花子"].short_gaps == ["19:05:00（5秒）"]
    assert rows["鈴木 一郎"].drops == 0 and rows["鈴木 一郎"].short_gaps == []
    # The same threshold decides who gets a catch-up.
    people = {p.label: p.attendance for p in selectors.attendance(meeting)}
    assert not people["山田 太郎"].needs_catchup
    assert people["佐藤 花子"].long_drops == 1 and people["佐藤 花子"].needs_catchup


def test_a_lower_threshold_counts_more(meeting) -> None:
    meeting.drop_threshold_s = 30
    meeting.save()
    rows = _rows(meeting)
    assert rows["山田 太郎"].drops == 1  # the 45-second gap
    assert [g.split("（")[1] for g in rows["山田 太郎"].short_gaps] == ["12秒）"]


def test_page_shows_counts_and_short_gaps_in_seconds(client, meeting) -> None:
    page = (
        verified_client(client, meeting.organiser)
        .get(reverse("meetings:timeline", args=[meeting.pk]))
        .content.decode()
    )
    row = page.split("山田 太郎", 1)[1].split("</tr>", 1)[0]
    assert (
        'timeline__drops">0<small' in row
        and "19:10:00（12秒）" in row
        and "19:30:00（45秒）" in row
    )
    assert "60秒以上" in page
    sato = page.split("佐藤 花子", 1)[1].split("</tr>", 1)[0]
    # A break's own times carry seconds when they do not fall on whole minutes.
    assert 'timeline__drops">1<small' in sato and "19:20–19:25" in sato


def test_opening_the_timeline_reads_only(client, org, make_user) -> None:
    """Events that arrive are derived by the worker; GET never rebuilds them, and what is
    behind is said, with a button for the organiser."""
    meeting = make_meeting(org, make_user("staff", username="organiser"))
    zoom_account()
    # Stored as a webhook would, but without the worker having run yet.
    services.store_event(
        source="zoom",
        event="join",
        room=meeting.platform_meeting_id,
        person_key="e:s1001@example.jp",
        at=START,
        payload={"name": "山田 太郎", "email": "s1001@example.jp"},
        dedup="x1",
    )
    c = verified_client(client, meeting.organiser)
    url = reverse("meetings:timeline", args=[meeting.pk])
    page = c.get(url).content.decode()
    assert "まだ反映されていない接続記録があります" in page
    assert not PresenceInterval.objects.exists()
    # Invitees may not ask for a rebuild; the organiser may.
    invitee = org["staff"]["1001"]
    invitee_user = User.objects.create_user("invitee", password=None, role="staff")
    invitee.user = invitee_user
    invitee.save()
    refresh = reverse("meetings:presence_refresh", args=[meeting.pk])
    other = verified_client(client.__class__(), invitee_user)
    assert other.post(refresh).status_code == 403
    assert other.get(url).status_code == 403
    assert not PresenceInterval.objects.exists()
    assert c.get(refresh).status_code == 405
    assert c.post(refresh).status_code == 302
    assert PresenceInterval.objects.filter(staff=org["staff"]["1001"]).exists()
    assert AuditEntry.objects.filter(
        object_type="meetings.meeting", actor_label="organiser", changes__presence="(rebuilt)"
    ).exists()
    page = c.get(url).content.decode()
    assert "まだ反映されていない" not in page
    # A webhook delivery has the worker derive the presence (tests run tasks inline).
    event = zoom_event(
        "leave", name="山田 太郎", email="s1001@example.jp", at=START + dt.timedelta(minutes=30)
    )
    assert post_zoom(client, event).status_code == 200
    row = PresenceInterval.objects.get(staff=org["staff"]["1001"])
    assert row.leave == START + dt.timedelta(minutes=30)


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_deliveries_asks_for_one_deferred_rebuild(settings, org, make_user) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services._presence_asked.clear()
    meeting = make_meeting(org, make_user("staff", username="organiser"))
    DBTaskResult.objects.all().delete()  # the rebuild asked for by creating the meeting
    zoom_account()
    from django.test import Client

    client = Client()
    for i in range(5):
        event = zoom_event("join", name=f"職員 {i}", at=START + dt.timedelta(minutes=i))
        assert post_zoom(client, event).status_code == 200
    tasks = DBTaskResult.objects.filter(task_path__endswith="refresh_meeting_presence")
    assert tasks.count() == 1
    task = tasks.get()
    assert task.args_kwargs["args"] == [meeting.pk]
    assert task.run_after is not None  # deferred, so it sees the whole burst
    assert not PresenceInterval.objects.exists()  # nothing derived inside the requests
    services._presence_asked.clear()

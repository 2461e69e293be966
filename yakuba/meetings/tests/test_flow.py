"""From creating a meeting to the re-contact list, through the views."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.meetings import selectors
from yakuba.meetings.models import AgendaItem, CatchUp, Meeting, MinutesEntry
from yakuba.meetings.tests.factories import START, make_meeting, post_zoom, zoom_account, zoom_event
from yakuba.notifications.models import Delivery, Notice


def test_create_meeting_resolves_unit_invitees(client, org, make_user) -> None:
    user = make_user("staff", username="organiser")
    c = verified_client(client, user)
    r = c.post(
        "/meetings/new/",
        {
            "title": "税務課打合せ",
            "start": "2026-12-01T10:00",
            "end": "2026-12-01T11:00",
            "platform": "zoom",
            "join_url": "https://zoom.example/j/1",
            "platform_meeting_id": "850 1234 5678",
            "drop_threshold_s": 60,
            "invited_units": [org["zeimu"].pk],
            "invited_staff": [org["staff"]["1001"].pk],
        },
    )
    assert r.status_code == 302, r.content
    meeting = Meeting.objects.get()
    assert meeting.organiser == user and meeting.unit == org["shimin"]
    names = set(meeting.invitees.values_list("staff_number", flat=True))
    assert names == {"1001", "2001"}
    assert AuditEntry.objects.filter(object_type="meetings.meeting").exists()
    bad = c.post(
        "/meetings/new/", {"title": "x", "start": "2026-12-01T10:00", "end": "2026-12-01T09:00"}
    )
    assert bad.status_code == 200 and Meeting.objects.count() == 1


@pytest.fixture
def meeting(org, make_user):
    organiser = make_user("staff", username="organiser")
    m = make_meeting(org, organiser)
    for i, title in enumerate(["予算要求", "窓口混雑対策", "その他"]):
        AgendaItem.objects.create(meeting=m, order=i + 1, title=title, planned_minutes=20)
    return m


def test_live_minutes_stamp_times(client, meeting, org) -> None:
    c = verified_client(client, meeting.organiser)
    assert c.get(f"/meetings/{meeting.pk}/minutes/").status_code == 200
    r = c.post(f"/meetings/{meeting.pk}/minutes/next/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "予算要求" in r.content.decode()
    first = meeting.agenda.get(order=1)
    assert first.started_at is not None
    r = c.post(
        f"/meetings/{meeting.pk}/minutes/add/",
        {"kind": "decision", "text": "予算案を承認"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "予算案を承認" in r.content.decode()
    entry = MinutesEntry.objects.get()
    assert entry.agenda_item == first and abs((entry.at - timezone.now()).total_seconds()) < 60
    # An action item needs an owner; afterwards minutes take a time typed by hand.
    r = c.post(f"/meetings/{meeting.pk}/minutes/add/", {"kind": "action", "text": "資料作成"})
    assert r.status_code == 400
    r = c.post(
        f"/meetings/{meeting.pk}/minutes/add/",
        {
            "kind": "action",
            "text": "資料作成",
            "owner": org["staff"]["2001"].pk,
            "due": "2026-12-05",
            "at_time": "19:30:00",
        },
    )
    assert r.status_code == 302
    action = MinutesEntry.objects.get(kind="action")
    assert timezone.localtime(action.at).strftime("%H:%M:%S") == "19:30:00"
    r = c.post(
        f"/meetings/{meeting.pk}/minutes/add/",
        {"kind": "note", "text": "x", "at_time": "03:00:00"},
    )
    assert r.status_code == 400


def _stamp(meeting: Meeting, minutes: list[int]) -> None:
    for item, m in zip(meeting.agenda.order_by("order"), minutes, strict=True):
        item.started_at = START + dt.timedelta(minutes=m)
        item.save()


def test_finalise_sends_exactly_the_missed_items(
    client, meeting, org, make_user, django_capture_on_commit_callbacks
) -> None:
    from yakuba.accounts.models import User

    yamada_user = User.objects.create_user("yamada", password=None, role="staff")
    yamada = org["staff"]["1001"]
    yamada.user = yamada_user
    yamada.save()
    _stamp(meeting, [0, 20, 40])
    t = START
    MinutesEntry.objects.create(
        meeting=meeting, kind="decision", text="A案", at=t + dt.timedelta(minutes=10)
    )
    MinutesEntry.objects.create(
        meeting=meeting, kind="note", text="混雑は月曜", at=t + dt.timedelta(minutes=25)
    )
    MinutesEntry.objects.create(
        meeting=meeting,
        kind="action",
        text="掲示を作る",
        at=t + dt.timedelta(minutes=45),
        owner=yamada,
    )
    zoom_account()
    for kind, minute, who, email in [
        ("join", 0, "山田 太郎", "s1001@example.jp"),
        ("leave", 21, "山田 太郎", "s1001@example.jp"),
        ("join", 30, "山田 太郎", "s1001@example.jp"),
        ("leave", 60, "山田 太郎", "s1001@example.jp"),
        ("join", 0, "佐藤 花子", ""),
        ("leave", 60, "佐藤 花子", ""),
    ]:
        assert (
            post_zoom(
                client, zoom_event(kind, name=who, email=email, at=t + dt.timedelta(minutes=minute))
            ).status_code
            == 200
        )
    c = verified_client(client, meeting.organiser)
    assert c.get(f"/meetings/{meeting.pk}/timeline/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/meetings/{meeting.pk}/finalise/")
    assert r.status_code == 302
    catchups = {cu.staff.staff_number: cu for cu in CatchUp.objects.filter(meeting=meeting)}
    assert set(catchups) == {"1001", "2001"}  # 佐藤 stayed throughout
    mine = catchups["1001"].content
    assert mine["drops"] == 1
    keys = [(i["kind"], i["text"], i["missed"], i["assigned"]) for i in mine["items"]]
    assert keys == [
        ("agenda", "窓口混雑対策", True, False),
        ("note", "混雑は月曜", True, False),
        ("action", "掲示を作る", False, True),
    ]
    absent = catchups["2001"].content
    assert absent["absent_entirely"] and len(absent["items"]) == 6
    notice = Notice.objects.get(recipient=yamada_user)
    assert "窓口混雑対策" in notice.body
    assert Delivery.objects.filter(email="s1001@example.jp").exists()
    # Finalising twice is refused; the re-contact list shows both as not acknowledged.
    c.post(f"/meetings/{meeting.pk}/finalise/")
    assert CatchUp.objects.count() == 2
    page = c.get(f"/meetings/{meeting.pk}/recontact/").content.decode()
    assert "山田 太郎" in page and "鈴木 一郎" in page
    assert "混雑は月曜" not in page  # the organiser sees status, not the contents

    # The person acknowledges; nobody else can read or acknowledge their catch-up.
    other = verified_client(client.__class__(), make_user("unit_head", username="head"))
    assert other.get(f"/meetings/catch-ups/{catchups['1001'].pk}/").status_code == 404
    assert other.post(f"/meetings/catch-ups/{catchups['1001'].pk}/ack/").status_code == 404
    me = verified_client(client.__class__(), yamada_user)
    page = me.get(f"/meetings/catch-ups/{catchups['1001'].pk}/").content.decode()
    assert "混雑は月曜" in page and "確認しました" in page
    assert me.get(f"/meetings/{meeting.pk}/").status_code == 200  # invitees see the meeting
    assert me.get(f"/meetings/{meeting.pk}/timeline/").status_code == 403
    assert me.post(f"/meetings/catch-ups/{catchups['1001'].pk}/ack/").status_code == 302
    catchups["1001"].refresh_from_db()
    assert catchups["1001"].acknowledged_at is not None
    page = c.get(f"/meetings/{meeting.pk}/recontact/").content.decode()
    pending = page.split("確認済み")[0]
    assert "鈴木 一郎" in pending and "山田 太郎" not in pending


def test_manual_marks_for_in_person(client, meeting, org) -> None:
    c = verified_client(client, meeting.organiser)
    local = timezone.localtime(meeting.start)
    r = c.post(
        f"/meetings/{meeting.pk}/attendance/",
        {
            "staff": org["staff"]["2001"].pk,
            "join": local.strftime("%H:%M:%S"),
            "leave": (local + dt.timedelta(minutes=60)).strftime("%H:%M:%S"),
        },
    )
    assert r.status_code == 302
    rows = {p.label: p for p in selectors.attendance(meeting)}
    assert not rows["鈴木 一郎"].attendance.needs_catchup

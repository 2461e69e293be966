"""A Zoom meeting ID typed as Zoom displays it is stored as the webhooks send it (digits), so
the participants of a meeting entered with spaces, hyphens or full-width digits arrive."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from conftest import verified_client
from yakuba.meetings import zoom
from yakuba.meetings.models import AttendanceEvent, Meeting, PresenceInterval
from yakuba.meetings.tests.factories import START, make_meeting, post_zoom, zoom_account, zoom_event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "850 1234 5678",
        "850-1234-5678",
        " 85012345678 ",
        "８５０　１２３４　５６７８",
        "８５０－１２３４－５６７８",
        "850ー1234ー5678",  # the long-vowel mark a Japanese input method gives for "-"
        "850\u20131234\u20135678",
    ],
)
def test_typed_forms_of_a_zoom_id_become_its_digits(typed: str) -> None:
    assert zoom.normalise_meeting_id(typed) == "85012345678"


def test_room_names_are_only_trimmed() -> None:
    assert zoom.normalise_meeting_id(" Kaigi-Room ") == "Kaigi-Room"
    assert zoom.normalise_meeting_id("") == ""
    assert zoom.normalise_meeting_id(None) == ""


def _form(org, **extra):
    return {
        "title": "定例",
        "start": "2026-11-20T19:00",
        "end": "2026-11-20T20:00",
        "platform": "zoom",
        "drop_threshold_s": 60,
        "invited_staff": [org["staff"]["1001"].pk, org["staff"]["1002"].pk],
        **extra,
    }


def test_meeting_entered_with_spaces_receives_the_webhook_participants(
    client, org, make_user
) -> None:
    organiser = make_user("staff", username="organiser")
    c = verified_client(client, organiser)
    r = c.post(
        reverse("meetings:meeting_create"),
        _form(org, platform_meeting_id="８５０ １２３４ ５６７８"),
    )
    assert r.status_code == 302, r.content.decode()
    meeting = Meeting.objects.get()
    assert meeting.platform_meeting_id == "85012345678"
    zoom_account()
    # Zoom sends the ID as a number.
    for kind, minute in [("join", 0), ("leave", 60)]:
        event = zoom_event(
            kind,
            name="山田 太郎",
            email="s1001@example.jp",
            at=meeting.start + dt.timedelta(minutes=minute),
        )
        event["payload"]["object"]["id"] = 85012345678
        assert post_zoom(client, event).status_code == 200
    page = c.get(reverse("meetings:timeline", args=[meeting.pk])).content.decode()
    row = page.split("山田 太郎", 1)[1].split("</tr>", 1)[0]
    assert "出席" in row and "100%" in row
    assert "欠席" in page.split("佐藤 花子", 1)[1].split("</tr>", 1)[0]


def test_a_mistyped_zoom_id_is_refused_with_a_message(client, org, make_user) -> None:
    c = verified_client(client, make_user("staff", username="organiser"))
    r = c.post(reverse("meetings:meeting_create"), _form(org, platform_meeting_id="850 1234"))
    assert r.status_code == 200
    assert "Zoom の会議IDは9〜11桁の数字です" in r.content.decode()
    r = c.post(reverse("meetings:meeting_create"), _form(org, platform_meeting_id="85O12345678"))
    assert r.status_code == 200 and not Meeting.objects.exists()
    # A Jitsi room keeps its name.
    r = c.post(
        reverse("meetings:meeting_create"),
        _form(org, platform="jitsi", platform_meeting_id=" kaigi-room "),
    )
    assert r.status_code == 302
    assert Meeting.objects.get().platform_meeting_id == "kaigi-room"


def test_saved_ids_and_incoming_events_are_normalised_alike(client, org, make_user) -> None:
    meeting = make_meeting(
        org, make_user("staff", username="organiser"), platform_meeting_id="850-1234-5678"
    )
    assert Meeting.objects.get(pk=meeting.pk).platform_meeting_id == "85012345678"
    zoom_account()
    event = zoom_event("join", name="山田 太郎", email="s1001@example.jp", at=START)
    event["payload"]["object"]["id"] = "850 1234 5678"
    assert post_zoom(client, event).status_code == 200
    assert AttendanceEvent.objects.get().room == "85012345678"
    assert PresenceInterval.objects.filter(meeting=meeting, staff=org["staff"]["1001"]).exists()


def test_the_data_migration_normalises_existing_rows(org, make_user) -> None:
    meeting = make_meeting(org, make_user("staff", username="organiser"))
    finalised = make_meeting(org, meeting.organiser, title="確定済み")
    # As stored before the normalisation existed (update() bypasses save()).
    Meeting.objects.filter(pk=meeting.pk).update(platform_meeting_id="850 1234 5678")
    Meeting.objects.filter(pk=finalised.pk).update(
        status="finalised", finalised_at=START + dt.timedelta(hours=2)
    )
    migration = importlib.import_module(
        "yakuba.meetings.migrations.0003_catchups_prepared_and_normalised_ids"
    )
    migration.forwards(apps, None)
    meeting.refresh_from_db()
    finalised.refresh_from_db()
    assert meeting.platform_meeting_id == "85012345678"
    # Meetings finalised earlier had their catch-ups prepared then.
    assert finalised.catchups_prepared_at == START + dt.timedelta(hours=2)
    assert meeting.catchups_prepared_at is None


def test_correcting_the_id_afterwards_picks_up_the_events_already_received(
    client, org, make_user, django_capture_on_commit_callbacks
) -> None:
    organiser = make_user("staff", username="organiser")
    c = verified_client(client, organiser)
    r = c.post(reverse("meetings:meeting_create"), _form(org, platform_meeting_id="850 1234 5679"))
    assert r.status_code == 302
    meeting = Meeting.objects.get()
    zoom_account()
    # Joined and still connected (no "left" event yet).
    event = zoom_event("join", name="山田 太郎", email="s1001@example.jp", at=meeting.start)
    assert post_zoom(client, event).status_code == 200
    assert not PresenceInterval.objects.exists()  # the ID was mistyped
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            reverse("meetings:meeting_edit", args=[meeting.pk]),
            _form(org, platform_meeting_id="850-1234-5678"),
        )
    assert r.status_code == 302
    assert PresenceInterval.objects.filter(meeting=meeting, staff=org["staff"]["1001"]).exists()
    # Moving the meeting's end re-derives the presence: the open connection ends with it.
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            reverse("meetings:meeting_edit", args=[meeting.pk]),
            _form(org, platform_meeting_id="85012345678", end="2026-11-20T19:30"),
        )
    assert r.status_code == 302
    row = PresenceInterval.objects.get(meeting=meeting)
    assert row.leave == meeting.start + dt.timedelta(minutes=30)

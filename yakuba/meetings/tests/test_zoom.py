"""Zoom webhooks: signature and URL validation vectors, replay window, de-dup, order."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

import pytest

from yakuba.meetings import selectors, services, zoom
from yakuba.meetings.models import AttendanceEvent, PresenceInterval
from yakuba.meetings.tests.factories import (
    START,
    ZOOM_SECRET,
    make_meeting,
    post_zoom,
    signed_headers,
    zoom_account,
    zoom_event,
)


def test_signature_vector_computed_independently() -> None:
    body = b'{"event":"meeting.participant_joined"}'
    expected = "v0=" + hmac.new(b"secret", b"v0:1700000000:" + body, hashlib.sha256).hexdigest()
    assert zoom.signature("secret", "1700000000", body) == expected
    assert zoom.verify("secret", "1700000000", expected, body, now=1700000100)
    assert not zoom.verify("secret", "1700000000", expected, body, now=1700000000 + 301)
    assert not zoom.verify("other", "1700000000", expected, body, now=1700000000)
    assert not zoom.verify("secret", "1700000000", expected, body + b" ", now=1700000000)
    assert not zoom.verify("secret", "abc", expected, body, now=1700000000)


def test_url_validation_vector() -> None:
    out = zoom.url_validation("secret", "qgg8vlvZRS6UYooatFL8Aw")
    assert out["plainToken"] == "qgg8vlvZRS6UYooatFL8Aw"
    assert (
        out["encryptedToken"]
        == hmac.new(b"secret", b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    )


@pytest.fixture
def meeting(org, make_user):
    organiser = make_user("staff", username="organiser")
    zoom_account()
    return make_meeting(org, organiser)


def test_endpoint_url_validation(client, meeting) -> None:
    response = post_zoom(
        client, {"event": "endpoint.url_validation", "payload": {"plainToken": "abc123"}}
    )
    assert response.status_code == 200
    assert response.json() == {
        "plainToken": "abc123",
        "encryptedToken": hmac.new(ZOOM_SECRET.encode(), b"abc123", hashlib.sha256).hexdigest(),
    }


def test_bad_signature_and_stale_timestamp_store_nothing(client, meeting) -> None:
    payload = zoom_event("join", name="山田 太郎", at=START)
    body = json.dumps(payload).encode()
    bad = signed_headers(body, secret="wrong")
    assert post_zoom(client, payload, **bad).status_code == 401
    stale = signed_headers(body, ts=int(time.time()) - 400)
    assert post_zoom(client, payload, **stale).status_code == 401
    future = signed_headers(body, ts=int(time.time()) + 400)
    assert post_zoom(client, payload, **future).status_code == 401
    missing = client.post("/meetings/hooks/zoom/main/", data=body, content_type="application/json")
    assert missing.status_code == 401
    assert not AttendanceEvent.objects.exists()
    assert post_zoom(client, payload, key="nope").status_code == 404


def test_malformed_and_oversized(client, meeting) -> None:
    body = b"{not json"
    r = client.post(
        "/meetings/hooks/zoom/main/",
        data=body,
        content_type="application/json",
        **signed_headers(body),
    )
    assert r.status_code == 400
    big = b'{"event":"x","pad":"' + b"a" * (zoom.MAX_BODY_BYTES + 10) + b'"}'
    r = client.post(
        "/meetings/hooks/zoom/main/",
        data=big,
        content_type="application/json",
        **signed_headers(big),
    )
    assert r.status_code == 413
    broken = zoom_event("join", name="x", at=START)
    broken["payload"]["object"]["participant"]["join_time"] = "yesterday"
    assert post_zoom(client, broken).status_code == 400
    assert post_zoom(client, {"event": "meeting.started", "payload": {}}).json() == {
        "status": "ignored"
    }
    assert not AttendanceEvent.objects.exists()


def test_duplicates_ignored_and_order_by_payload_times(client, meeting, org) -> None:
    t = START
    events = [
        zoom_event(
            "leave", name="山田 太郎", email="s1001@example.jp", at=t + dt.timedelta(minutes=20)
        ),
        zoom_event(
            "join", name="山田 太郎", email="s1001@example.jp", at=t + dt.timedelta(minutes=25)
        ),
        zoom_event("join", name="山田 太郎", email="s1001@example.jp", at=t),
        zoom_event("join", name="山田 太郎", email="s1001@example.jp", at=t),  # redelivery
        # Matched by name (no e-mail), leaves early.
        zoom_event("join", name="佐藤花子", at=t + dt.timedelta(minutes=5)),
        zoom_event("leave", name="佐藤花子", at=t + dt.timedelta(minutes=50)),
        # A guest stays a guest.
        zoom_event("join", name="県の担当者", email="ken@pref.example.jp", at=t),
    ]
    statuses = [post_zoom(client, e).json()["status"] for e in events]
    assert statuses.count("duplicate") == 1
    assert AttendanceEvent.objects.count() == 6
    services.refresh_presence(meeting)
    yamada = org["staff"]["1001"]
    rows = PresenceInterval.objects.filter(meeting=meeting, staff=yamada).order_by("join")
    assert [(r.join, r.leave) for r in rows] == [
        (t, t + dt.timedelta(minutes=20)),
        (t + dt.timedelta(minutes=25), meeting.end),
    ]
    assert PresenceInterval.objects.filter(staff=org["staff"]["1002"]).count() == 1
    guest = PresenceInterval.objects.get(staff__isnull=True)
    assert guest.guest_email == "ken@pref.example.jp"
    # Rebuilding again changes nothing; a redelivered event does not add presence.
    assert services.refresh_presence(meeting) is False
    post_zoom(client, events[0])
    assert services.refresh_presence(meeting) is False
    by_name = {p.label: p for p in selectors.attendance(meeting)}
    assert by_name["山田 太郎"].attendance.long_drops == 1
    assert by_name["佐藤 花子"].attendance.late and by_name["佐藤 花子"].attendance.left_early
    assert by_name["鈴木 一郎"].attendance.absent_entirely


@pytest.mark.parametrize("name", ["山田\u0000太郎", "山田\ud800", "\u001b[31m山田"])
def test_an_event_with_text_that_cannot_be_stored_is_refused_and_nothing_kept(
    client, meeting, name
) -> None:
    # Kept whole in the database, such an event answered 500 (NUL, or a \ud800 escape).
    body = json.dumps(zoom_event("join", name=name, at=START)).encode()  # \u escapes
    response = client.post(
        "/meetings/hooks/zoom/main/",
        data=body,
        content_type="application/json",
        **signed_headers(body),
    )
    assert response.status_code == 400
    assert not AttendanceEvent.objects.exists()

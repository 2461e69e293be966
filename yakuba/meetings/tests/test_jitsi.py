"""Jitsi prosody event_sync endpoints, authenticated by a shared header token."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from yakuba.meetings import selectors, services
from yakuba.meetings.models import AttendanceEvent, Platform
from yakuba.meetings.tests.factories import START, make_meeting

TOKEN = "jitsi-shared-token"


@pytest.fixture
def meeting(org, make_user):
    services.create_jitsi_endpoint(actor=None, name="jitsi", token=TOKEN)
    organiser = make_user("staff", username="organiser")
    return make_meeting(org, organiser, platform=Platform.JITSI, platform_meeting_id="kanai-kaigi")


def post(client, path: str, payload, token: str = TOKEN):
    return client.post(
        f"/meetings/hooks/jitsi/events/{path}",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def epoch(minutes: int) -> int:
    return int((START + dt.timedelta(minutes=minutes)).timestamp())


def occupant(name: str, email: str, joined: int, left: int | None = None) -> dict:
    data = {"occupant_jid": f"{name}@meet/abc", "name": name, "email": email, "joined_at": joined}
    if left is not None:
        data["left_at"] = left
    return data


def test_token_required(client, meeting) -> None:
    body = {"room_name": "kanai-kaigi@conference.meet", "occupant": occupant("a", "", epoch(0))}
    assert post(client, "occupant/joined", body, token="wrong").status_code == 401
    r = client.post(
        "/meetings/hooks/jitsi/events/occupant/joined", data="{}", content_type="application/json"
    )
    assert r.status_code == 401
    assert not AttendanceEvent.objects.exists()
    assert post(client, "room/joined", body).status_code == 404
    assert post(client, "occupant/joined", {"room_name": 5}).status_code == 400


def test_joined_left_destroyed(client, meeting, org) -> None:
    room = "kanai-kaigi@conference.meet"
    yamada = occupant("山田 太郎", "s1001@example.jp", epoch(0))
    assert (
        post(client, "occupant/joined", {"room_name": room, "occupant": yamada}).status_code == 200
    )
    left = occupant("山田 太郎", "s1001@example.jp", epoch(0), epoch(15))
    assert post(client, "occupant/left", {"room_name": room, "occupant": left}).json() == {
        "stored": 1,
        "duplicates": 1,
    }
    back = occupant("山田 太郎", "s1001@example.jp", epoch(18), epoch(60))
    guest = occupant("来庁者", "", epoch(5), epoch(50))
    r = post(client, "room/destroyed", {"room_name": room, "all_occupants": [left, back, guest]})
    assert r.status_code == 200
    services.refresh_presence(meeting)
    rows = {p.label: p for p in selectors.attendance(meeting)}
    assert rows["山田 太郎"].attendance.long_drops == 1
    assert rows["来庁者"].staff is None


def test_an_event_with_a_control_character_is_refused_and_nothing_kept(client, meeting) -> None:
    room = "kanai-kaigi@conference.meet"
    nul = occupant("山田\x00太郎", "s1001@example.jp", epoch(0))
    response = post(client, "occupant/joined", {"room_name": room, "occupant": nul})
    assert response.status_code == 400
    assert not AttendanceEvent.objects.exists()

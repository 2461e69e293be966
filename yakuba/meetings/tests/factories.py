"""Objects the tests and the authorization matrix need for meeting URLs (made on demand)."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.meetings import services, zoom
from yakuba.meetings.models import CatchUp, Meeting, Platform, ZoomAccount

START = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
ZOOM_SECRET = "test-zoom-secret"
ZOOM_MEETING_ID = "85012345678"


def make_meeting(
    org: dict[str, Any], organiser: User, *, invitees: list[Any] | None = None, **extra: Any
) -> Meeting:
    meeting = Meeting(
        title=extra.pop("title", "課内会議"),
        start=extra.pop("start", START),
        end=extra.pop("end", START + dt.timedelta(hours=1)),
        platform=extra.pop("platform", Platform.ZOOM),
        platform_meeting_id=extra.pop("platform_meeting_id", ZOOM_MEETING_ID),
        unit=extra.pop("unit", org["shimin"]),
        organiser=organiser,
        **extra,
    )
    meeting.save()
    people = invitees if invitees is not None else list(org["staff"].values())
    meeting.invited_staff.set(people)
    meeting.invitees.set(people)
    return meeting


def zoom_account(key: str = "main") -> ZoomAccount:
    existing = ZoomAccount.objects.filter(key=key).first()
    return existing or services.create_zoom_account(
        actor=None, name="Zoom", key=key, secret=ZOOM_SECRET
    )


def zoom_event(
    kind: str,
    *,
    name: str,
    email: str = "",
    at: dt.datetime,
    meeting_id: str = ZOOM_MEETING_ID,
    uuid: str = "",
) -> dict[str, Any]:
    participant: dict[str, Any] = {
        "user_id": "16778240",
        "user_name": name,
        "id": "",
        "participant_uuid": uuid,
        "email": email,
    }
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "join":
        participant["join_time"] = stamp
        event = "meeting.participant_joined"
    else:
        participant["leave_time"] = stamp
        participant["leave_reason"] = "left the meeting. Reason : Network connection error"
        event = "meeting.participant_left"
    return {
        "event": event,
        "event_ts": int(at.timestamp() * 1000),
        "payload": {
            "account_id": "AAAAAAAAA",
            "object": {
                "id": meeting_id,
                "uuid": "4444AAAiAAAAAiAiAiiAii==",
                "host_id": "x1yCzABCDEfg23HiJKl4mN",
                "topic": "課内会議",
                "type": 2,
                "start_time": "2026-11-20T10:00:00Z",
                "timezone": "Asia/Tokyo",
                "duration": 60,
                "participant": participant,
            },
        },
    }


def signed_headers(body: bytes, secret: str = ZOOM_SECRET, ts: int | None = None) -> dict[str, Any]:
    stamp = str(ts if ts is not None else int(time.time()))
    return {
        "HTTP_X_ZM_REQUEST_TIMESTAMP": stamp,
        "HTTP_X_ZM_SIGNATURE": zoom.signature(secret, stamp, body),
    }


def post_zoom(client: Any, payload: dict[str, Any], key: str = "main", **headers: str) -> Any:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return client.post(
        f"/meetings/hooks/zoom/{key}/",
        data=body,
        content_type="application/json",
        **(headers or signed_headers(body)),
    )


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    if "meetings" in objs:
        return objs["meetings"]
    org = objs["org"]
    organiser = User.objects.create_user("meeting-organiser", password=None, role="staff")
    meeting = make_meeting(org, organiser)
    zoom_account()
    catchup = CatchUp.objects.create(
        meeting=meeting,
        staff=org["staff"]["1001"],
        content={"absences": [], "items": []},
        sent_at=timezone.now(),
    )
    objs["meetings"] = {"meeting": meeting, "catchup": catchup}
    return objs["meetings"]


def connect(meeting: Meeting, staff: Any, *spans: tuple[float, float]) -> None:
    """Presence of `staff` for each (join, leave) minute offset from the meeting start."""
    from yakuba.meetings.models import PresenceInterval

    for join, leave in spans:
        PresenceInterval.objects.create(
            meeting=meeting,
            staff=staff,
            connection_key=f"k{staff.pk}",
            join=meeting.start + dt.timedelta(minutes=join),
            leave=meeting.start + dt.timedelta(minutes=leave),
            source="zoom",
        )


def quality_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A two-hour meeting three days ago with three people of 税務課 connected (one of them
    dropping often), so the connection-quality summary has a row to show."""
    if "quality" in objs:
        return objs["quality"]
    from yakuba.org.models import Staff

    org = objs["org"]
    organiser = User.objects.create_user("quality-organiser", password=None, role="staff")
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)
    people = [org["staff"]["2001"]] + [
        Staff.objects.create(
            staff_number=f"78{i:02d}", name=f"接続 {i}", name_kana="セツゾク", unit=org["zeimu"]
        )
        for i in range(2)
    ]
    meeting = make_meeting(
        org,
        organiser,
        invitees=people,
        title="税務課 定例",
        start=start,
        end=start + dt.timedelta(hours=2),
        unit=org["zeimu"],
        platform_meeting_id="",
    )
    # Five one-minute drops in 115 connected minutes: 2.6 per hour.
    connect(meeting, people[0], (0, 20), (21, 40), (41, 60), (61, 80), (81, 100), (101, 120))
    connect(meeting, people[1], (0, 120))
    connect(meeting, people[2], (0, 60), (61, 120))
    objs["quality"] = {"meeting": meeting, "people": people}
    return objs["quality"]

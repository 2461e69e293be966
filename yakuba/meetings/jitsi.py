"""Jitsi Meet: the prosody ``event_sync`` POSTs (occupant joined/left, room destroyed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from yakuba.meetings.zoom import Malformed, normalise_meeting_id, person_key

MAX_BODY_BYTES = 256 * 1024
KINDS = ("occupant-joined", "occupant-left", "room-destroyed")


@dataclass(frozen=True)
class Point:
    kind: str  # "join" | "leave"
    room: str
    at: dt.datetime
    name: str
    email: str
    person_key: str
    dedup_key: str


def _epoch(value: Any) -> dt.datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not 0 < value < 10**11:
        return None
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)


def _room(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Malformed("room")
    # "room@conference.example" → "room", normalised as the meeting's ID is.
    return normalise_meeting_id(value.strip().split("@", 1)[0][:200])


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _occupant(room: str, occupant: Any, with_leave: bool) -> list[Point]:
    if not isinstance(occupant, dict):
        raise Malformed("occupant")
    name, email, jid = (_string(occupant.get(k)) for k in ("name", "email", "occupant_jid"))
    name, email = name.strip()[:200], email.strip()[:200]
    if not name and not email:
        raise Malformed("occupant")
    key = person_key(name, email)[:200]
    points = []
    for kind, field in (("join", "joined_at"), ("leave", "left_at")):
        if kind == "leave" and not with_leave:
            continue
        at = _epoch(occupant.get(field))
        if at is None:
            if kind == "join" and not with_leave:
                raise Malformed("time")
            continue
        digest = hashlib.sha256(
            json.dumps(["jitsi", kind, room, key, jid[:200], at.isoformat()]).encode()
        ).hexdigest()
        points.append(Point(kind, room, at, name, email, key, digest))
    return points


def parse(kind: str, data: Any) -> list[Point]:
    if not isinstance(data, dict):
        raise Malformed("body")
    room = _room(data.get("room_name"))
    if kind == "occupant-joined":
        return _occupant(room, data.get("occupant"), with_leave=False)
    if kind == "occupant-left":
        return _occupant(room, data.get("occupant"), with_leave=True)
    occupants = data.get("all_occupants")
    if not isinstance(occupants, list):
        raise Malformed("occupants")
    points: list[Point] = []
    for occupant in occupants[:1000]:
        points.extend(_occupant(room, occupant, with_leave=True))
    return points

"""Zoom webhooks: signature, URL validation and the participant events.

``x-zm-signature`` must equal ``v0=`` + hex HMAC-SHA256(secret, ``v0:{ts}:{raw body}``),
with ``x-zm-request-timestamp`` within five minutes of now. Nothing is read or stored
before that passes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

MAX_AGE_SECONDS = 300
MAX_BODY_BYTES = 64 * 1024
PARTICIPANT_EVENTS = {"meeting.participant_joined": "join", "meeting.participant_left": "leave"}
# What people type between the digit groups: spaces (also full-width), hyphens and dashes
# of every kind, and the long-vowel mark a Japanese input method gives for "-".
_ID_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70]+")
_DIGITS = re.compile(r"[0-9]+")


def normalise_meeting_id(value: Any) -> str:
    """A meeting ID as Zoom displays it ("850 1234 5678", "850-1234-5678", full-width
    "８５０…") → its digits ("85012345678"), as the webhooks send it. Anything else (a
    Jitsi room name) is only trimmed. Applied to what is typed and to every incoming
    event alike, so the two always compare equal."""
    if value is None:
        return ""
    text = str(value).strip()
    compact = _ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return compact if _DIGITS.fullmatch(compact) else text


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, sig: str, body: bytes, now: float | None = None) -> bool:
    if not secret or not timestamp.isdigit() or len(timestamp) > 15 or not sig:
        return False
    current = now if now is not None else time.time()
    stamp = int(timestamp)
    if stamp > 10**11:  # milliseconds
        stamp //= 1000
    if abs(current - stamp) > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(
        signature(secret, timestamp, body).encode(), sig.encode("utf-8", "replace")
    )


def url_validation(secret: str, plain_token: str) -> dict[str, str]:
    encrypted = hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}


class Malformed(ValueError):
    pass


@dataclass(frozen=True)
class ParticipantEvent:
    kind: str  # "join" | "leave"
    room: str
    at: dt.datetime
    name: str
    email: str
    person_key: str
    dedup_key: str


def parse_time(value: Any) -> dt.datetime:
    if not isinstance(value, str) or not value or len(value) > 40:
        raise Malformed("time")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Malformed("time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def person_key(name: str, email: str) -> str:
    if email:
        return "e:" + email.strip().lower()
    return "n:" + "".join(name.split()).lower()


def _text(value: Any, limit: int = 200) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def parse_participant(data: dict[str, Any]) -> ParticipantEvent:
    """The participant event in `data` (already JSON-decoded); raises Malformed."""
    kind = PARTICIPANT_EVENTS.get(data.get("event", ""))
    payload = data.get("payload")
    obj = payload.get("object") if isinstance(payload, dict) else None
    participant = obj.get("participant") if isinstance(obj, dict) else None
    if kind is None or not isinstance(obj, dict) or not isinstance(participant, dict):
        raise Malformed("event")
    room = obj.get("id")
    if isinstance(room, int) and not isinstance(room, bool):
        room = str(room)
    if not isinstance(room, str) or not room.strip():
        raise Malformed("meeting id")
    room = normalise_meeting_id(room)
    at = parse_time(participant.get("join_time" if kind == "join" else "leave_time"))
    name = _text(participant.get("user_name"))
    email = _text(participant.get("email"))
    if not name and not email:
        raise Malformed("participant")
    key = person_key(name, email)
    connection = _text(participant.get("participant_uuid")) or _text(participant.get("id"))
    digest = hashlib.sha256(
        json.dumps(
            ["zoom", kind, room.strip(), _text(obj.get("uuid")), key, connection, at.isoformat()],
            ensure_ascii=False,
        ).encode()
    ).hexdigest()
    return ParticipantEvent(kind, room.strip()[:200], at, name, email, key[:200], digest)

"""Link tokens and Message-IDs: unguessable, and saying nothing about the person.

A token is 128 random bits (``secrets.token_urlsafe(16)``), issued when a mail is about
to be sent; only HMAC-SHA256(key, token) is stored, with a key derived from SECRET_KEY
for this purpose alone. A copy of the database is therefore not enough to forge an open,
a click or a report, and the token carries no id, name or drill number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

from yakuba.drills.models import DrillRecipient, DrillToken

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def digest(token: str) -> str:
    return salted_hmac("yakuba.drills.token", token, algorithm="sha256").hexdigest()


def issue(recipient: DrillRecipient) -> str:
    """A new token for `recipient` (in the caller's transaction); returns the raw token."""
    token = secrets.token_urlsafe(16)
    DrillToken.objects.create(recipient=recipient, digest=digest(token))
    return token


def well_formed(token: str) -> bool:
    return bool(_TOKEN.match(token or ""))


def recipient_for(token: str) -> DrillRecipient | None:
    """The recipient a token was issued to, with the drill (one query), or None."""
    if not well_formed(token):
        return None
    found = (
        DrillToken.objects.filter(digest=digest(token)).select_related("recipient__drill").first()
    )
    return found.recipient if found is not None else None


def message_id(recipient_id: int) -> str:
    """The same Message-ID on every attempt for one recipient: a copy sent again after an
    unknown outcome is recognisably the same message. Opaque, so the header does not give
    the drill away."""
    key = settings.SECRET_KEY.encode()
    opaque = hmac.new(key, f"drills.message:{recipient_id}".encode(), hashlib.sha256)
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("<> ") or "localhost"
    return f"<{opaque.hexdigest()[:32]}@{domain}>"

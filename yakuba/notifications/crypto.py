"""Encryption of stored secrets (chat webhook URLs).

A webhook URL is a bearer credential: anyone holding it can post to the channel.
The key is derived from SECRET_KEY with HKDF so no second secret has to be managed;
rotating SECRET_KEY makes stored URLs unreadable (they must then be entered again),
which `decrypt` reports as None rather than crashing the digest.
"""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_SALT = b"yakuba.notifications"
_INFO = b"chat-webhook-url/v1"


@cache
def _fernet(secret_key: str) -> Fernet:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(raw))


def encrypt(value: str) -> str:
    return _fernet(settings.SECRET_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str | None:
    try:
        return _fernet(settings.SECRET_KEY).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def mask_url(url: str) -> str:
    """What may be shown back: scheme and host plus the last four characters."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    tail = url[-4:] if len(url) > 12 else ""
    return f"{scheme}://{host}/…{tail}"

"""The unread-notice count for the header badge (one COUNT query per page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yakuba.notifications.selectors import unread_count


def unread_notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notice_count": unread_count(user)}

"""The notices' home-page panel: the latest unread notices, how many, and the inbox.

Two queries whatever the number of notices: the latest few unread, and how many.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from yakuba.core.panels import Panel, register

NOTICES_SHOWN = 3


def notices_panel(request: HttpRequest) -> dict[str, Any] | None:
    from yakuba.notifications.selectors import notices_for

    unread = notices_for(request.user).filter(read_at__isnull=True)
    latest = list(unread.order_by("-created_at", "-pk")[:NOTICES_SHOWN])
    if not latest:
        return None
    count = unread.count()
    return {
        "notices": latest,
        "count": count,
        "more": count - NOTICES_SHOWN,
        "today": timezone.localdate(),
    }


NOTICES = register(
    Panel(
        name="notifications.unread",
        order=50,
        template="notifications/panels/unread.html",
        context=notices_panel,
    )
)

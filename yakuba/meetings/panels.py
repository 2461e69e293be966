"""The meetings' home-page panel: catch-ups I have not acknowledged yet and the meetings
still ahead of me today (invited, hosting or organising).

Three queries whatever the number of meetings or catch-ups: the latest unacknowledged
catch-ups, how many there are, and today's remaining meetings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from yakuba.core.panels import Panel, register

CATCHUPS_SHOWN = 5
MEETINGS_SHOWN = 5


def meetings_panel(request: HttpRequest) -> dict[str, Any] | None:
    from yakuba.meetings.selectors import my_catchups, visible_meetings

    user = request.user
    staff = getattr(user, "staff", None)
    pending = my_catchups(user).filter(acknowledged_at__isnull=True)
    catchups = list(pending.order_by("-meeting__start", "-pk")[:CATCHUPS_SHOWN])
    catchup_count = pending.count() if catchups else 0
    now = timezone.now()
    midnight = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time())
    )
    mine = Q(organiser=user)
    if staff is not None:
        mine |= Q(invitees=staff) | Q(host=staff)
    meetings = list(
        visible_meetings(user)
        .filter(mine, end__gt=now, start__lt=midnight)
        .order_by("start", "pk")[:MEETINGS_SHOWN]
    )
    if not catchups and not meetings:
        return None
    return {
        "catchups": catchups,
        "catchup_count": catchup_count,
        "catchups_more": catchup_count - len(catchups),
        "meetings": [{"meeting": m, "now": m.start <= now} for m in meetings],
    }


MEETINGS = register(
    Panel(
        name="meetings.today",
        order=40,
        template="meetings/panels/today.html",
        context=meetings_panel,
    )
)

"""Meetings' periodic job, registered with the core scheduler: the daily connection-quality
nudge (from ``MEETINGS_QUALITY_NUDGE_HOUR``, once a day; nobody is nudged twice within
the interval, see `quality.services.send_nudges`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set

from django.utils import timezone

from yakuba.core.scheduling import Due, Job, register


def due_nudges(now: dt.datetime, claimed: Set[str]) -> Iterable[Due]:
    from yakuba.meetings.quality.services import nudge_due

    if not nudge_due(now):
        return []
    day = timezone.localdate(now).isoformat()
    return [Due(day, (day,))]


def send_nudges(day: str) -> int:
    from yakuba.meetings.quality.services import send_nudges

    return send_nudges()


NUDGES = register(
    Job(
        name="meetings.connection_quality_nudges",  # quality.services.NUDGES_JOB
        due=due_nudges,
        run=send_nudges,
        description="nudge people whose connection kept dropping in meetings",
    )
)

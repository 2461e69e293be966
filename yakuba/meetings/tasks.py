"""Background work for meetings (django-tasks); tasks take ids, never objects."""

from __future__ import annotations

from django_tasks import task


@task()
def send_catchups(meeting_id: int) -> int:
    from yakuba.meetings.services import compute_and_send_catchups

    return compute_and_send_catchups(meeting_id)


@task()
def nudge_connection_quality(day: str) -> int:
    """The daily run (`day`, ISO date, only labels it): nudge people whose connection kept
    dropping in meetings. Safe to run again: nobody is nudged twice within the interval."""
    from yakuba.meetings.quality_services import send_nudges

    return send_nudges()

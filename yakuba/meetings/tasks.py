"""Background work for meetings (django-tasks); tasks take ids, never objects."""

from __future__ import annotations

from django_tasks import task


@task()
def send_catchups(meeting_id: int) -> int:
    from yakuba.meetings.services import compute_and_send_catchups

    return compute_and_send_catchups(meeting_id)

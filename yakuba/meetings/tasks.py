"""Background work for meetings (django-tasks); tasks take ids, never objects."""

from __future__ import annotations

from django_tasks import task


@task()
def send_catchups(meeting_id: int) -> int:
    from yakuba.meetings.services import compute_and_send_catchups

    return compute_and_send_catchups(meeting_id)


@task()
def refresh_meeting_presence(meeting_id: int) -> bool:
    """Re-derive one meeting's presence from its raw events (asked for by the webhooks and
    by a change of the meeting's ID or times); nothing happens when none arrived since."""
    from yakuba.meetings.models import Meeting
    from yakuba.meetings.services import refresh_presence

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return meeting is not None and refresh_presence(meeting)

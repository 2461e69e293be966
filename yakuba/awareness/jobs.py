"""The weekly job: new questions for each person, once a week, through the core scheduler.

``awareness.weekly``: from `INTRODUCE_AT` on each day of the week, a claim per person and
week (key ``<staff id>:<Monday>``) — like the morning report's per unit and day — so each
person is handled once a week, a restart or a second scheduler claims nothing twice, and
someone who joins mid-week is handled at the next tick. `services.introduce_week` is
itself idempotent (it counts the questions already due), so a claim run twice adds
nothing. Nothing is claimed while the bank has no question in use: loading it mid-week
starts the weekly questions at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Set

from django.utils import timezone

from yakuba.core.scheduling import Due, Job, register

INTRODUCE_AT = dt.time(6, 0)


def step_key(staff_id: int, monday: dt.date) -> str:
    return f"{staff_id}:{monday.isoformat()}"


def due_people(now: dt.datetime, claimed: Set[str]) -> Iterator[Due]:
    from yakuba.awareness.models import Question
    from yakuba.awareness.weekly import week_start
    from yakuba.org.models import Staff

    local = timezone.localtime(now)
    if local.time() < INTRODUCE_AT:
        return
    if not Question.objects.filter(active=True).exists():
        return
    monday = week_start(local.date())
    people = Staff.objects.filter(active=True, user__is_active=True).values_list("pk", flat=True)
    for staff_id in people.order_by("pk"):
        key = step_key(staff_id, monday)
        if key not in claimed:
            yield Due(key, (staff_id, monday.isoformat()))


def run_person(staff_id: int, monday: str) -> None:
    from yakuba.awareness.services import introduce_week

    now = timezone.now()
    if timezone.localdate(now) - dt.date.fromisoformat(monday) >= dt.timedelta(days=7):
        return  # a claim of a past week run late: next week's claim does the work
    introduce_week(staff_id, now)


WEEKLY = register(
    Job(
        name="awareness.weekly",
        due=due_people,
        run=run_person,
        description="new questions for each person, once a week (claim per person and week)",
        # The claims of the whole week must be remembered, or a person would be claimed
        # again on Thursday.
        memory=dt.timedelta(days=8),
    )
)

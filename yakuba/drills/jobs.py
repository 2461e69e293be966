"""Scheduler jobs: release the drill mails whose time has come; end drills at their end.

Both are idempotent: a released row is claimed again by the send task before anything is
sent (`sending.send_batch`), and `services.finish` does nothing for an ended drill. The
release key is the second of the tick, proposed only while something waits, so every
scheduler tick releases what is due (retries come back within a tick of their backoff).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Set

from django.utils import timezone

from yakuba.core.scheduling import Due, Job, register
from yakuba.drills.models import Drill, DrillRecipient, SendStatus
from yakuba.drills.sending import SEND_LEASE, release_due, waiting_filter


def due_releases(now: dt.datetime, claimed: Set[str]) -> Iterator[Due]:
    waiting = DrillRecipient.objects.filter(waiting_filter(now)).exists()
    lost = DrillRecipient.objects.filter(
        status=SendStatus.SENDING, sending_since__lt=now - SEND_LEASE
    ).exists()
    if waiting or lost:
        yield Due(f"{timezone.localtime(now):%Y-%m-%dT%H:%M:%S}", (now.isoformat(),))


def run_release(at: str) -> None:
    # The tick's time, not the worker's: a step run late releases what was due then and
    # whatever the next tick finds.
    release_due(max(dt.datetime.fromisoformat(at), timezone.now()))


def due_finishes(now: dt.datetime, claimed: Set[str]) -> Iterator[Due]:
    ended = Drill.objects.filter(
        launched_at__isnull=False, finished_at__isnull=True, ends_at__lte=now
    ).values_list("pk", flat=True)
    for pk in ended:
        yield Due(f"finish:{pk}", (pk,))


def run_finish(drill_id: int) -> None:
    from yakuba.drills.services import finish

    drill = Drill.objects.filter(pk=drill_id).first()
    if drill is not None:
        finish(actor=None, drill=drill)


RELEASE = register(
    Job(
        name="drills.release",
        due=due_releases,
        run=run_release,
        description="hand the drill mails whose send time (or retry time) has come to tasks",
        memory=dt.timedelta(hours=1),
        keep=dt.timedelta(days=2),
    )
)
FINISH = register(
    Job(
        name="drills.finish",
        due=due_finishes,
        run=run_finish,
        description="end drills at their end date and assign the follow-up lesson once",
    )
)

"""Periodic jobs: apps register them, one scheduler claims and enqueues them.

A capability that must do something at a time of day (open the morning-report window,
send a nudge, purge old data) registers a `Job` from its ``AppConfig.ready()``::

    scheduling.register(Job(name="dailyreports.window", due=due_steps, run=run_step))

``due(now, claimed)`` says which steps are due at ``now``, each with a *claim key* and
JSON arguments (``claimed`` holds the keys this job claimed recently, so a step is not
proposed again); ``run(*args)`` does the work in the task worker.

Why claims and not timers: `tick` inserts one `JobClaim` row per (job, key) before it
enqueues the step. The row survives restarts (a scheduler started at 10:00 still closes
the 8:45 window) and its unique constraint makes a second scheduler, or a second tick, a
no-op. A worker killed mid-step leaves its task RUNNING; `yakuba.core.workers` notices
the worker is gone (no heartbeat, or no process) and puts that same task back in the queue
within a minute. A claim whose task never finished for another reason (the enqueue was lost,
the task failed) is enqueued again after ``stale_after``, at most ``max_attempts`` times;
jobs are idempotent, so a step run twice does its work once. `manage.py run_scheduler` (started by
``make run``) calls `tick` every ``SCHEDULER_INTERVAL_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from yakuba.core.registry import Registry
from yakuba.core.system_actor import acting_as

logger = logging.getLogger(__name__)


class Due(NamedTuple):
    key: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Job:
    name: str
    due: Callable[[dt.datetime, Set[str]], Iterable[Due]]
    run: Callable[..., Any]
    description: str = ""
    # How far back `claimed` (the keys already claimed) reaches, and how long an
    # unfinished claim may stay before it is enqueued again.
    memory: dt.timedelta = dt.timedelta(days=2)
    stale_after: dt.timedelta = dt.timedelta(minutes=15)
    max_attempts: int = 5
    # How long the claims of this job are kept (`core.purge_claims`).
    keep: dt.timedelta = dt.timedelta(days=60)


_REGISTRY: Registry[Job] = Registry("a job", name=lambda j: j.name, order=lambda j: j.name)
_JOBS = _REGISTRY.items
register = _REGISTRY.register
registered = _REGISTRY.registered
get_job = _REGISTRY.get


@dataclass
class TickResult:
    claimed: list[tuple[str, str]] = field(default_factory=list)  # (job, key)
    requeued: int = 0
    failed_jobs: list[str] = field(default_factory=list)

    def keys(self, job: str) -> list[str]:
        return [key for name, key in self.claimed if name == job]


def _enqueue(claim_id: int) -> None:
    from yakuba.core.tasks import run_job

    run_job.enqueue(claim_id)


def _claim(job: Job, due: Due, now: dt.datetime) -> int | None:
    from yakuba.core.models import JobClaim

    try:
        with transaction.atomic():
            claim = JobClaim.objects.create(
                job=job.name, key=due.key[:200], args=list(due.args), claimed_at=now
            )
    except IntegrityError:
        return None
    return claim.pk


def tick(now: dt.datetime | None = None, jobs: Iterable[Job] | None = None) -> TickResult:
    """Claim and enqueue every step due at ``now``; enqueue stale claims again."""
    from yakuba.core.models import JobClaim

    now = now or timezone.now()
    result = TickResult()
    for job in list(jobs) if jobs is not None else registered():
        claimed = set(
            JobClaim.objects.filter(job=job.name, claimed_at__gte=now - job.memory).values_list(
                "key", flat=True
            )
        )
        try:
            due_steps = list(job.due(now, frozenset(claimed)))
        except Exception:  # one broken job must not stop the others
            logger.exception("scheduler: job %s failed to say what is due", job.name)
            result.failed_jobs.append(job.name)
            continue
        for due in due_steps:
            if due.key in claimed:
                continue
            claim_id = _claim(job, due, now)
            if claim_id is not None:
                claimed.add(due.key)
                transaction.on_commit(functools.partial(_enqueue, claim_id))
                result.claimed.append((job.name, due.key))
        stale = JobClaim.objects.filter(
            job=job.name,
            finished_at__isnull=True,
            claimed_at__lt=now - job.stale_after,
            claimed_at__gte=now - job.memory,
            attempts__lt=job.max_attempts,
        ).values_list("pk", flat=True)
        for claim_id in list(stale):
            # Refresh the claim time so it is not picked up again at every tick.
            JobClaim.objects.filter(pk=claim_id).update(claimed_at=now)
            _enqueue(claim_id)
            result.requeued += 1
    if result.claimed:
        logger.info("scheduler claimed %s", result.claimed)
    return result


def run_claim(claim_id: int) -> bool:
    """Run one claimed step (called by the task). Returns False if there was nothing to do
    (already finished, e.g. a task delivered twice)."""
    from yakuba.core.models import JobClaim

    with transaction.atomic():
        claim = JobClaim.objects.select_for_update().filter(pk=claim_id).first()
        if claim is None or claim.finished_at is not None:
            return False
        claim.attempts += 1
        claim.save(update_fields=["attempts"])
    job = get_job(claim.job)
    try:
        with acting_as(job.name):
            job.run(*claim.args)
    except Exception as exc:
        JobClaim.objects.filter(pk=claim_id).update(last_error=repr(exc)[:300])
        raise
    JobClaim.objects.filter(pk=claim_id).update(finished_at=timezone.now(), last_error="")
    return True


def daily(
    *, at: dt.time = dt.time(0, 0), when: Callable[[dt.date], bool] | None = None
) -> Callable[[dt.datetime, Set[str]], Iterable[Due]]:
    """A ``due`` function for a job that runs once a day from ``at`` (local time), on the
    days ``when`` allows; its key and only argument are the ISO date."""

    def due(now: dt.datetime, claimed: Set[str]) -> Iterable[Due]:
        local = timezone.localtime(now)
        day = local.date()
        if local.time() < at or (when is not None and not when(day)):
            return []
        return [Due(day.isoformat(), (day.isoformat(),))]

    return due


def every_minute(now: dt.datetime, claimed: Set[str]) -> Iterable[Due]:
    """A ``due`` function for a job that runs once a minute; key: the local minute."""
    return [Due(f"{timezone.localtime(now):%Y-%m-%dT%H:%M}")]

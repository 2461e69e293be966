"""Background work of the platform itself (django-tasks; ids only)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from yakuba.core import scheduling


@task()
def run_job(claim_id: int) -> bool:
    """One claimed step of a registered periodic job (`yakuba.core.scheduling`)."""
    return scheduling.run_claim(claim_id)


def purge_finished_claims(day: str) -> int:
    """Claims older than their job's ``keep`` (60 days unless the job says less) are history
    nobody reads; keep the table small."""
    from yakuba.core.models import JobClaim

    now = timezone.now()
    deleted = 0
    for job in scheduling.registered():
        gone, _ = JobClaim.objects.filter(job=job.name, claimed_at__lt=now - job.keep).delete()
        deleted += gone
    # Claims of jobs no longer registered (an app removed) go after the default 60 days.
    names = [job.name for job in scheduling.registered()]
    gone, _ = (
        JobClaim.objects.exclude(job__in=names)
        .filter(claimed_at__lt=now - dt.timedelta(days=60))
        .delete()
    )
    return deleted + gone


def recover_tasks() -> dict[str, int]:
    """Requeue the tasks of killed workers (see `yakuba.core.workers`)."""
    from yakuba.core import workers

    return workers.recover_tasks()


scheduling.register(
    scheduling.Job(
        name="core.purge_claims",
        due=scheduling.daily(at=dt.time(3, 0)),
        run=purge_finished_claims,
        description="delete scheduler claims older than 60 days",
    )
)

scheduling.register(
    scheduling.Job(
        name="core.recover_tasks",
        due=scheduling.every_minute,
        run=recover_tasks,
        description="put back in the queue the tasks of task workers that died",
        memory=dt.timedelta(minutes=10),
        stale_after=dt.timedelta(minutes=2),
        keep=dt.timedelta(days=1),
    )
)

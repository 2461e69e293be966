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
    """Claims older than 60 days are history nobody reads; keep the table small."""
    from yakuba.core.models import JobClaim

    cutoff = timezone.now() - dt.timedelta(days=60)
    deleted, _ = JobClaim.objects.filter(claimed_at__lt=cutoff).delete()
    return deleted


scheduling.register(
    scheduling.Job(
        name="core.purge_claims",
        due=scheduling.daily(at=dt.time(3, 0)),
        run=purge_finished_claims,
        description="delete scheduler claims older than 60 days",
    )
)

"""Scheduled steps as tasks (ids and ISO dates only; the scheduler claims before enqueuing)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from yakuba.dailyreports import digest, services
from yakuba.dailyreports.models import RunKind, ScheduledRun


@task()
def run_step(run_id: int) -> None:
    run = ScheduledRun.objects.select_related("unit").get(pk=run_id)
    if run.finished_at is not None:
        return
    if run.kind == RunKind.CLOSE:
        digest.close_window(run.unit, run.date, base_url=settings.YAKUBA_BASE_URL)
    else:
        digest.send_reminders(run.unit, run.date, closing=run.kind == RunKind.REMIND)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])


@task()
def purge_health(day: str) -> None:
    services.purge_health_checks(dt.date.fromisoformat(day))

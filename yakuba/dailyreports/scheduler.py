"""The report scheduler: one `tick` decides which window steps are due and claims each
(unit, date, kind) in `ScheduledRun` before enqueuing it.

Why a claim table and not timers: the claim row survives restarts (a scheduler started at
10:00 still closes the 8:45 window, but does not send an "opening" reminder after the
close), and its unique constraint makes a second scheduler, or a second tick, a no-op.
`manage.py run_scheduler` calls `tick` every SCHEDULER_INTERVAL_SECONDS.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from yakuba.dailyreports import window as win
from yakuba.dailyreports.models import ReportWindow, RunKind, ScheduledRun
from yakuba.notifications.services import enqueue_due_retries

logger = logging.getLogger(__name__)

# A claimed step whose task never finished (worker killed) is enqueued again after this.
STALE_CLAIM = dt.timedelta(minutes=15)


@dataclass
class TickResult:
    claimed: list[tuple[int, str, str]] = field(default_factory=list)
    requeued: int = 0
    retries: int = 0


def _claim(window: ReportWindow, day: dt.date, kind: str) -> ScheduledRun | None:
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(unit_id=window.unit_id, date=day, kind=kind)
    except IntegrityError:
        return None


def _enqueue(run_id: int) -> None:
    from yakuba.dailyreports.tasks import run_step

    run_step.enqueue(run_id)


def tick(now: dt.datetime | None = None) -> TickResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = TickResult()
    windows = ReportWindow.objects.filter(enabled=True).only(
        "unit_id", "enabled", "opens_at", "closes_at", "reminder_minutes", "workdays",
        "work_on_holidays",
    )  # fmt: skip
    # Claims already made (read once): re-trying their INSERT every tick would be wasted work.
    done = set(
        ScheduledRun.objects.filter(date__gte=today - dt.timedelta(days=1)).values_list(
            "unit_id", "date", "kind"
        )
    )
    for window in windows:
        for day in (today - dt.timedelta(days=1), today):
            times = win.due_times(window, day)
            if day != today:
                # Yesterday's close is caught up only if that window was running (its opening
                # was claimed): the scheduler was down over the close, not newly installed.
                started = (window.unit_id, day, RunKind.OPEN) in done
                times = {RunKind.CLOSE: times[RunKind.CLOSE]} if started and times else {}
            close = times.get(RunKind.CLOSE)
            for kind, at in times.items():
                if at > now:
                    continue
                if kind != RunKind.CLOSE and close is not None and now >= close:
                    continue  # a reminder after the close would only confuse
                if (window.unit_id, day, kind) in done:
                    continue
                run = _claim(window, day, kind)
                if run is not None:
                    transaction.on_commit(lambda pk=run.pk: _enqueue(pk))
                    result.claimed.append((window.unit_id, day.isoformat(), kind))
    stale = ScheduledRun.objects.filter(
        finished_at__isnull=True,
        claimed_at__lt=now - STALE_CLAIM,
        date__gte=today - dt.timedelta(days=1),
    )
    for run in stale:
        # Re-enqueue; refresh the claim time so it is not picked up again every tick.
        ScheduledRun.objects.filter(pk=run.pk).update(claimed_at=now)
        _enqueue(run.pk)
        result.requeued += 1
    result.retries = enqueue_due_retries(now)
    if result.claimed:
        logger.info("scheduler claimed %s", result.claimed)
    return result

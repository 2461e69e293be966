"""The morning report's periodic jobs, registered with the core scheduler.

* ``dailyreports.window``: for each unit whose window is enabled, the opening reminder,
  the reminder before the close and the close (digest), each once per unit and day. Key:
  ``<unit id>:<date>:<open|remind|close>``.
* ``dailyreports.purge_health``: once a day, delete health checks past each unit's
  retention.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Set

from django.conf import settings
from django.utils import timezone

from yakuba.core.scheduling import Due, Job, daily, register
from yakuba.dailyreports import window as win
from yakuba.dailyreports.models import ReportWindow, RunKind


def step_key(unit_id: int, day: dt.date, kind: str) -> str:
    return f"{unit_id}:{day.isoformat()}:{kind}"


def due_window_steps(now: dt.datetime, claimed: Set[str]) -> Iterator[Due]:
    today = timezone.localdate(now)
    yesterday = today - dt.timedelta(days=1)
    windows = ReportWindow.objects.filter(enabled=True).only(
        "unit_id", "enabled", "opens_at", "closes_at", "reminder_minutes", "workdays",
        "work_on_holidays",
    )  # fmt: skip
    for window in windows:
        for day in (yesterday, today):
            times = win.due_times(window, day)
            if day != today:
                # Yesterday's close is caught up only if that window was running (its
                # opening was claimed): the scheduler was down over the close, not newly
                # installed.
                started = step_key(window.unit_id, day, RunKind.OPEN) in claimed
                times = {RunKind.CLOSE: times[RunKind.CLOSE]} if started and times else {}
            close = times.get(RunKind.CLOSE)
            for kind, at in times.items():
                if at > now:
                    continue
                if kind != RunKind.CLOSE and close is not None and now >= close:
                    continue  # a reminder after the close would only confuse
                yield Due(
                    step_key(window.unit_id, day, kind), (window.unit_id, day.isoformat(), kind)
                )


def run_window_step(unit_id: int, day: str, kind: str) -> None:
    from yakuba.dailyreports import digest
    from yakuba.org.models import Unit

    unit = Unit.objects.get(pk=unit_id)
    date = dt.date.fromisoformat(day)
    if kind == RunKind.CLOSE:
        digest.close_window(unit, date, base_url=settings.YAKUBA_BASE_URL)
    else:
        digest.send_reminders(unit, date, closing=kind == RunKind.REMIND)


def purge_health(day: str) -> int:
    from yakuba.dailyreports.services import purge_health_checks

    return purge_health_checks(dt.date.fromisoformat(day))


WINDOW_STEPS = register(
    Job(
        name="dailyreports.window",
        due=due_window_steps,
        run=run_window_step,
        description="morning-report window: opening reminder, reminder before the close, "
        "close and digest",
    )
)
PURGE_HEALTH = register(
    Job(
        name="dailyreports.purge_health",
        due=daily(),
        run=purge_health,
        description="delete health checks past each unit's retention",
    )
)

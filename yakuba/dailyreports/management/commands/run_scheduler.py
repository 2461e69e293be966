"""`manage.py run_scheduler`: the morning-report scheduler loop (started by `make run`).

Each tick claims due window steps (open / reminder / close) and enqueues them for the
task worker, re-enqueues chat deliveries whose retry time has come, and once a day purges
expired health checks and (from 9:00) sends the connection-quality nudges of meetings.
Safe to restart at any time and to run twice (claims are unique, nudges are stored).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from yakuba.dailyreports.scheduler import tick
from yakuba.dailyreports.tasks import purge_health
from yakuba.meetings.quality_services import nudge_due
from yakuba.meetings.tasks import nudge_connection_quality


class Command(BaseCommand):
    help = "Run the morning-report scheduler (open/remind/close/digest, retries, purge)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick, then exit")
        parser.add_argument("--interval", type=int, default=settings.SCHEDULER_INTERVAL_SECONDS)

    def handle(self, *args: object, **options: object) -> None:
        purged_on = nudged_on = None
        while True:
            result = tick()
            today = timezone.localdate()
            if purged_on != today:
                purge_health.enqueue(today.isoformat())
                purged_on = today
            if nudged_on != today and nudge_due():
                # Connection-quality nudges, once a day in working hours (idempotent).
                nudge_connection_quality.enqueue(today.isoformat())
                nudged_on = today
            if result.claimed or result.retries:
                self.stdout.write(
                    f"{timezone.localtime():%H:%M:%S} claimed {len(result.claimed)} step(s), "
                    f"{result.retries} retr{'y' if result.retries == 1 else 'ies'}"
                )
            if options["once"]:
                return
            time.sleep(max(1, int(options["interval"])))  # type: ignore[call-overload]

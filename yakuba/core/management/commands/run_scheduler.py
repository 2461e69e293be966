"""`manage.py run_scheduler`: the scheduler loop (started by `make run`).

Each tick asks every registered job (`yakuba.core.scheduling`) what is due, claims each
step and enqueues it for the task worker, and enqueues again the steps whose worker died.
Safe to restart at any time and to run twice (claims are unique).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from yakuba.core import scheduling


class Command(BaseCommand):
    help = "Run the scheduler: claim and enqueue the steps of every registered periodic job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick, then exit")
        parser.add_argument("--interval", type=int, default=settings.SCHEDULER_INTERVAL_SECONDS)
        parser.add_argument("--list", action="store_true", help="list the registered jobs")

    def handle(self, *args: object, **options: object) -> None:
        if options["list"]:
            for job in scheduling.registered():
                self.stdout.write(f"{job.name}\t{job.description}")
            return
        while True:
            result = scheduling.tick()
            if result.claimed or result.requeued:
                self.stdout.write(
                    f"{timezone.localtime():%H:%M:%S} claimed {len(result.claimed)} step(s), "
                    f"requeued {result.requeued}"
                )
            if options["once"]:
                return
            time.sleep(max(1, int(options["interval"])))  # type: ignore[call-overload]

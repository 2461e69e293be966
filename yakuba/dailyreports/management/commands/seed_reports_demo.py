"""`manage.py seed_reports_demo [--if-empty]`: morning-report demo data (see dailyreports.demo).

Run after `seed_demo`; `make run` calls it with --if-empty, which does nothing when any
unit already has a report window.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yakuba.dailyreports import demo
from yakuba.dailyreports.models import ReportWindow
from yakuba.org.models import Staff


class Command(BaseCommand):
    help = "Add morning-report demo data (windows, two weeks of reports, blockers, webhook)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="skip if windows exist")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if ReportWindow.objects.exists():
            if options["if_empty"]:
                return
            raise CommandError("report windows exist already; this command only fills empty data")
        if not Staff.objects.filter(user__username="demo-staff").exists():
            if options["if_empty"]:
                return
            raise CommandError("run `manage.py seed_demo` first (no demo city found)")
        result = demo.seed(options["seed"])
        self.stdout.write(
            f"Morning reports: {', '.join(result.units)}; {result.reports} past reports, "
            f"{result.blockers} blockers. Live window today: {result.live_window}. "
            f"Digests go to {demo.RECEIVER_URL} (run `manage.py chat_receiver` to see them)."
        )
        if result.colleague:
            self.stdout.write(
                f"A colleague to be reminded: {result.colleague}, signs in with the demo "
                "password above; Mattermost mentions use @midori.juki / @midori.colleague."
            )

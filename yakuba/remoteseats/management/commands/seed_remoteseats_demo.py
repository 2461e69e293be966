"""`manage.py seed_remoteseats_demo`: demo seat bookings and loaned terminals.

Run after `seed_rosters_demo` (`make run` does): the bookings use the roster's pools and
telework profiles. `rosters` never calls remoteseats, so this step is its own command.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yakuba.remoteseats.demo import seed_remoteseats_demo
from yakuba.remoteseats.models import LoanedTerminal


class Command(BaseCommand):
    help = "Demo remote seats: bookings for the coming days and a ledger of 8 loaned terminals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when terminals already exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and LoanedTerminal.objects.exists():
            self.stdout.write("リモート接続枠のデモデータは既にあるため省略しました（--if-empty）")
            return
        made = seed_remoteseats_demo()
        self.stdout.write(self.style.SUCCESS(f"リモート接続枠のデモデータを作成しました: {made}"))

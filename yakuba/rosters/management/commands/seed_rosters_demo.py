from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yakuba.rosters.demo import seed_rosters_demo
from yakuba.rosters.models import WorkActivity


class Command(BaseCommand):
    help = "Demo rosters for the demo city: set-up, 5 VPN seats, teams, requests, two rosters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when rosters are already set up"
        )
        parser.add_argument(
            "--time-limit", type=int, default=15, help="seconds per demo roster solve"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and WorkActivity.objects.exists():
            self.stdout.write("勤務表のデモ設定は既にあるため省略しました（--if-empty）")
            return
        made = seed_rosters_demo(time_limit=options["time_limit"])
        self.stdout.write(self.style.SUCCESS(f"勤務表のデモデータを作成しました: {made}"))

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yakuba.accounts.models import User
from yakuba.licences.demo import HEAD, seed_licences_demo
from yakuba.licences.models import Licence


class Command(BaseCommand):
    help = "Demo licences: six Zoom host licences (two idle) and a month of Zoom meetings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when licences already exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Licence.objects.exists():
            self.stdout.write("ライセンスのデモデータは既にあるため省略しました（--if-empty）")
            return
        if not User.objects.filter(username=HEAD).exists():
            raise CommandError("デモ市がありません。先に seed_demo を実行してください。")
        made = seed_licences_demo()
        self.stdout.write(self.style.SUCCESS(f"ライセンスのデモデータを作成しました: {made}"))

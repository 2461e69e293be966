from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yakuba.accounts.models import User
from yakuba.meetings.demo import ORGANISER, seed_meetings_demo
from yakuba.meetings.models import Meeting


class Command(BaseCommand):
    help = "Demo meetings: three past meetings with drops, minutes and catch-ups (one unread)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when meetings already exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Meeting.objects.exists():
            self.stdout.write("会議のデモデータは既にあるため省略しました（--if-empty）")
            return
        if not User.objects.filter(username=ORGANISER).exists():
            raise CommandError("デモ市がありません。先に seed_demo を実行してください。")
        made = seed_meetings_demo()
        self.stdout.write(self.style.SUCCESS(f"会議のデモデータを作成しました: {made}"))

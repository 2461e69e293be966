from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yakuba.search import services


class Command(BaseCommand):
    help = "検索索引を作り直す（登録された提供元のすべての文書）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", action="append", help="この提供元だけ（複数可）")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(name: str, result: services.RebuildResult) -> None:
            self.stdout.write(
                f"{name}: {result.objects} objects, {result.documents} documents, "
                f"{result.per_second:.0f} objects/s"
            )

        result = services.rebuild(
            names=options["provider"], batch_size=options["batch_size"], progress=progress
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"indexed {result.objects} objects ({result.documents} documents) in "
                f"{result.seconds:.1f} s: {result.per_second:.0f} objects/s"
            )
        )

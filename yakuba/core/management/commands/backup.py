"""`manage.py backup [--output DIR] [--keep N]`: one archive of the database and uploads.

Run it nightly (README, "Backups"). ``--keep N`` deletes all but the newest N archives in
the output directory after a successful backup.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yakuba.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database (consistent copy) and the uploaded files into one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=settings.VAR_DIR / "backups")
        parser.add_argument("--keep", type=int, default=0, help="keep only the newest N")

    def handle(self, *args: object, **options: object) -> None:
        output: Path = options["output"]  # type: ignore[assignment]
        try:
            result = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.path}  ({result.path.stat().st_size} bytes, "
            f"{len(result.manifest['members'])} member(s), {result.manifest['engine']})"
        )
        keep = int(options["keep"])  # type: ignore[call-overload]
        if keep > 0:
            archives = sorted(
                output.glob("yakuba-backup-*.tar.gz"), key=lambda a: a.stat().st_mtime_ns
            )
            for old in archives[:-keep]:
                old.unlink()
                self.stdout.write(f"removed {old.name}")

"""`manage.py restore ARCHIVE [--yes]`: replace the database and uploads from a backup.

Checks every checksum and refuses an archive of another schema version or database engine
before changing anything. Stop the web server and the task worker first.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yakuba.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a `manage.py backup` archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: object, **options: object) -> None:
        archive: Path = options["archive"]  # type: ignore[assignment]
        if not archive.is_file():
            raise CommandError(f"no such archive: {archive}")
        if not options["yes"]:
            answer = input(f"Replace ALL data of this site with {archive.name}? [yes/no] ")
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled")
        try:
            manifest = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {archive.name} (made {manifest['created_at']}, "
            f"version {manifest['product_version']})"
        )

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yakuba.org.importing import apply_plan, build_plan


class Command(BaseCommand):
    help = (
        "Import units and staff from .xlsx or CSV (UTF-8 or CP932). Every row is checked "
        "first; nothing is written if any row has a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"file not found: {path}")
        plan = build_plan(path.name, path.read_bytes())
        for error in plan.errors:
            where = f"{error.sheet} " if error.sheet and error.sheet != "CSV" else ""
            self.stderr.write(f"{where}{error.row}行目 [{error.column}] {error.message}")
        if plan.errors_omitted:
            self.stderr.write(f"... {plan.errors_omitted} more problem(s) not listed")
        if plan.errors_total:
            raise CommandError(f"{plan.errors_total} problem(s); nothing was imported")
        summary = plan.summary()
        self.stdout.write(
            f"units: {summary['units']} (new {summary['units_new']}, existing "
            f"{summary['units_updated']}); staff: {summary['staff']} (new "
            f"{summary['staff_new']}, existing {summary['staff_updated']})"
        )
        if options["dry_run"]:
            self.stdout.write("dry run: nothing written")
            return
        result = apply_plan(plan, actor=None, source=f"import_staff {path.name}")
        self.stdout.write(self.style.SUCCESS(f"imported: {result.as_dict()}"))

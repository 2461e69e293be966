from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yakuba.audit.models import AuditEntry
from yakuba.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exit non-zero at the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        problem = verify_chain()
        if problem is not None:
            raise CommandError(f"audit chain broken at entry #{problem.seq}: {problem.reason}")
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {count} entries"))

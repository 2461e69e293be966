"""`manage.py install_inspection_checklists`: the three starter self-inspection checklists
(staff, unit head, system administrator). Idempotent: a checklist whose code is already
there is left as it is (never overwritten); the same as the button on the checklist page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from yakuba.core.system_actor import acting_as
from yakuba.inspections.services import install_starter_checklists


class Command(BaseCommand):
    help = "Install the starter self-inspection checklists (skips those already there)."

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as("manage.py install_inspection_checklists"):
            made = install_starter_checklists(None)
        self.stdout.write(_("標準のチェックリストを %(n)s 件追加しました。") % {"n": made})

"""`manage.py load_drill_templates`: add the three shipped Japanese drill templates
(fake delivery notice, password expiry, citizen inquiry with an attachment link). Adds
only the missing ones: running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from yakuba.drills.services import load_shipped_templates


class Command(BaseCommand):
    help = "Add the shipped drill-mail templates that are missing (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_shipped_templates(None)
        self.stdout.write(_("訓練メールのテンプレートを %(n)s 件追加しました。") % {"n": added})

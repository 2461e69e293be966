"""`manage.py seed_readiness_demo [--if-empty]`: home checklists of the demo city's
teleworkers and the gate switched on (see readiness.demo). Run after `seed_demo` and
`seed_rosters_demo`; shared rules in yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.readiness.demo import seed_readiness_demo
from yakuba.readiness.models import ChecklistSubmission, ReadinessSettings


class Command(DemoCommand):
    help = (
        "Demo readiness: most teleworkers with a valid home checklist, some expiring, expired, "
        "incomplete or never done; demo-staff's has expired. Switches the telework gate on."
    )
    subject = pgettext_lazy("demo data", "在宅勤務の準備チェック")

    def existing(self, **options: Any) -> list[str]:
        return [
            *counted(ChecklistSubmission, _("準備チェックの回答")),
            *counted(ReadinessSettings, _("準備チェックの設定")),
        ]

    def load(self, **options: Any) -> str:
        made = seed_readiness_demo()
        return (
            _(
                "有効 %(valid)s 人、期限間近 %(expiring)s 人、期限切れ %(expired)s 人"
                "（demo-staff を含む）、未対応あり %(incomplete)s 人、未回答 %(never)s 人"
            )
            % made
        )

"""`manage.py seed_inspections_demo [--if-empty]`: a finished self-inspection round with
findings and a second round in progress (see inspections.demo). Run after `seed_demo`;
shared rules in yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.inspections.demo import seed_inspections_demo
from yakuba.inspections.models import Round


class Command(DemoCommand):
    help = "Demo self-inspection: a finished round with findings and a round in progress."
    subject = pgettext_lazy("demo data", "自己点検")

    def existing(self, **options: Any) -> list[str]:
        return counted(Round, _("自己点検"))

    def load(self, **options: Any) -> str:
        made = seed_inspections_demo()
        return (
            _(
                "自己点検 %(rounds)s 回（回答票 %(sheets)s 件）、指摘事項 %(findings)s 件"
                "（未完了 %(open)s 件、次回で再点検 %(carried)s 件）"
            )
            % made
        )

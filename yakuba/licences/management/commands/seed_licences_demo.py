"""`manage.py seed_licences_demo [--if-empty]`: a licence ledger and a month of Zoom
meetings (see licences.demo). Run after `seed_demo`; shared rules in yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.licences.demo import seed_licences_demo
from yakuba.licences.models import Licence


class Command(DemoCommand):
    help = "Demo licences: six Zoom host licences (two idle) and a month of Zoom meetings."
    subject = pgettext_lazy("demo data", "Web会議ライセンス")

    def existing(self, **options: Any) -> list[str]:
        return counted(Licence, _("ライセンス"))

    def load(self, **options: Any) -> str:
        made = seed_licences_demo()
        return _("ライセンス %(licences)s 件、Zoom の会議記録 %(meetings)s 件") % made

"""`manage.py seed_incidents_demo [--if-empty]`: incidents of the last months, reported by
the demo accounts (see incidents.demo). Run after `seed_demo`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.incidents.demo import seed_incidents_demo
from yakuba.incidents.models import Incident


class Command(DemoCommand):
    help = "Demo incidents: reports of the last five months, open, triaged and closed."
    subject = pgettext_lazy("demo data", "インシデント")

    def existing(self, **options: Any) -> list[str]:
        return counted(Incident, _("インシデント"))

    def load(self, **options: Any) -> str:
        made = seed_incidents_demo()
        return (
            _("インシデント %(incidents)s 件（対応中・受付 %(open)s 件、完了 %(closed)s 件）")
            % made
        )

"""`manage.py seed_remoteseats_demo [--if-empty]`: demo seat bookings and loaned terminals.

Run after `seed_rosters_demo` (`make run` does): the bookings use the roster's pools and
telework profiles. `rosters` never calls remoteseats, so this step is its own command.
The shared rules (refuse, or skip with --if-empty) are in yakuba.demo.commands.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.remoteseats.demo import seed_remoteseats_demo
from yakuba.remoteseats.models import LoanedTerminal


class Command(DemoCommand):
    help = "Demo remote seats: bookings for the coming days and a ledger of 8 loaned terminals."
    subject = pgettext_lazy("demo data", "リモート接続枠")

    def existing(self, **options: Any) -> list[str]:
        return counted(LoanedTerminal, _("貸出端末"))

    def load(self, **options: Any) -> str:
        made = seed_remoteseats_demo()
        return (
            _("接続枠の予約 %(bookings)s 件、貸出端末 %(terminals)s 台、貸出の記録 %(loans)s 件")
            % made
        )

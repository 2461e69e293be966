"""`manage.py seed_rosters_demo [--if-empty]`: roster demo for this month and next (see
rosters.demo). Relative to the day it runs; the shared rules are in yakuba.demo.commands."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, listing
from yakuba.rosters.demo import published_today, seed_rosters_demo
from yakuba.rosters.models import VersionStatus


class Command(DemoCommand):
    help = (
        "Demo rosters for the demo city: set-up, 5 VPN seats, teams, requests, this month "
        "published for the whole office and next month's draft for 市民課."
    )
    subject = pgettext_lazy("demo data", "勤務表")

    def add_loader_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--time-limit", type=int, default=15, help="seconds per demo roster solve"
        )

    def existing(self, **options: Any) -> list[str]:
        today = timezone.localdate()
        if published_today(today):
            return [_("%(month)sの公開済みの勤務表") % {"month": _month(today)}]
        return []

    def load(self, **options: Any) -> str:
        made = seed_rosters_demo(time_limit=options["time_limit"])
        parts = [_("希望・休暇 %(n)s 件") % {"n": made["requests"]}]
        if "this_month" in made:
            first, status = made["this_month"]
            parts.append(
                _("%(month)sの全庁の勤務表（%(status)s）")
                % {"month": _month(first), "status": VersionStatus(status).label}
            )
        if "next_month" in made:
            first, status, unit = made["next_month"]
            parts.append(
                _("%(month)sの%(unit)sの勤務表（%(status)s）")
                % {"month": _month(first), "unit": unit, "status": VersionStatus(status).label}
            )
        return listing(parts)


def _month(day: dt.date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")

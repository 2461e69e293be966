"""`manage.py seed_reports_demo [--if-empty]`: morning-report demo data (see dailyreports.demo).

Run after `seed_demo`; the shared rules (refuse or, with --if-empty, skip when report
windows exist or there is no demo city) are in yakuba.demo.commands.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.dailyreports import demo
from yakuba.dailyreports.models import ReportWindow
from yakuba.demo.commands import DemoCommand, counted, listing


class Command(DemoCommand):
    help = "Add morning-report demo data (windows, two weeks of reports, blockers, webhook)."
    subject = pgettext_lazy("demo data", "朝の業務報告")

    def add_loader_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def existing(self, **options: Any) -> list[str]:
        return counted(ReportWindow, _("受付時間の設定"))

    def load(self, **options: Any) -> str:
        result = demo.seed(options["seed"])
        summary = _(
            "%(units)s、過去の報告 %(reports)s 件、困りごと %(blockers)s 件。"
            "本日の受付: %(live)s。まとめは %(url)s に送ります"
            "（manage.py chat_receiver で表示できます）。"
        ) % {
            "units": listing(result.units),
            "reports": result.reports,
            "blockers": result.blockers,
            "live": result.live_window or "—",
            "url": demo.RECEIVER_URL,
        }
        if result.colleague:
            summary += _(
                "催促される同僚: %(colleague)s（デモ用パスワードでサインイン）。"
                "Mattermost のメンションは %(mentions)s です。"
            ) % {
                "colleague": _("%(username)s（%(name)s）")
                % {"username": demo.COLLEAGUE, "name": result.colleague},
                "mentions": listing(f"@{name}" for name in demo.MATTERMOST_NAMES.values()),
            }
        return summary

"""`manage.py seed_meetings_demo [--if-empty]`: three past meetings of 市民課 and ten
recurring meetings with their past occurrences (see
meetings.demo). Run after `seed_demo`; the shared rules are in yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.meetings.demo import ORGANISER, seed_meetings_demo
from yakuba.meetings.models import Meeting


class Command(DemoCommand):
    help = (
        "Demo meetings: three past meetings with drops, minutes and catch-ups (one unread), "
        "and ten recurring meetings with three months of occurrences."
    )
    subject = pgettext_lazy("demo data", "会議")

    def existing(self, **options: Any) -> list[str]:
        # demo-head's meetings only: the licence demo records meetings of its own.
        return counted(Meeting, _("会議"), organiser__username=ORGANISER)

    def load(self, **options: Any) -> str:
        made = seed_meetings_demo()
        return _(
            "会議 %(meetings)s 件、欠席・中断分の共有 %(catchups)s 件、接続の確認の案内 "
            "%(nudges)s 件、Zoom Webhook の受信 %(posts)s 件（エラー %(errors)s 件）"
        ) % {
            "meetings": made["meetings"],
            "catchups": made["catchups"],
            "nudges": made["connection_nudges"],
            "posts": made["webhook_posts"],
            "errors": made["webhook_errors"],
        }

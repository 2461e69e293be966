"""`manage.py seed_drills_demo [--if-empty]`: the shipped drill templates and a drill
finished last month with recorded results (see drills.demo). Run after `seed_demo`;
shared rules in yakuba.demo.commands. Sends no mail."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.drills.demo import seed_drills_demo
from yakuba.drills.models import Drill


class Command(DemoCommand):
    help = "Demo drill mails: the three shipped templates and a drill finished last month."
    subject = pgettext_lazy("demo data", "訓練メール")

    def existing(self, **options: Any) -> list[str]:
        return counted(Drill, _("訓練"))

    def load(self, **options: Any) -> str:
        made = seed_drills_demo()
        return (
            _(
                "訓練 1 件（%(recipients)s 人：開封 %(opened)s・クリック %(clicked)s・"
                "入力 %(typed)s・報告 %(reported)s）、テンプレート %(templates)s 件"
            )
            % made
        )

"""`manage.py seed_evaluation_demo [--if-empty]`: the demo evidence report.

Run after the other loaders (`make run` does): historic rosters, morning reports and
meetings of the 2020 state of emergency and of the same days in 2021, a closed telework
survey about each, then the report
「緊急事態宣言期間と1年後の比較」 generated here, not in a request.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand
from yakuba.evaluation.demo import DEMO_TITLE, seed_evaluation_demo
from yakuba.evaluation.models import EvidenceReport


class Command(DemoCommand):
    help = "Demo evidence report: the 2020 state of emergency against the same days of 2021."
    subject = pgettext_lazy("demo data", "テレワーク点検・評価報告")

    def existing(self, **options: Any) -> list[str]:
        if EvidenceReport.objects.filter(title=DEMO_TITLE).exists():
            return [_("報告「%(title)s」") % {"title": DEMO_TITLE}]
        return []

    def load(self, **options: Any) -> str:
        made = seed_evaluation_demo()
        return _(
            "過去の勤務表の割り当て %(assignments)s 件、朝の業務報告 %(reports)s 件、"
            "会議 %(meetings)s 件、アンケートの回答 %(answers_2020)s 件（2020年）・"
            "%(answers_2021)s 件（2021年）、報告「%(title)s」（%(status)s）"
        ) % {
            "assignments": made.get("assignments", 0),
            "reports": made.get("reports", 0),
            "meetings": made.get("meetings", 0),
            "answers_2020": made.get("answers_2020", 0),
            "answers_2021": made.get("answers_2021", 0),
            "title": DEMO_TITLE,
            "status": made["status"],
        }

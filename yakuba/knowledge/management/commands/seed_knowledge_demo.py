"""`manage.py seed_knowledge_demo [--if-empty]`: ICT helpers, questions and answers and
how-tos of the demo city (see knowledge.demo). Run after `seed_demo`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.knowledge.demo import seed_knowledge_demo
from yakuba.knowledge.models import Article, Helper, Question


class Command(DemoCommand):
    help = "Demo knowledge: 20 ICT helpers in 10 departments, ~300 questions, 40 how-tos."
    subject = pgettext_lazy("demo data", "ナレッジ（質問と手順書）")

    def existing(self, **options: Any) -> list[str]:
        return [
            *counted(Helper, _("ICTサポーター")),
            *counted(Question, _("質問")),
            *counted(Article, _("手順書")),
        ]

    def load(self, **options: Any) -> str:
        made = seed_knowledge_demo()
        text = (
            _(
                "ICTサポーター %(helpers)s 人（%(departments)s 部）、質問 %(questions)s 件、"
                "回答 %(answers)s 件、手順書 %(howtos)s 件"
            )
            % made
        )
        if made["demo_helper"]:
            text += _(
                "。%(unit)s のICTサポーター（VPN 接続）は demo-helper でサインインできます"
            ) % {"unit": made["demo_helper"]}
        return text

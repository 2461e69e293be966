"""`manage.py seed_awareness_demo [--if-empty]`: the starter question bank with three months
of answers in the demo city (see awareness.demo). Run after `seed_demo`; shared rules in
yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.awareness.demo import seed
from yakuba.awareness.models import Card, Review
from yakuba.demo.commands import DemoCommand, counted


class Command(DemoCommand):
    help = (
        "Demo awareness: the starter bank, three months of weekly answers, this week's questions."
    )
    subject = pgettext_lazy("demo data", "情報セキュリティの問題")

    def existing(self, **options: Any) -> list[str]:
        return counted(Review, _("問題への回答")) + counted(Card, _("出題中の問題"))

    def load(self, **options: Any) -> str:
        made = seed()
        return _("%(people)s人に出題 %(cards)s件、回答 %(reviews)s件") % made

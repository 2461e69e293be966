"""`manage.py seed_campaigns_demo [--if-empty]`: the course required for telework, last
month's finished campaign and one running now (see campaigns.demo). Run after `seed_demo`;
shared rules in yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.campaigns.demo import seed_campaigns_demo
from yakuba.campaigns.models import Campaign, Course
from yakuba.demo.commands import DemoCommand, counted


class Command(DemoCommand):
    help = "Demo security courses and campaigns: the required telework course, two campaigns."
    subject = pgettext_lazy("demo data", "研修・キャンペーン")

    def existing(self, **options: Any) -> list[str]:
        return counted(Course, _("研修")) + counted(Campaign, _("キャンペーン"))

    def load(self, **options: Any) -> str:
        made = seed_campaigns_demo()
        return (
            _(
                "研修「%(course)s」、キャンペーン %(campaigns)s 件（割り当て %(assignments)s 件、"
                "回答 %(answers)s 件）"
            )
            % made
        )

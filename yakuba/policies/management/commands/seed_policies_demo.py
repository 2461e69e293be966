"""`manage.py seed_policies_demo [--if-empty]`: the S27-shaped policy with a published year
and a year in progress (see policies.demo). Run after `seed_demo`; shared rules in
yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.policies.demo import seed_policies_demo
from yakuba.policies.models import Policy


class Command(DemoCommand):
    help = "Demo policy evaluation: S27 with a published year and a year in progress."
    subject = pgettext_lazy("demo data", "施策評価")

    def existing(self, **options: Any) -> list[str]:
        return counted(Policy, _("施策"))

    def load(self, **options: Any) -> str:
        made = seed_policies_demo()
        return (
            _(
                "施策 %(policies)s 件（%(years)s 年度分、外部評価の意見 %(comments)s 件）、"
                "返答を承認する所属長のアカウント %(head)s"
            )
            % made
        )

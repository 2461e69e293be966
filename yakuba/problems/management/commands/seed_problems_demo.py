"""`manage.py seed_problems_demo [--if-empty]`: the register of problems and countermeasures
(see problems.demo). Run after `seed_demo` and the loaders whose data it points at
(morning reports, incidents, inspections); shared rules in yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.problems.demo import seed_problems_demo
from yakuba.problems.models import Problem


class Command(DemoCommand):
    help = "Demo register: ten problems of working from home, their countermeasures, a review."
    subject = pgettext_lazy("demo data", "課題と対応策")

    def existing(self, **options: Any) -> list[str]:
        return counted(Problem, _("課題"))

    def load(self, **options: Any) -> str:
        made = seed_problems_demo()
        return (
            _("課題 %(problems)s 件、対応策 %(countermeasures)s 件、点検の記録 %(reviews)s 件")
            % made
        )

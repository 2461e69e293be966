"""`manage.py seed_surveys_demo [--if-empty]`: a closed telework survey with about 300
answers and an open survey demo-staff can answer (see surveys.demo). Run after `seed_demo`
and `seed_rosters_demo`; shared rules in yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.surveys.demo import seed_surveys_demo
from yakuba.surveys.models import Survey


class Command(DemoCommand):
    help = "Demo staff surveys: a closed telework survey with ~300 answers, an open one."
    subject = pgettext_lazy("demo data", "職員アンケート")

    def existing(self, **options: Any) -> list[str]:
        return counted(Survey, _("アンケート"), is_template=False)

    def load(self, **options: Any) -> str:
        made = seed_surveys_demo()
        return (
            _(
                "「%(closed)s」（終了、依頼 %(invited)s 名・回答 %(answered)s 件）、"
                "「%(open)s」（受付中、依頼 %(open_invited)s 名）"
            )
            % made
        )

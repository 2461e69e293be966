"""`manage.py seed_reviews_demo [--if-empty]`: the default criteria published, the
procedure inventory and the meeting series loaded, one round opened and about half of it
reviewed (see reviews.demo_reviews). Run after `seed_meetings_demo`; shared rules in
yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.reviews.demo_reviews import seed_reviews_demo
from yakuba.reviews.models import ReviewRound


class Command(DemoCommand):
    help = "Demo review of procedures and meetings: criteria, inventory, a round half reviewed."
    subject = pgettext_lazy("demo data", "書類・手続・会議の見直し")

    def existing(self, **options: Any) -> list[str]:
        return counted(ReviewRound, _("見直しの回"))

    def load(self, **options: Any) -> str:
        made = seed_reviews_demo()
        return _(
            "見直しの回「%(round)s」：決定 %(decided)s 件・実施済 %(implemented)s 件・"
            "承認待ち %(submitted)s 件・回答中 %(answering)s 件・未着手 %(not_started)s 件、"
            "定例会議 統合の提案 %(meetings_submitted)s 件・廃止の決定 %(meetings_decided)s 件"
        ) % {
            "round": made["round"].name,
            **{
                k: made.get(k, 0)
                for k in (
                    "decided",
                    "implemented",
                    "submitted",
                    "answering",
                    "not_started",
                    "meetings_submitted",
                    "meetings_decided",
                )
            },
        }

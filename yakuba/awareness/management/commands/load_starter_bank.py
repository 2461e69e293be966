"""`manage.py load_starter_bank`: add the Japanese starter question bank (12 topics, their
lessons and questions). Idempotent by code: lessons and questions already in the bank —
also those infosec edited or took out of use — are left as they are."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from yakuba.awareness.bank import load_starter_bank
from yakuba.core.system_actor import acting_as


class Command(BaseCommand):
    help = "Add the Japanese starter question bank (lessons and questions whose code is new)."

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as("awareness.load_starter_bank"):
            summary = load_starter_bank(actor=None)
        self.stdout.write(
            _(
                "スターター問題集を読み込みました"
                "（レッスン %(lessons)s件・問題 %(questions)s件を追加）。"
            )
            % {"lessons": summary.lessons_created, "questions": summary.questions_created}
        )

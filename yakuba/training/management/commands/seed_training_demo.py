"""`manage.py seed_training_demo [--if-empty]`: three courses with past and future sessions,
attendance and feedback, one full session with a waiting list, required courses (see
training.demo). Run after `seed_demo`; shared rules in yakuba.demo.commands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from yakuba.demo.commands import DemoCommand, counted
from yakuba.training.demo import seed_training_demo
from yakuba.training.models import TrainingCourse, TrainingSession


class Command(DemoCommand):
    help = "Demo training sessions: three courses, past and future sessions, a waiting list."
    subject = pgettext_lazy("demo data", "研修会")

    def existing(self, **options: Any) -> list[str]:
        return counted(TrainingCourse, _("研修")) + counted(TrainingSession, _("研修会"))

    def load(self, **options: Any) -> str:
        made = seed_training_demo()
        return _("研修 %(courses)s 件、研修会 %(sessions)s 回、申込 %(registrations)s 件") % made

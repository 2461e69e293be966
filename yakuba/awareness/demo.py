"""Demo: the starter bank in use for three months in the demo city.

Every serving member of staff gets a history of weekly questions from thirteen weeks ago
to last week (`history.simulate`: a realistic mix of right and wrong answers, some busy
weeks skipped); then this week's questions are introduced for everyone who signs in, so
demo-staff finds questions on the home page, in 「わたしのセキュリティ」 and after the
morning report. Dates are relative to today.

Called by `manage.py seed_awareness_demo` (run by `make run`); never by a production start.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yakuba.awareness import bank, history, services
from yakuba.awareness.models import Question
from yakuba.awareness.weekly import Candidate, week_bounds
from yakuba.core.system_actor import acting_as
from yakuba.org.models import Staff

WEEKS = 13
DEMO_JOB = "awareness.demo"


def seed(*, seed: int = 14, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    this_monday, _end = week_bounds(now)
    with acting_as(DEMO_JOB), transaction.atomic():
        bank.load_starter_bank(actor=None)
        questions = [
            Candidate(pk, topic, code)
            for pk, topic, code in Question.objects.filter(active=True).values_list(
                "pk", "topic", "code"
            )
        ]
        right: dict[int, list[int]] = {}
        for question in Question.objects.prefetch_related("choices"):
            right[question.pk] = [c.order for c in question.choices.all() if c.correct]
        people = list(Staff.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
        cards, answers = history.simulate(
            people,
            questions,
            right,
            first_monday=this_monday - dt.timedelta(days=7 * WEEKS),
            weeks=WEEKS,
            seed=seed,
        )
        made_cards, made_reviews = history.write(cards, answers)
        signing_in = Staff.objects.filter(active=True, user__is_active=True).values_list(
            "pk", flat=True
        )
        for staff_id in signing_in:
            services.introduce_week(staff_id, now)
    return {"people": len(people), "cards": made_cards, "reviews": made_reviews}

"""Periodic jobs: escalation of unanswered questions and how-to review reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yakuba.core.scheduling import Job, daily, register


def run_escalation(day: str) -> dict[str, Any]:
    from yakuba.knowledge.services import escalate_unanswered

    return {"escalated": len(escalate_unanswered(timezone.now()))}


def run_review_reminders(day: str) -> dict[str, Any]:
    from yakuba.knowledge.services import remind_reviews

    return {"reminded": len(remind_reviews(dt.date.fromisoformat(day)))}


ESCALATION = register(
    Job(
        name="knowledge.escalate_unanswered",
        due=daily(at=dt.time(9, 30)),
        run=run_escalation,
        description="knowledge: escalate questions unanswered after N working days",
    )
)
REVIEW_REMINDERS = register(
    Job(
        name="knowledge.review_reminders",
        due=daily(at=dt.time(9, 0)),
        run=run_review_reminders,
        description="knowledge: remind how-to owners whose review date has come",
    )
)

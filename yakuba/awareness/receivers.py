"""Answers and follow-ups sent by the other security apps (`security.signals`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from yakuba.security.signals import follow_up_needed, question_answered


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@receiver(question_answered, dispatch_uid="awareness.question_answered")
def record_answer(
    sender: Any,
    *,
    staff_id: int,
    question_id: int,
    correct: bool,
    answered_at: dt.datetime | None = None,
    **kwargs: Any,
) -> None:
    from yakuba.awareness.services import record_external_answer

    record_external_answer(
        staff_id=int(staff_id),
        question_id=int(question_id),
        correct=bool(correct),
        answered_at=_aware(answered_at) if answered_at else timezone.now(),
    )


@receiver(follow_up_needed, dispatch_uid="awareness.follow_up_needed")
def bring_topic_forward(
    sender: Any,
    *,
    staff_ids: list[int],
    topic: str,
    reason: str = "",
    source: str = "",
    **kwargs: Any,
) -> None:
    from yakuba.awareness.services import follow_up

    follow_up(
        staff_ids=[int(pk) for pk in staff_ids],
        topic=topic,
        reason=reason,
        source=source,
        now=timezone.now(),
    )

"""Builders shared by the awareness tests (and the authorization matrix)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from yakuba.awareness.models import Card, Choice, Lesson, Question, QuestionKind
from yakuba.org.models import Staff


def make_lesson(code: str = "L-PH", topic: str = "phishing", **values: Any) -> Lesson:
    defaults = {"title": "不審なメール", "body": "開かずに報告します。", "source": "本市の基準"}
    return Lesson.objects.create(code=code, topic=topic, **{**defaults, **values})


def make_question(
    code: str = "Q-PH-01",
    topic: str = "phishing",
    *,
    kind: str = QuestionKind.SINGLE,
    choices: Sequence[tuple[str, bool]] = (
        ("報告する", True),
        ("開く", False),
        ("転送する", False),
    ),
    **values: Any,
) -> Question:
    defaults = {
        "text": f"{code}: 不審なメールが届いたらどうしますか。",
        "explanation": "開かずに報告します。",
        "source": "本市の情報セキュリティ対策基準",
    }
    question = Question.objects.create(code=code, topic=topic, kind=kind, **{**defaults, **values})
    Choice.objects.bulk_create(
        Choice(question=question, order=i, text=text, correct=right)
        for i, (text, right) in enumerate(choices, start=1)
    )
    return question


def make_bank(per_topic: int = 2) -> list[Question]:
    from yakuba.security.topics import Topic

    return [
        make_question(f"Q-{topic}-{i}", topic)
        for topic in Topic.values
        for i in range(1, per_topic + 1)
    ]


def due_card(staff: Staff, question: Question, *, due: dt.datetime | None = None) -> Card:
    now = timezone.now()
    return Card.objects.create(
        staff=staff, question=question, due=due or now - dt.timedelta(hours=1), created_at=now
    )


def right_orders(question: Question) -> list[int]:
    return [c.order for c in question.choices.all() if c.correct]


def wrong_orders(question: Question) -> list[int]:
    return [next(c.order for c in question.choices.all() if not c.correct)]


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A lesson, a question, and a card and answer of someone without a role (whose card
    and answer nobody else may open)."""
    if "awareness" in objs:
        return objs["awareness"]
    from yakuba.awareness import services

    lesson = make_lesson()
    question = make_question(lesson=lesson)
    owner = objs["org"]["staff"]["2001"]
    card = due_card(owner, question)
    review = services.answer(
        actor=None, card=card, chosen=right_orders(question), via="weekly", now=timezone.now()
    )
    objs["awareness"] = {
        "lesson": lesson,
        "question": question,
        "card": card,
        "review": review,
    }
    return objs["awareness"]

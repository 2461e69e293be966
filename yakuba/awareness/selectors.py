"""Reads for awareness, each in a constant number of queries.

A person reads only their own cards and answers (`own_cards`, `own_reviews`); the bank
is read by everyone (lessons, a question with its answer after answering it) and managed
by infosec (`Capability.MANAGE_AWARENESS`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from yakuba.accounts.roles import Capability
from yakuba.awareness.models import (
    AnswerVia,
    AwarenessSettings,
    Card,
    Choice,
    Lesson,
    OfferSkip,
    Question,
    Review,
)
from yakuba.awareness.weekly import week_bounds
from yakuba.org.models import Staff

DEFAULT_WEEKLY_QUESTIONS = 3
MAX_WEEKLY_QUESTIONS = 10
# Answers that count towards "this week's questions" (a campaign's answers do not).
WEEKLY_VIAS = (AnswerVia.WEEKLY, AnswerVia.MORNING)


def staff_of(user: Any) -> Staff | None:
    """The signed-in person's staff record (answers belong to a person, not an account)."""
    if not getattr(user, "is_authenticated", False):
        return None
    staff = getattr(user, "staff", None)
    return staff if isinstance(staff, Staff) and staff.active else None


def weekly_quota() -> int:
    row = AwarenessSettings.objects.filter(pk=1).values_list("weekly_questions", flat=True)
    found = list(row)
    return found[0] if found else DEFAULT_WEEKLY_QUESTIONS


def settings_row() -> AwarenessSettings | None:
    return AwarenessSettings.objects.filter(pk=1).select_related("updated_by").first()


def due_queryset(staff_id: int, now: dt.datetime) -> QuerySet[Card]:
    """The person's questions due at ``now``: follow-ups first, then the longest due.
    One range scan of the (staff, due) index whatever the length of the history."""
    return (
        Card.objects.filter(staff_id=staff_id, due__lte=now, question__active=True)
        .annotate(
            routine=Case(
                When(follow_up="", then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("routine", "due", "pk")
    )


def answered_this_week(staff_id: int, now: dt.datetime) -> int:
    start, end = week_bounds(now)
    return Review.objects.filter(
        staff_id=staff_id, answered_at__gte=start, answered_at__lt=end, via__in=WEEKLY_VIAS
    ).count()


@dataclass(frozen=True)
class Week:
    quota: int
    answered: int
    cards: list[Card]

    @property
    def remaining(self) -> int:
        return len(self.cards)


def _with_question(cards: QuerySet[Card]) -> QuerySet[Card]:
    return cards.select_related("question", "question__lesson").prefetch_related(
        Prefetch("question__choices", queryset=Choice.objects.order_by("order"))
    )


def this_week(staff_id: int, now: dt.datetime, *, with_questions: bool = True) -> Week:
    """This week's questions still to answer: the due ones, as many as the weekly number
    leaves after the answers already given this week.

    The weekly number and this week's answers ride along as scalar subqueries on the
    due-cards query (evaluated once, not per row), so the page costs two queries — the
    cards with their questions, and their choices — and three when nothing is due.
    """
    start, end = week_bounds(now)
    answered = (
        Review.objects.filter(
            staff_id=staff_id, answered_at__gte=start, answered_at__lt=end, via__in=WEEKLY_VIAS
        )
        .order_by()
        .values("staff_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    quota = AwarenessSettings.objects.filter(pk=1).values("weekly_questions")
    due = due_queryset(staff_id, now).annotate(
        week_answered=Coalesce(Subquery(answered), 0),
        week_quota=Coalesce(Subquery(quota), DEFAULT_WEEKLY_QUESTIONS),
    )
    cards: list[Any] = list((_with_question(due) if with_questions else due)[:MAX_WEEKLY_QUESTIONS])
    if cards:
        weekly, done = cards[0].week_quota, cards[0].week_answered
    else:
        weekly, done = weekly_quota(), answered_this_week(staff_id, now)
    return Week(quota=weekly, answered=done, cards=cards[: max(0, weekly - done)])


def has_questions(staff_id: int) -> bool:
    """Whether the person has ever been given a question."""
    return Card.objects.filter(staff_id=staff_id).exists()


def offer_skipped(staff_id: int, day: dt.date) -> bool:
    return OfferSkip.objects.filter(staff_id=staff_id, date=day).exists()


def own_cards(user: Any) -> QuerySet[Card]:
    staff = staff_of(user)
    if staff is None:
        return Card.objects.none()
    return _with_question(Card.objects.filter(staff=staff))


def own_reviews(user: Any) -> QuerySet[Review]:
    staff = staff_of(user)
    if staff is None:
        return Review.objects.none()
    return Review.objects.filter(staff=staff).select_related("question", "question__lesson", "card")


def recent_reviews(staff_id: int, limit: int = 10) -> list[Review]:
    return list(
        Review.objects.filter(staff_id=staff_id)
        .select_related("question")
        .order_by("-answered_at", "-pk")[:limit]
    )


def readable_lessons(user: Any) -> QuerySet[Lesson]:
    """Lessons in use for everyone; also the inactive ones for infosec."""
    lessons = Lesson.objects.all()
    if not (getattr(user, "is_authenticated", False) and user.can(Capability.MANAGE_AWARENESS)):
        lessons = lessons.filter(active=True)
    return lessons


def bank_questions(*, topic: str = "", text: str = "", active: str = "") -> QuerySet[Question]:
    questions = Question.objects.select_related("lesson").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("order"))
    )
    if topic:
        questions = questions.filter(topic=topic)
    if text:
        questions = questions.filter(
            Q(text__icontains=text)
            | Q(code__icontains=text)
            | Q(explanation__icontains=text)
            | Q(choices__text__icontains=text)
        ).distinct()
    if active in ("1", "0"):
        questions = questions.filter(active=active == "1")
    return questions.order_by("topic", "code")


def bank_lessons(*, topic: str = "", text: str = "", active: str = "") -> QuerySet[Lesson]:
    lessons = Lesson.objects.all()
    if topic:
        lessons = lessons.filter(topic=topic)
    if text:
        lessons = lessons.filter(
            Q(title__icontains=text) | Q(code__icontains=text) | Q(body__icontains=text)
        )
    if active in ("1", "0"):
        lessons = lessons.filter(active=active == "1")
    return lessons.order_by("topic", "code")

"""Writes for the spaced questions: answers, the weekly introduction of new questions,
follow-ups and answers given elsewhere. Each in one transaction, audited.

The audit trail records that a person answered a question (and how it reached them),
never whether the answer was right: the trail is read by roles that may not see a
person's results (see `security.score`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import Entry, record, record_many
from yakuba.awareness import selectors, spacing
from yakuba.awareness.models import (
    AnswerVia,
    AwarenessSettings,
    Card,
    FollowUp,
    OfferSkip,
    Question,
    Review,
)
from yakuba.awareness.weekly import Candidate, pick_new, week_bounds
from yakuba.org.models import Staff

# Questions of a topic brought forward by one follow-up (the rest of the topic comes in
# its turn): enough to revisit the rule, not a whole week's worth.
FOLLOW_UP_QUESTIONS = 3
MAX_WEEKLY_QUESTIONS = selectors.MAX_WEEKLY_QUESTIONS


def require_manager(actor: Any) -> None:
    if actor is not None and not actor.can(Capability.MANAGE_AWARENESS):
        raise PermissionDenied(f"missing capability {Capability.MANAGE_AWARENESS}")


def memory_of(card: Card) -> spacing.Memory:
    return spacing.Memory(
        due=card.due,
        state=card.state,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        last_review=card.last_review,
    )


def apply_memory(card: Card, memory: spacing.Memory, *, correct: bool) -> None:
    card.due = memory.due
    card.state = memory.state
    card.step = memory.step
    card.stability = memory.stability
    card.difficulty = memory.difficulty
    card.last_review = memory.last_review
    card.reps += 1
    if not correct:
        card.lapses += 1
    card.follow_up = ""


def _review(card: Card, *, correct: bool, chosen: list[int], via: str, at: dt.datetime) -> Review:
    outcome = spacing.review(memory_of(card), correct, at)
    apply_memory(card, outcome.memory, correct=correct)
    card.save()
    return Review.objects.create(
        card=card,
        staff_id=card.staff_id,
        question_id=card.question_id,
        rating=outcome.rating,
        correct=correct,
        chosen=chosen,
        via=via,
        answered_at=at,
        next_due=card.due,
    )


def is_correct(question: Question, chosen: Iterable[int]) -> bool:
    """Right when exactly the correct choices were picked (all of them, nothing else)."""
    right = {c.order for c in question.choices.all() if c.correct}
    return bool(right) and set(chosen) == right


def answer(*, actor: Any, card: Card, chosen: Sequence[int], via: str, now: dt.datetime) -> Review:
    """Record the person's answer to a due question of theirs and schedule it again."""
    if via not in (AnswerVia.WEEKLY, AnswerVia.MORNING):
        raise ValueError(via)
    with transaction.atomic():
        locked = (
            Card.objects.select_for_update(of=("self",))
            .select_related("question")
            .prefetch_related("question__choices")
            .get(pk=card.pk)
        )
        if locked.due > now:
            # A second press of the button, or the page open in two tabs.
            raise ValidationError(_("この問題には既に回答しています。"))
        valid = {c.order for c in locked.question.choices.all()}
        picked = sorted(set(chosen))
        if not picked or not set(picked) <= valid:
            raise ValidationError(_("選択肢を選んでください。"))
        review = _review(
            locked,
            correct=is_correct(locked.question, picked),
            chosen=picked,
            via=via,
            at=now,
        )
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=review,
            changes={"question": locked.question.code, "via": via},
        )
    return review


def skip_offer(*, actor: Any, staff: Staff, day: dt.date) -> None:
    """ "Not today" to the question offered after the morning report (once a day)."""
    with transaction.atomic():
        skip, created = OfferSkip.objects.get_or_create(staff=staff, date=day)
        if created:
            record(AuditAction.CREATE, actor=actor, obj=skip, changes={"date": day.isoformat()})


def _new_cards(staff_id: int, question_ids: Iterable[int], now: dt.datetime, **extra: Any) -> int:
    rows = [
        Card(staff_id=staff_id, question_id=q, due=now, created_at=now, **extra)
        for q in question_ids
    ]
    # The unique (staff, question) constraint keeps a card from ever being made twice.
    Card.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def introduce_week(staff_id: int, now: dt.datetime) -> list[int]:
    """Put new questions to one person for ``now``'s week, as many as the weekly number
    leaves after the questions already due before the week ends and those answered.

    Idempotent: a second run finds the first run's cards due and adds nothing. Returns
    the ids of the questions introduced.
    """
    with transaction.atomic():
        staff = Staff.objects.select_for_update().filter(pk=staff_id, active=True).first()
        if staff is None:
            return []
        quota = selectors.weekly_quota()
        _start, end = week_bounds(now)
        pending = Card.objects.filter(staff_id=staff_id, due__lt=end, question__active=True)
        need = quota - selectors.answered_this_week(staff_id, now) - pending.count()
        if need <= 0:
            return []
        had = Card.objects.filter(staff_id=staff_id).values_list("question_id", "question__topic")
        seen: set[int] = set()
        counts: Counter[str] = Counter()
        for question_id, topic in had:
            seen.add(question_id)
            counts[topic] += 1
        candidates = [
            Candidate(pk, topic, code)
            for pk, topic, code in Question.objects.filter(active=True).values_list(
                "pk", "topic", "code"
            )
            if pk not in seen
        ]
        picked = pick_new(candidates, counts, need, rotate=staff_id)
        _new_cards(staff_id, picked, now)
        if picked:
            codes = dict(Question.objects.filter(pk__in=picked).values_list("pk", "code"))
            record(
                AuditAction.CREATE,
                object_type="awareness.card",
                object_id=str(staff_id),
                object_repr=f"weekly questions for staff #{staff_id}",
                changes={
                    "week_of": now.date().isoformat(),
                    "questions": [codes[q] for q in picked],
                },
            )
    return picked


def record_external_answer(
    *, staff_id: int, question_id: int, correct: bool, answered_at: dt.datetime
) -> Review | None:
    """An answer given in a campaign or course (`security.signals.question_answered`):
    the person's card learns from it like from a weekly answer. The same answer sent
    twice is recorded once."""
    if not Staff.objects.filter(pk=staff_id).exists():
        return None
    if not Question.objects.filter(pk=question_id).exists():
        return None
    with transaction.atomic():
        Card.objects.bulk_create(
            [
                Card(
                    staff_id=staff_id,
                    question_id=question_id,
                    due=answered_at,
                    created_at=answered_at,
                )
            ],
            ignore_conflicts=True,
        )
        card = Card.objects.select_for_update().get(staff_id=staff_id, question_id=question_id)
        if Review.objects.filter(card=card, answered_at=answered_at).exists():
            return None
        if card.last_review is not None and card.last_review > answered_at:
            # An answer older than the card's last one (a late signal): kept in the log,
            # the schedule is not moved back.
            review = Review.objects.create(
                card=card,
                staff_id=staff_id,
                question_id=question_id,
                rating=int(spacing.rating_for(correct)),
                correct=correct,
                via=AnswerVia.CAMPAIGN,
                answered_at=answered_at,
                next_due=card.due,
            )
        else:
            review = _review(
                card, correct=correct, chosen=[], via=AnswerVia.CAMPAIGN, at=answered_at
            )
        record(
            AuditAction.CREATE,
            obj=review,
            changes={"question_id": question_id, "via": AnswerVia.CAMPAIGN},
        )
    return review


def follow_up(
    *, staff_ids: Sequence[int], topic: str, reason: str, source: str, now: dt.datetime
) -> int:
    """Bring ``topic``'s questions forward for these people (`follow_up_needed`): up to
    `FOLLOW_UP_QUESTIONS` of them become due now and come first, marked with the reason.
    Once per person and ``source``: people already followed up for it are left alone.
    A constant number of queries for any number of people. Returns the people reached.
    """
    ids = sorted(
        set(Staff.objects.filter(pk__in=staff_ids, active=True).values_list("pk", flat=True))
    )
    if not ids or not source:
        return 0
    reason = reason[:200]
    with transaction.atomic():
        done = set(
            FollowUp.objects.filter(staff_id__in=ids, source=source[:100]).values_list(
                "staff_id", flat=True
            )
        )
        people = [pk for pk in ids if pk not in done]
        if not people:
            return 0
        try:
            with transaction.atomic():
                FollowUp.objects.bulk_create(
                    [
                        FollowUp(
                            staff_id=pk,
                            source=source[:100],
                            topic=topic,
                            reason=reason,
                            created_at=now,
                        )
                        for pk in people
                    ]
                )
        except IntegrityError:
            return 0  # the same signal handled at the same moment elsewhere
        questions = list(
            Question.objects.filter(topic=topic, active=True)
            .order_by("code")
            .values_list("pk", flat=True)
        )
        cards = {
            (c.staff_id, c.question_id): c
            for c in Card.objects.filter(staff_id__in=people, question_id__in=questions)
        }
        changed: list[Card] = []
        new: list[Card] = []
        for pk in people:
            # Questions never seen first, then those known least (longest due).
            unseen = [q for q in questions if (pk, q) not in cards]
            seen = sorted(
                (cards[(pk, q)] for q in questions if (pk, q) in cards),
                key=lambda c: (c.stability or 0.0, c.due),
            )
            for q in unseen[:FOLLOW_UP_QUESTIONS]:
                new.append(
                    Card(staff_id=pk, question_id=q, due=now, created_at=now, follow_up=reason)
                )
            for card in seen[: max(0, FOLLOW_UP_QUESTIONS - len(unseen))]:
                card.due = min(card.due, now)
                card.follow_up = reason
                changed.append(card)
        Card.objects.bulk_create(new, ignore_conflicts=True)
        Card.objects.bulk_update(changed, ["due", "follow_up"])
        record_many(
            [
                Entry(
                    AuditAction.CREATE,
                    "awareness.followup",
                    str(pk),
                    f"follow-up for staff #{pk}",
                    {"source": source, "topic": topic},
                )
                for pk in people
            ]
        )
    return len(people)


def save_settings(*, actor: Any, weekly_questions: int) -> AwarenessSettings:
    require_manager(actor)
    if not 1 <= weekly_questions <= MAX_WEEKLY_QUESTIONS:
        raise ValidationError(
            _("1週間の問題数は1〜%(max)s問にしてください。") % {"max": MAX_WEEKLY_QUESTIONS}
        )
    with transaction.atomic():
        row = AwarenessSettings.objects.select_for_update().filter(pk=1).first()
        before = row.weekly_questions if row else selectors.DEFAULT_WEEKLY_QUESTIONS
        creating = row is None
        row = row or AwarenessSettings(pk=1)
        row.weekly_questions = weekly_questions
        row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save()
        record(
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            actor=actor,
            obj=row,
            changes={"weekly_questions": [before, weekly_questions]},
        )
    return row

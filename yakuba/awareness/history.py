"""Synthetic answer history for the demo city and the benchmark, written in bulk.

Each simulated person meets the weekly flow as the product runs it — the questions due,
topped up with new ones picked like `services.introduce_week` — and answers some weeks
and not others, more often right as a question comes back. The schedule is FSRS's own
(`spacing.review`), so the cards and reviews look exactly like real ones. Deterministic
for a given seed; the dates come from the caller (the demo: relative to today; the
benchmark: fixed).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from yakuba.awareness import spacing
from yakuba.awareness.models import AnswerVia, Card, Review
from yakuba.awareness.weekly import Candidate, pick_new

BATCH = 2000


@dataclass
class _Person:
    staff_id: int
    skill: float  # chance to answer a question right the first time
    diligence: float  # chance to answer in a given week
    memory: dict[int, spacing.Memory] = field(default_factory=dict)
    created: dict[int, dt.datetime] = field(default_factory=dict)
    reps: Counter[int] = field(default_factory=Counter)
    lapses: Counter[int] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Answer:
    staff_id: int
    question_id: int
    rating: int
    correct: bool
    chosen: list[int]
    at: dt.datetime
    next_due: dt.datetime


def simulate(
    staff_ids: Sequence[int],
    questions: Sequence[Candidate],
    correct_orders: dict[int, list[int]],
    *,
    first_monday: dt.datetime,
    weeks: dict[int, int] | int,
    per_week: int = 3,
    seed: int = 14,
) -> tuple[list[Card], list[_Answer]]:
    """Cards (final state) and answers for ``weeks`` weeks from ``first_monday`` (an aware
    local Monday 0:00). ``weeks`` may differ per person ({staff_id: weeks}): their history
    then ends at the same week, started later. ``correct_orders``: the right choices
    (positions) per question, for the answers' ``chosen``."""
    rng = random.Random(seed)
    total_weeks = weeks if isinstance(weeks, int) else max(weeks.values(), default=0)
    people = [
        _Person(pk, skill=rng.uniform(0.55, 0.92), diligence=rng.uniform(0.55, 1.0))
        for pk in staff_ids
    ]
    by_id = {q.question_id: q for q in questions}
    answers: list[_Answer] = []
    for person in people:
        span = weeks if isinstance(weeks, int) else weeks.get(person.staff_id, total_weeks)
        for w in range(total_weeks - span, total_weeks):
            monday = first_monday + dt.timedelta(days=7 * w)
            week_end = monday + dt.timedelta(days=7)
            due = sorted((d.due, q) for q, d in person.memory.items() if d.due < week_end)
            need = per_week - len(due)
            if need > 0:
                fresh = [c for c in questions if c.question_id not in person.memory]
                for q in pick_new(fresh, person.topics, need, rotate=person.staff_id):
                    person.memory[q] = spacing.new_memory(monday + dt.timedelta(hours=6))
                    person.created[q] = monday + dt.timedelta(hours=6)
                    person.topics[by_id[q].topic] += 1
            if rng.random() > person.diligence:
                continue  # a busy week: nothing answered, the questions stay due
            at = monday + dt.timedelta(
                days=rng.randrange(5), hours=rng.randrange(8, 18), minutes=rng.randrange(60)
            )
            todo = sorted((d.due, q) for q, d in person.memory.items() if d.due <= at)
            for _due, q in todo[:per_week]:
                reps = person.reps[q]
                chance = min(0.97, person.skill + 0.12 * reps)
                correct = rng.random() < chance
                outcome = spacing.review(person.memory[q], correct, at)
                person.memory[q] = outcome.memory
                person.reps[q] += 1
                if not correct:
                    person.lapses[q] += 1
                right = correct_orders.get(q, [1])
                chosen = right if correct else [next(o for o in range(1, 5) if o not in right)]
                answers.append(
                    _Answer(
                        person.staff_id, q, outcome.rating, correct, chosen, at, outcome.memory.due
                    )
                )
                at += dt.timedelta(minutes=rng.randrange(1, 4))
    cards = [
        Card(
            staff_id=p.staff_id,
            question_id=q,
            due=m.due,
            state=m.state,
            step=m.step,
            stability=m.stability,
            difficulty=m.difficulty,
            last_review=m.last_review,
            reps=p.reps[q],
            lapses=p.lapses[q],
            created_at=p.created[q],
        )
        for p in people
        for q, m in p.memory.items()
    ]
    return cards, answers


def write(cards: list[Card], answers: list[_Answer]) -> tuple[int, int]:
    """Insert the cards, then the answers as reviews of them (bulk, in batches)."""
    Card.objects.bulk_create(cards, batch_size=BATCH)
    staff_ids = sorted({c.staff_id for c in cards})
    ids: dict[tuple[int, int], int] = {}
    for start in range(0, len(staff_ids), 500):
        chunk = staff_ids[start : start + 500]
        for pk, staff_id, question_id in Card.objects.filter(staff_id__in=chunk).values_list(
            "pk", "staff_id", "question_id"
        ):
            ids[(staff_id, question_id)] = pk
    reviews = (
        Review(
            card_id=ids[(a.staff_id, a.question_id)],
            staff_id=a.staff_id,
            question_id=a.question_id,
            rating=a.rating,
            correct=a.correct,
            chosen=a.chosen,
            via=AnswerVia.WEEKLY,
            answered_at=a.at,
            next_due=a.next_due,
        )
        for a in answers
    )
    written = 0
    batch: list[Review] = []
    for review in reviews:
        batch.append(review)
        if len(batch) >= BATCH:
            Review.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    if batch:
        Review.objects.bulk_create(batch)
        written += len(batch)
    return len(cards), written

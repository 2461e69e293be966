"""Spaced repetition: when a question comes back to a person, by FSRS (PyPI `fsrs`).

Pure functions, no database: a card's memory state and an answer in, the new state and
its due time out. The weekly flow puts a few questions a week to each person, so the
minute-long learning steps FSRS uses for daily flashcards mean nothing here: there are
none, and every answer schedules the question whole days ahead. A wrong answer (Again)
brings it back the next day (in practice the next time the person has a free slot that
week or the next); a right one (Good) sends it days, then weeks, then months away, at
most a year (`MAXIMUM_INTERVAL_DAYS`), so a known rule is still met once a year.

No fuzzing: the same answers give the same schedule (tests, demo, benchmark).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from fsrs import Card, Rating, Scheduler, State

DESIRED_RETENTION = 0.9
MAXIMUM_INTERVAL_DAYS = 365
# A stable placeholder id: fsrs makes one from the clock (and sleeps 1 ms) otherwise.
_CARD_ID = 1


@dataclass(frozen=True)
class Memory:
    """The FSRS card of one person and one question, as stored on `models.Card`."""

    due: dt.datetime
    state: int = State.Learning.value
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    last_review: dt.datetime | None = None


@dataclass(frozen=True)
class Outcome:
    memory: Memory
    rating: int


@lru_cache(maxsize=1)
def scheduler() -> Scheduler:
    return Scheduler(
        desired_retention=DESIRED_RETENTION,
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=MAXIMUM_INTERVAL_DAYS,
        enable_fuzzing=False,
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(dt.UTC)


def new_memory(due: dt.datetime) -> Memory:
    """A question never answered, due at ``due``."""
    return Memory(due=due)


def rating_for(correct: bool) -> Rating:
    """Wrong → Again (forgotten); right → Good. Hard/Easy would need a judgement the
    person does not give here, and a quick right answer may be a lucky guess."""
    return Rating.Good if correct else Rating.Again


def _card(memory: Memory) -> Card:
    return Card(
        card_id=_CARD_ID,
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=_utc(memory.due),
        last_review=_utc(memory.last_review) if memory.last_review else None,
    )


def review(memory: Memory, correct: bool, at: dt.datetime) -> Outcome:
    """The memory after answering at ``at`` (right or wrong), with its next due time."""
    rating = rating_for(correct)
    card, _log = scheduler().review_card(_card(memory), rating, review_datetime=_utc(at))
    return Outcome(
        Memory(
            due=card.due,
            state=card.state.value,
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            last_review=card.last_review,
        ),
        int(rating),
    )


def retrievability(memory: Memory, at: dt.datetime) -> float:
    """The probability FSRS gives that the person still knows the answer at ``at``
    (0 for a question never answered)."""
    if memory.last_review is None or memory.stability is None:
        return 0.0
    return float(scheduler().get_card_retrievability(_card(memory), current_datetime=_utc(at)))

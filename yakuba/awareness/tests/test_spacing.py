"""FSRS through `spacing`: a wrong answer comes back soon, a known one rarely."""

from __future__ import annotations

import datetime as dt

from yakuba.awareness import spacing

START = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)


def _days(memory: spacing.Memory, at: dt.datetime) -> float:
    return (memory.due - at).total_seconds() / 86400


def test_a_wrong_answer_comes_back_sooner_than_a_right_one() -> None:
    new = spacing.new_memory(START)
    wrong = spacing.review(new, False, START)
    right = spacing.review(new, True, START)
    assert wrong.rating == 1 and right.rating == 3  # Again, Good
    assert 0 < _days(wrong.memory, START) <= 1  # the next day at the latest
    assert _days(right.memory, START) > _days(wrong.memory, START)


def test_a_known_question_comes_back_more_and_more_rarely_up_to_a_year() -> None:
    memory, at = spacing.new_memory(START), START
    gaps = []
    for _ in range(8):
        memory = spacing.review(memory, True, at).memory
        gaps.append(_days(memory, at))
        at = memory.due
    assert gaps == sorted(gaps) and gaps[-1] > 60
    assert max(gaps) <= spacing.MAXIMUM_INTERVAL_DAYS


def test_forgetting_a_known_question_brings_it_back_within_days() -> None:
    memory, at = spacing.new_memory(START), START
    for _ in range(5):
        memory = spacing.review(memory, True, at).memory
        at = memory.due
    known_gap = _days(spacing.review(memory, True, at).memory, at)
    lapsed = spacing.review(memory, False, at).memory
    assert _days(lapsed, at) <= 7 and known_gap > 60  # back next week, not next year
    assert lapsed.stability is not None and memory.stability is not None
    assert lapsed.stability < memory.stability


def test_retrievability_fades_with_time_and_is_zero_before_any_answer() -> None:
    assert spacing.retrievability(spacing.new_memory(START), START) == 0.0
    memory = spacing.review(spacing.new_memory(START), True, START).memory
    soon = spacing.retrievability(memory, START + dt.timedelta(days=1))
    later = spacing.retrievability(memory, START + dt.timedelta(days=30))
    assert 1.0 >= soon > later > 0.0


def test_same_answers_give_the_same_schedule_in_any_time_zone() -> None:
    jst = dt.timezone(dt.timedelta(hours=9))
    a = spacing.review(spacing.new_memory(START), True, START).memory
    b = spacing.review(spacing.new_memory(START), True, START.astimezone(jst)).memory
    assert a == b

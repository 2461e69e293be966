"""Interval arithmetic and the catch-up selection (examples and properties)."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.meetings import catchup, intervals

spans = st.lists(
    st.tuples(st.integers(0, 3600), st.integers(0, 600)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=20,
)


def test_merge_joins_overlapping_and_touching_and_drops_empty() -> None:
    assert intervals.merge([(5, 10), (0, 3), (3, 4), (9, 12), (20, 20)]) == [(0, 4), (5, 12)]


def test_clip_and_gaps_include_late_start_and_early_leave() -> None:
    present = [(-100, 50), (200, 230), (240, 900)]
    assert intervals.clip(present, 0, 1000) == [(0, 50), (200, 230), (240, 900)]
    # 50–200 (150 s) and 900–1000 (100 s) count; the 10-second blip does not.
    assert intervals.gaps(present, 0, 1000, threshold=60) == [(50, 200), (900, 1000)]


def test_classify_late_early_drops() -> None:
    att = intervals.classify([(120, 500), (505, 800), (900, 3000)], 0, 3600, threshold=60)
    assert att.late and att.left_early and not att.absent_entirely
    assert att.drops == 2 and att.long_drops == 1
    assert att.absences == [(0, 120), (800, 900), (3000, 3600)]
    nobody = intervals.classify([], 0, 3600)
    assert nobody.absent_entirely and nobody.absences == [(0, 3600)]
    fine = intervals.classify([(0, 3600)], 0, 3600)
    assert not fine.needs_catchup and fine.drops == 0


def test_pair_handles_out_of_order_duplicates_and_missing_ends() -> None:
    points = [(300, "leave"), (100, "join"), (400, "join"), (100, "join"), (300, "leave")]
    assert intervals.pair(points, 0, 1000) == [(100, 300), (400, 1000)]
    # A leave whose join was never received counts from the start.
    assert intervals.pair([(50, "leave")], 0, 1000) == [(0, 50)]
    # Two devices at once are one presence.
    two = [(10, "join"), (20, "join"), (30, "leave"), (40, "leave")]
    assert intervals.pair(two, 0, 100) == [(10, 40)]


@given(spans)
def test_merge_is_idempotent_and_order_independent(items: list[tuple[int, int]]) -> None:
    merged = intervals.merge(items)
    assert intervals.merge(merged) == merged
    shuffled = list(items)
    random.Random(len(items)).shuffle(shuffled)
    assert intervals.merge(shuffled) == merged
    for (_a, b), (c, _d) in itertools.pairwise(merged):
        assert b < c


@given(spans, st.integers(0, 300))
def test_gaps_and_presence_partition_the_meeting(items: list[tuple[int, int]], thr: int) -> None:
    start, end = 0, 3600
    present = intervals.clip(items, start, end)
    absent = intervals.complement(present, start, end)
    assert intervals.total(present) + intervals.total(absent) == end - start
    assert all(e - s >= thr for s, e in intervals.gaps(present, start, end, thr))


@given(spans, st.lists(st.integers(0, 3599), max_size=30), st.lists(st.booleans(), max_size=30))
# No per-example deadline: on a loaded 2-core CI machine one example can take 0.5 s.
@settings(max_examples=200, deadline=None)
def test_selected_items_are_exactly_those_at_absent_times(
    presence: list[tuple[int, int]], times: list[int], mine: list[bool]
) -> None:
    start, end = 0, 3600
    present = intervals.clip(presence, start, end)
    absences = intervals.gaps(present, start, end, threshold=0)
    items = [
        catchup.Item(f"m{i}", "action", t, None, 7 if i < len(mine) and mine[i] else 8)
        for i, t in enumerate(times)
    ]
    chosen = {c.item.key: c for c in catchup.select(absences, items, person=7)}
    for item in items:
        inside = any(s <= item.at < e for s, e in present)
        assert (item.key in chosen) == (not inside or item.owner == 7)
        if item.key in chosen:
            assert chosen[item.key].missed == (not inside)
            assert chosen[item.key].assigned == (item.owner == 7)


def test_agenda_item_missed_part_is_reported() -> None:
    items = [
        catchup.Item("a1", "agenda", 0, 600),
        catchup.Item("a2", "agenda", 600, 1800),
        catchup.Item("a3", "agenda", 1800, 3600),
        catchup.Item("m1", "decision", 700),
        catchup.Item("m2", "note", 2000),
        catchup.Item("m3", "action", 3000, owner=5),
    ]
    chosen = catchup.select([(650, 900)], items, person=5)
    assert [c.item.key for c in chosen] == ["a2", "m1", "m3"]
    assert (chosen[0].missed_from, chosen[0].missed_to) == (650, 900)
    assert chosen[2].assigned and not chosen[2].missed


def test_catchup_for_300_people_is_fast() -> None:
    import time

    rng = random.Random(3)
    items = [catchup.Item(f"m{i}", "note", rng.uniform(0, 10800)) for i in range(400)]
    t0 = time.perf_counter()
    for _person in range(300):
        cuts = sorted(rng.uniform(0, 10800) for _ in range(14))
        present = [(cuts[i], cuts[i + 1]) for i in range(0, 14, 2)]
        att = intervals.classify(present, 0, 10800)
        catchup.select(att.absences, items, person=1)
    assert time.perf_counter() - t0 < 5  # generous: the bench measures the real figure


def test_nobody_misses_the_time_a_meeting_was_not_running() -> None:
    idle = [(1200, 1320)]  # restarted: everyone disconnected for two minutes
    att = intervals.classify([(0, 1200), (1320, 3600)], 0, 3600, 60, idle)
    assert not att.needs_catchup and att.long_drops == 0
    late = intervals.classify([(0, 1200), (1500, 3600)], 0, 3600, 60, idle)
    assert late.absences == [(1320, 1500)]
    absent = intervals.classify([], 0, 3600, 60, idle)
    assert absent.absent_entirely and absent.absences == [(0, 1200), (1320, 3600)]
    # No attendance data at all: nobody can be said to have missed anything.
    assert not intervals.classify([], 0, 3600, 60, [(0, 3600)]).needs_catchup

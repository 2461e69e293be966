"""Licence peak concurrency: the sweep line, against a brute force."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.licences.concurrency import Peak, clip, count_at, daily_peaks, peak


def test_no_meetings_no_peak() -> None:
    assert peak([]) == Peak(0)
    assert peak([(5, 5), (9, 3)]).count == 0  # empty and reversed intervals take nothing


def test_overlapping_meetings_count_together() -> None:
    result = peak([(0, 60), (30, 90), (45, 50), (100, 120)])
    assert result.count == 3
    assert result.at == 45
    assert result.seconds == 5


def test_touching_meetings_are_not_concurrent() -> None:
    """A meeting ending at 10:00 and one starting at 10:00 need one licence, not two."""
    ten = 10 * 3600
    assert peak([(9 * 3600, ten), (ten, 11 * 3600)]).count == 1
    assert peak([(0, 10), (10, 20), (20, 30), (5, 10)]).count == 2


def test_identical_meetings_are_concurrent() -> None:
    assert peak([(0, 10), (0, 10), (0, 10)]) == Peak(3, 0, 10)


def test_meetings_spanning_the_month_boundary_are_clipped() -> None:
    month_start, month_end = 1000, 2000
    intervals = [(900, 1100), (1900, 2100), (500, 800), (2000, 2500), (950, 1000)]
    assert clip(intervals, month_start, month_end) == [(1000, 1100), (1900, 2000)]
    assert peak(clip(intervals, month_start, month_end)).count == 1


def test_peak_time_is_the_first_time_reached_and_seconds_add_up() -> None:
    result = peak([(0, 10), (5, 15), (20, 30), (25, 40)])
    assert (result.count, result.at, result.seconds) == (2, 5, 10)


def test_daily_peaks_clip_meetings_that_cross_midnight() -> None:
    day = 86400
    intervals = [(day - 3600, day + 3600), (day + 1800, day + 7200), (10, 20)]
    peaks = daily_peaks(intervals, [(0, day), (day, 2 * day), (2 * day, 3 * day)])
    assert [p.count for p in peaks] == [1, 2, 0]
    assert peaks[1].at == day + 1800


def _brute(intervals: list[tuple[int, int]]) -> int:
    starts = {s for s, e in intervals if e > s}
    return max((count_at(intervals, t) for t in starts), default=0)


intervals_st = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 200)).map(lambda p: (min(p), max(p))),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(intervals_st)
def test_sweep_matches_brute_force(intervals: list[tuple[int, int]]) -> None:
    result = peak(intervals)
    assert result.count == _brute(intervals)
    if result.count:
        assert result.at is not None
        assert count_at(intervals, result.at) == result.count
        assert all(count_at(intervals, t) < result.count for t in range(0, int(result.at)))
        # Time at the peak: integer sampling over the (integer) timeline.
        assert result.seconds == sum(
            1 for t in range(0, 201) if count_at(intervals, t) == result.count
        )


@settings(max_examples=200, deadline=None)
@given(intervals_st, st.integers(1, 50))
def test_daily_peaks_match_brute_force(intervals: list[tuple[int, int]], length: int) -> None:
    days = [(d, d + length) for d in range(0, 200, length)]
    peaks = daily_peaks(intervals, days)
    for (s, e), p in zip(days, peaks, strict=True):
        expected = max((count_at(intervals, t) for t in range(s, e)), default=0)
        assert p.count == expected
    assert max((p.count for p in peaks), default=0) == peak(clip(intervals, 0, days[-1][1])).count

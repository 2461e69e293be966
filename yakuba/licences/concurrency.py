"""Peak concurrency of meetings by a sweep line, in plain functions (times as epoch seconds).

A meeting is a half-open interval ``[start, end)``: one that ends at 10:00 and one that
starts at 10:00 are *not* concurrent, so at equal times ends are swept before starts.
Empty intervals (``end <= start``) take no licence and are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Interval = tuple[float, float]


@dataclass(frozen=True)
class Peak:
    """The most meetings running at once, when that was first reached, and for how long."""

    count: int
    at: float | None = None  # first moment the peak was reached (None when count is 0)
    seconds: float = 0.0  # total time spent at the peak


def clip(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    """Each interval cut to ``[start, end)``; those left empty are dropped (no merging:
    two meetings at the same time stay two)."""
    out = []
    for s, e in intervals:
        s, e = max(s, start), min(e, end)
        if e > s:
            out.append((s, e))
    return out


def peak(intervals: Iterable[Interval]) -> Peak:
    """The sweep: +1 at each start, -1 at each end, ends first at equal times."""
    events: list[tuple[float, int]] = []
    for s, e in intervals:
        if e > s:
            events.append((s, 1))
            events.append((e, -1))
    if not events:
        return Peak(0)
    events.sort()  # (t, -1) sorts before (t, +1): an end frees its licence first
    best, best_at, at_peak_s = 0, None, 0.0
    running = 0
    for i, (t, delta) in enumerate(events):
        running += delta
        nxt = events[i + 1][0] if i + 1 < len(events) else t
        if running > best:
            best, best_at, at_peak_s = running, t, 0.0
        if running == best and best > 0:
            at_peak_s += nxt - t
    return Peak(best, best_at, at_peak_s)


def count_at(intervals: Sequence[Interval], t: float) -> int:
    """Meetings running at the instant `t` (the brute-force reference for the sweep)."""
    return sum(1 for s, e in intervals if s <= t < e)


def daily_peaks(intervals: Sequence[Interval], day_bounds: Sequence[Interval]) -> list[Peak]:
    """The peak inside each day (``day_bounds`` are the days' ``[start, end)``)."""
    ordered = sorted((s, e) for s, e in intervals if e > s)
    result = []
    lo = 0
    for day_start, day_end in day_bounds:
        # Intervals are sorted by start; those ending before this day can be skipped for
        # good only if every later day starts later too (day_bounds are in order).
        while lo < len(ordered) and ordered[lo][0] < day_start and ordered[lo][1] <= day_start:
            lo += 1
        candidates = []
        for s, e in ordered[lo:]:
            if s >= day_end:
                break
            candidates.append((s, e))
        result.append(peak(clip(candidates, day_start, day_end)))
    return result

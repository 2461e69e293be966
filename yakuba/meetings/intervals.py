"""Interval arithmetic on presence, in plain functions (times as epoch seconds, floats).

An interval is a half-open pair ``(start, end)``: a person who joins at 10 and leaves at
20 was present at 10 and at 19.9 but not at 20. Intervals that overlap or touch merge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

Interval = tuple[float, float]

DEFAULT_THRESHOLD_S = 60.0


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping, non-touching intervals covering the same time; empty ones go."""
    result: list[list[float]] = []
    for start, end in sorted((s, e) for s, e in intervals if e > s):
        if result and start <= result[-1][1]:
            if end > result[-1][1]:
                result[-1][1] = end
        else:
            result.append([start, end])
    return [(s, e) for s, e in result]


def clip(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    """The merged intervals cut to ``[start, end)``."""
    return merge((max(s, start), min(e, end)) for s, e in intervals)


def complement(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    """The parts of ``[start, end)`` not covered by `intervals`."""
    out: list[Interval] = []
    cursor = start
    for s, e in clip(intervals, start, end):
        if s > cursor:
            out.append((cursor, s))
        cursor = max(cursor, e)
    if cursor < end:
        out.append((cursor, end))
    return out


def gaps(
    intervals: Iterable[Interval],
    start: float,
    end: float,
    threshold: float = DEFAULT_THRESHOLD_S,
) -> list[Interval]:
    """Absences inside the meeting lasting at least `threshold` seconds (late start and
    early leave included)."""
    return [(s, e) for s, e in complement(intervals, start, end) if e - s >= threshold]


def total(intervals: Iterable[Interval]) -> float:
    return sum(e - s for s, e in merge(intervals))


def contains(intervals: list[Interval], t: float) -> bool:
    """Whether `t` lies in one of the (merged, sorted) intervals."""
    lo, hi = 0, len(intervals)
    while lo < hi:
        mid = (lo + hi) // 2
        if intervals[mid][1] <= t:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(intervals) and intervals[lo][0] <= t


@dataclass
class Attendance:
    """How one person attended: the classification the timeline and the catch-up use."""

    present: list[Interval]
    absences: list[Interval]  # gaps ≥ threshold, late start and early leave included
    absent_entirely: bool = False
    late: bool = False
    left_early: bool = False
    drops: int = 0  # reconnections: gaps between two connections, any length
    long_drops: int = 0  # of which ≥ threshold
    present_s: float = 0.0
    internal: list[Interval] = field(default_factory=list)  # the gaps counted in `drops`
    notes: list[str] = field(default_factory=list)

    @property
    def needs_catchup(self) -> bool:
        return bool(self.absences)


def classify(
    intervals: Iterable[Interval],
    start: float,
    end: float,
    threshold: float = DEFAULT_THRESHOLD_S,
    idle: Iterable[Interval] = (),
) -> Attendance:
    """How one person attended. `idle` are the times when the meeting was not running
    (nobody connected, e.g. while it was restarted): nobody is absent from those."""
    present = clip(intervals, start, end)
    idle = clip(idle, start, end)
    if not present:
        absences = gaps(idle, start, end, threshold)
        return Attendance(present=[], absences=absences, absent_entirely=True)
    filled = merge([*present, *idle])
    absences = gaps(filled, start, end, threshold)
    internal = [(a[1], b[0]) for a, b in pairwise(filled)]
    return Attendance(
        present=present,
        absences=absences,
        late=bool(absences) and absences[0][0] == start,
        left_early=bool(absences) and absences[-1][1] == end,
        drops=len(internal),
        long_drops=sum(1 for s, e in internal if e - s >= threshold),
        present_s=total(present),
        internal=internal,
    )


def ts(value: dt.datetime) -> float:
    return value.timestamp()


def to_dt(value: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)


def pair(points: Iterable[tuple[float, str]], start: float, end: float) -> list[Interval]:
    """Join/leave points (in any order, duplicates allowed) → presence intervals.

    Points are ordered by their own times; a leave with no join before it counts from
    `start` (the join was missed), a join never followed by a leave lasts until `end`.
    Several devices at once (join, join, leave, leave) count as one presence.
    """
    ordered = sorted(set(points), key=lambda p: (p[0], 0 if p[1] == "leave" else 1))
    out: list[Interval] = []
    depth = 0
    opened = start
    seen_any = False
    for t, kind in ordered:
        if kind == "join":
            if depth == 0:
                opened = t
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                out.append((opened, t))
        elif not seen_any:
            out.append((start, t))
        seen_any = True
    if depth > 0:
        out.append((opened, max(end, opened)))
    return merge(out)

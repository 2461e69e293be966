"""Connection quality in meetings, as plain functions (no database, no settings).

Per person over a look-back window: meetings attended, connected time, drops, and drops
per meeting hour. A drop is a gap between two of the person's connections *inside* a
meeting (`intervals.Attendance.internal`: a late start or an early leave is not a drop,
nor a time when nobody at all was connected) lasting longer than `min_gap_s` — a
reconnection of a second or two while a device hands over is not noticed by anyone.

The summary by unit is anonymous: a unit with fewer than `min_group` measured people is
merged with the other small units into one row, and left out (only counted) when even
those together are too few.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from yakuba.meetings import intervals

DEFAULT_MIN_GAP_S = 5.0
DEFAULT_DROPS_PER_HOUR = 2.0
DEFAULT_MIN_HOURS = 1.0
DEFAULT_WINDOW_DAYS = 30
DEFAULT_MIN_GROUP = 3


@dataclass(frozen=True)
class Thresholds:
    drops_per_hour: float = DEFAULT_DROPS_PER_HOUR
    min_hours: float = DEFAULT_MIN_HOURS  # less connected time than this is not judged
    min_gap_s: float = DEFAULT_MIN_GAP_S


@dataclass(frozen=True)
class MeetingRecord:
    """One person in one meeting: the time connected and the gaps between connections."""

    staff_id: int
    meeting_id: int
    connected_s: float
    gaps: tuple[float, ...] = ()  # durations (s) of the gaps inside the meeting

    @classmethod
    def from_attendance(
        cls, staff_id: int, meeting_id: int, att: intervals.Attendance
    ) -> MeetingRecord:
        return cls(staff_id, meeting_id, att.present_s, tuple(e - s for s, e in att.internal))

    def drops(self, min_gap_s: float = DEFAULT_MIN_GAP_S) -> int:
        return sum(1 for g in self.gaps if g > min_gap_s)


@dataclass(frozen=True)
class PersonQuality:
    staff_id: int
    meetings: int = 0
    connected_s: float = 0.0
    drops: int = 0

    @property
    def connected_hours(self) -> float:
        return self.connected_s / 3600.0

    @property
    def drops_per_hour(self) -> float | None:
        """None when there is no connected time to divide by."""
        hours = self.connected_hours
        return self.drops / hours if hours > 0 else None

    def measured(self, t: Thresholds) -> bool:
        """Enough connected time for the rate to mean something."""
        return self.drops_per_hour is not None and self.connected_hours >= t.min_hours

    def above(self, t: Thresholds) -> bool:
        rate = self.drops_per_hour
        return self.measured(t) and rate is not None and rate > t.drops_per_hour


def per_person(
    records: Iterable[MeetingRecord], *, min_gap_s: float = DEFAULT_MIN_GAP_S
) -> dict[int, PersonQuality]:
    """Sum each person's meetings (a meeting without connected time is not "attended")."""
    meetings: dict[int, set[int]] = defaultdict(set)
    seconds: dict[int, float] = defaultdict(float)
    drops: dict[int, int] = defaultdict(int)
    for r in records:
        if r.connected_s <= 0:
            continue
        meetings[r.staff_id].add(r.meeting_id)
        seconds[r.staff_id] += r.connected_s
        drops[r.staff_id] += r.drops(min_gap_s)
    return {
        pk: PersonQuality(pk, len(meetings[pk]), seconds[pk], drops[pk]) for pk in sorted(meetings)
    }


@dataclass
class Group:
    """One row of the summary: `key` is a unit (or None for the merged small units)."""

    key: Hashable | None
    people: int = 0
    above: int = 0
    rates: list[float] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # staff ids, for SHOW_NAMES only

    def add(self, person: PersonQuality, t: Thresholds) -> None:
        self.people += 1
        self.above += person.above(t)
        self.rates.append(person.drops_per_hour or 0.0)
        self.members.append(person.staff_id)

    def extend(self, other: Group) -> None:
        self.people += other.people
        self.above += other.above
        self.rates += other.rates
        self.members += other.members

    @property
    def median(self) -> float:
        return statistics.median(self.rates) if self.rates else 0.0

    @property
    def mean(self) -> float:
        return statistics.fmean(self.rates) if self.rates else 0.0

    @property
    def above_share(self) -> float:
        return 100.0 * self.above / self.people if self.people else 0.0


@dataclass
class Summary:
    rows: list[Group]  # units with at least `min_group` measured people
    merged: Group | None  # the small units together, when they are enough
    total: Group  # everyone shown (rows and merged); hidden people are not in it
    merged_units: int
    hidden_units: int
    hidden_people: int
    unmeasured: int  # people with some, but too little, connected time
    min_group: int


def by_unit(
    people: Iterable[PersonQuality],
    unit_of: Mapping[int, Hashable],
    t: Thresholds,
    *,
    min_group: int = DEFAULT_MIN_GROUP,
) -> Summary:
    """Measured people grouped by unit (`unit_of`: staff id → unit key; others skipped)."""
    groups: dict[Hashable, Group] = {}
    unmeasured = 0
    for person in people:
        unit = unit_of.get(person.staff_id)
        if unit is None:
            continue
        if not person.measured(t):
            unmeasured += 1
            continue
        groups.setdefault(unit, Group(unit)).add(person, t)
    rows = [g for g in groups.values() if g.people >= min_group]
    small = [g for g in groups.values() if g.people < min_group]
    pooled = Group(None)
    for g in small:
        pooled.extend(g)
    merged = pooled if pooled.people >= min_group else None
    total = Group(None)
    for g in [*rows, *([merged] if merged else [])]:
        total.extend(g)
    return Summary(
        rows=rows,
        merged=merged,
        total=total,
        merged_units=len(small) if merged else 0,
        hidden_units=0 if merged else len(small),
        hidden_people=0 if merged else pooled.people,
        unmeasured=unmeasured,
        min_group=min_group,
    )

"""Problem description for the roster optimizer: plain dataclasses, no solver, no Django.

A :class:`Problem` is staff × days × activities. Every (staff, day) cell gets exactly one
activity or ``None`` (off). Day indices run from 0 to ``horizon - 1``; ``start_weekday``
(0 = Monday … 6 = Sunday) anchors weekends, and ``start_date`` (optional) is only used to
render dates in messages.

Hard rules make a roster infeasible; soft rules add weighted penalties to the objective.
The Django app maps its ORM onto these classes, so they carry ids (strings) rather than
object references, and every collection has a sensible empty default.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Literal

#: Roster: staff id -> one entry per day, an activity id or ``None`` for a day off.
Roster = dict[str, list[str | None]]


@dataclass(frozen=True)
class Activity:
    """Something a staff member does for a whole day (a shift, counter, telework, ...)."""

    id: str
    minutes: int = 480
    #: Activities that must not be done on the day after this one.
    forbidden_next: frozenset[str] = frozenset()
    #: Whether the day counts as a working day for runs and weekends (paid leave does not).
    working: bool = True
    #: Display name (e.g. "住民票"); defaults to the id in messages.
    name: str = ""
    #: Activities that count as "in the office" for split-team rules.
    in_office: bool = True

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass
class Staff:
    """One staff member and their personal hard limits."""

    id: str
    name: str = ""
    #: Maximum number of days per activity id; missing ids are unlimited, 0 forbids.
    max_per_activity: dict[str, int] = field(default_factory=dict)
    min_minutes: int = 0
    max_minutes: int | None = None
    max_consecutive: int | None = None
    #: Minimum length of a working run not touching the horizon edges (1 = no rule).
    min_consecutive: int = 1
    #: Minimum length of a run of days off not touching the horizon edges (1 = no rule).
    min_consecutive_off: int = 1
    max_weekends: int | None = None
    #: Days on which this person must not work (holiday, leave already granted).
    days_off: frozenset[int] = frozenset()
    #: Activities this person may ever do (None = all).
    allowed: frozenset[str] | None = None
    #: Per-day eligibility: day -> allowed activity ids that day (overrides ``allowed``).
    allowed_by_day: dict[int, frozenset[str]] = field(default_factory=dict)
    skills: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Cover:
    """Wanted number of people on ``activity`` on ``day`` (optionally having ``skill``).

    Penalty ``weight_under`` per missing and ``weight_over`` per extra person; when
    ``hard_min`` is set, fewer than that many people makes the roster infeasible.
    """

    day: int
    activity: str
    target: int
    weight_under: int = 100
    weight_over: int = 1
    skill: str | None = None
    hard_min: int | None = None


@dataclass(frozen=True)
class Request:
    """A wish: ``on`` = wants ``activity`` that day, else does not want it.

    ``activity=None`` means "any working activity" (so an off-request with no activity is
    a day-off request).
    """

    staff: str
    day: int
    activity: str | None
    weight: int
    on: bool = True


@dataclass(frozen=True)
class Pin:
    """A fixed assignment (``activity=None`` pins a day off)."""

    staff: str
    day: int
    activity: str | None


@dataclass(frozen=True)
class Capacity:
    """At most ``max_staff`` people per day on any of ``activities`` (e.g. VPN seats)."""

    name: str
    activities: frozenset[str]
    max_staff: int
    #: Days the limit applies to (None = every day).
    days: frozenset[int] | None = None


@dataclass(frozen=True)
class SplitTeams:
    """Teams that must never share the office on the same day.

    With two or more ``teams`` and ``period_days == 0``: on every day at most one of them
    has anybody on an ``in_office`` activity. With ``period_days = p > 0`` the teams
    alternate: in block ``k = (day + offset) // p`` only team ``k % len(teams)`` may be in
    the office.
    """

    name: str
    teams: tuple[frozenset[str], ...]
    period_days: int = 0
    offset: int = 0


@dataclass(frozen=True)
class Fairness:
    """Spread a count evenly among ``staff``: days on ``activities`` among ``days``.

    ``mode="spread"`` costs ``weight × (max − min)``; ``mode="deviation"`` costs
    ``weight × Σ|N·c_e − T|`` (N staff, T total: N times the L1 deviation from the mean,
    kept integral so the objective stays an integer). ``activities=None`` counts any
    working day (e.g. weekend duty with ``days`` = weekend days).
    """

    name: str
    staff: frozenset[str]
    weight: int
    activities: frozenset[str] | None = None
    days: frozenset[int] | None = None
    mode: Literal["spread", "deviation"] = "spread"


@dataclass(frozen=True)
class SubstituteDayOff:
    """Working on a duty day (weekend/holiday) requires a day off on a non-duty day within
    ``[day - before, day + after]`` (振替休日). Applies to ``staff`` (None = everybody)."""

    name: str
    duty_days: frozenset[int]
    after: int = 7
    before: int = 0
    staff: frozenset[str] | None = None


@dataclass(frozen=True)
class WindowLimit:
    """Per person and window of days: between ``min_days`` and ``max_days`` days on
    ``activities`` (``None`` = any working activity). E.g. telework at most 3 days in a
    calendar week, or at least 1 office day in it."""

    name: str
    staff: str
    days: frozenset[int]
    activities: frozenset[str] | None = None
    max_days: int | None = None
    min_days: int = 0


@dataclass
class Problem:
    """A complete rostering problem. See the module docstring for the conventions."""

    horizon: int
    activities: list[Activity]
    staff: list[Staff]
    cover: list[Cover] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)
    capacities: list[Capacity] = field(default_factory=list)
    split_teams: list[SplitTeams] = field(default_factory=list)
    fairness: list[Fairness] = field(default_factory=list)
    substitute_days_off: list[SubstituteDayOff] = field(default_factory=list)
    window_limits: list[WindowLimit] = field(default_factory=list)
    #: Previous roster for repair; each changed cell costs ``stability_weight``.
    previous: Roster | None = None
    stability_weight: int = 0
    start_weekday: int = 0
    start_date: _dt.date | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.start_date is not None:
            self.start_weekday = self.start_date.weekday()

    # --- derived helpers shared by solver and evaluator (pure calendar facts) ---
    def weekday(self, day: int) -> int:
        return (self.start_weekday + day) % 7

    def weekends(self) -> list[list[int]]:
        """Saturday/Sunday days grouped by calendar week (partial weekends at edges kept)."""
        groups: dict[int, list[int]] = {}
        for d in range(self.horizon):
            if self.weekday(d) >= 5:
                groups.setdefault((self.start_weekday + d) // 7, []).append(d)
        return [groups[k] for k in sorted(groups)]

    def day_label(self, day: int) -> str:
        if self.start_date is not None:
            return (self.start_date + _dt.timedelta(days=day)).isoformat()
        return f"day {day}"

    def activity(self, activity_id: str) -> Activity:
        for a in self.activities:
            if a.id == activity_id:
                return a
        raise KeyError(activity_id)

    def staff_member(self, staff_id: str) -> Staff:
        for s in self.staff:
            if s.id == staff_id:
                return s
        raise KeyError(staff_id)


def allowed_activities(problem: Problem, staff: Staff, day: int) -> frozenset[str]:
    """Activities ``staff`` may do on ``day`` from eligibility alone (no pins, no limits)."""
    if day in staff.days_off:
        return frozenset()
    if day in staff.allowed_by_day:
        return staff.allowed_by_day[day]
    ids = frozenset(a.id for a in problem.activities)
    return ids if staff.allowed is None else ids & staff.allowed

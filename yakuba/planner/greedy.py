"""A fast start roster for the municipal problem shape (counters, duty days, seats).

CP-SAT needs tens of seconds to find a first roster for a whole office (600 people × 31
days) because every hard rule couples people; :class:`GreedyRoster` builds one in
milliseconds: weekend/holiday counter duty first (each with a substitute weekday off),
then weekday counters (scarce skills first, fewest counter days first), then everyone
else where they asked to be or in the office. :func:`repaired_roster` is the start of a
repair: the previous roster with new leave applied. Neither is checked here: the caller
passes a start on only when the independent evaluator finds it feasible.

Rosters use ``None`` for a day off (:data:`yakuba.planner.model.Roster`).
"""

from __future__ import annotations

from collections import defaultdict

from .model import Capacity, Cover, Problem, Roster, WindowLimit, allowed_activities


class GreedyRoster:
    """The state of one greedy pass: the roster so far, the cells it may no longer change,
    and the counts (seats, window limits, counter and duty days, weekends) it checks."""

    def __init__(self, problem: Problem, office: str | None) -> None:
        self.problem = problem
        self.office = office
        h = self.horizon = problem.horizon
        staff = problem.staff
        self.acts = {a.id: a for a in problem.activities}
        self.by_id = {s.id: s for s in staff}
        self.roster: Roster = {s.id: [None] * h for s in staff}
        #: Cells the pass may not fill: leave, booked substitute days off, pins.
        self.locked: set[tuple[str, int]] = set()
        for s in staff:
            for d in s.days_off:
                if 0 <= d < h:
                    self.locked.add((s.id, d))
        for pin in problem.pins:
            self.roster[pin.staff][pin.day] = pin.activity
            self.locked.add((pin.staff, pin.day))
        self.allowed = {
            (s.id, d): allowed_activities(problem, s, d) for s in staff for d in range(h)
        }
        self.substitute = problem.substitute_days_off[0] if problem.substitute_days_off else None
        self.duty = (
            set(self.substitute.duty_days)
            if self.substitute
            else {d for d in range(h) if problem.weekday(d) >= 5}
        )
        self.counter_days: dict[str, int] = defaultdict(int)
        self.duty_days: dict[str, int] = defaultdict(int)
        #: Seats used per (capacity name, day).
        self.usage: dict[tuple[str, int], int] = defaultdict(int)
        self.caps_by_act: dict[str, list[Capacity]] = defaultdict(list)
        for cap in problem.capacities:
            for a in cap.activities:
                self.caps_by_act[a].append(cap)
        self.limits_by_staff: dict[str, list[WindowLimit]] = defaultdict(list)
        for wl in problem.window_limits:
            if wl.max_days is not None:
                self.limits_by_staff[wl.staff].append(wl)
        self.window_count: dict[str, int] = defaultdict(int)
        self.weekend_of = {d: (problem.start_weekday + d) // 7 for d in range(h)}
        self.weekends_worked: dict[str, set[int]] = defaultdict(set)
        self.covers: dict[tuple[int, str], list[Cover]] = defaultdict(list)
        for c in problem.cover:
            self.covers[(c.day, c.activity)].append(c)

    # ------------------------------------------------------------------ checks
    def fits(self, act: str, d: int) -> bool:
        """A seat (every capacity ``act`` uses) is left on day ``d``."""
        return all(
            self.usage[(cap.name, d)] < cap.max_staff
            for cap in self.caps_by_act.get(act, ())
            if cap.days is None or d in cap.days
        )

    def within_limits(self, sid: str, act: str, d: int) -> bool:
        return all(
            self.window_count[wl.name + sid] < wl.max_days
            for wl in self.limits_by_staff.get(sid, ())
            if d in wl.days
            and wl.max_days is not None
            and (wl.activities is None or act in wl.activities)
        )

    def team_ok(self, sid: str, act: str, d: int) -> bool:
        if not self.acts[act].in_office:
            return True
        for sp in self.problem.split_teams:
            member = [i for i, t in enumerate(sp.teams) if sid in t]
            if not member:
                continue
            if sp.period_days:
                turn = ((d + sp.offset) // sp.period_days) % len(sp.teams)
            else:
                turn = d % len(sp.teams)
            if member[0] != turn:
                return False
        return True

    def free(self, sid: str, d: int) -> bool:
        return (sid, d) not in self.locked and self.roster[sid][d] is None

    # ------------------------------------------------------------------ moves
    def take(self, sid: str, act: str | None, d: int) -> None:
        self.roster[sid][d] = act
        if act is None:
            return
        for wl in self.limits_by_staff.get(sid, ()):
            if d in wl.days and (wl.activities is None or act in wl.activities):
                self.window_count[wl.name + sid] += 1
        for cap in self.caps_by_act.get(act, ()):
            if cap.days is None or d in cap.days:
                self.usage[(cap.name, d)] += 1

    def book_substitute(self, sid: str, d: int) -> bool:
        """On a duty day: book a substitute weekday off for ``sid`` (refuse if none fits
        or the weekend limit is reached). Other days need nothing."""
        if d not in self.duty:
            return True
        h, sub = self.horizon, self.substitute
        person = self.by_id[sid]
        if (
            person.max_weekends is not None
            and self.weekend_of[d] not in self.weekends_worked[sid]
            and len(self.weekends_worked[sid]) >= person.max_weekends
        ):
            return False
        if (d - 1 in self.duty and self.roster[sid][d - 1] is not None) if d >= 1 else False:
            return False
        before, after = (sub.before, sub.after) if sub else (0, 6)
        window = [x for x in range(d + 1, min(h, d + after + 1))] + [
            x for x in range(d - 1, max(-1, d - before - 1), -1)
        ]
        for x in window:
            if x not in self.duty and self.free(sid, x) and x not in person.days_off:
                self.locked.add((sid, x))
                self.weekends_worked[sid].add(self.weekend_of[d])
                self.duty_days[sid] += 1
                return True
        return False

    def fill(self, d: int, act: str, is_duty: bool) -> None:
        """Staff counter ``act`` on day ``d``: its target (duty days: its minimum)."""
        needs = self.covers[(d, act)]
        total = max(
            [c.target for c in needs if c.skill is None] + [c.hard_min or 0 for c in needs] + [0]
        )
        if is_duty:  # weekend duty: the minimum, to keep weekends free
            total = max([c.hard_min or 0 for c in needs] + [0])
        chosen: list[str] = []
        pool = [
            s.id
            for s in self.problem.staff
            if self.free(s.id, d)
            and act in self.allowed[(s.id, d)]
            and self.team_ok(s.id, act, d)
            and self.fits(act, d)
        ]
        days_so_far = self.duty_days if is_duty else self.counter_days
        # Scarce skills first; then people who can staff the fewest counters, then fairness.
        for c in sorted((c for c in needs if c.skill), key=lambda c: -(c.hard_min or c.target)):
            want = c.hard_min or c.target
            have = sum(1 for x in chosen if c.skill in self.by_id[x].skills)
            for sid in sorted(pool, key=lambda x: days_so_far[x]):
                if have >= want:
                    break
                if (
                    sid not in chosen
                    and c.skill in self.by_id[sid].skills
                    and self.book_substitute(sid, d)
                ):
                    chosen.append(sid)
                    have += 1
        for sid in sorted(pool, key=lambda x: days_so_far[x]):
            if len(chosen) >= total:
                break
            if sid not in chosen and self.book_substitute(sid, d):
                chosen.append(sid)
        for sid in chosen:
            self.take(sid, act, d)
            self.counter_days[sid] += 1

    def place_everyone_else(self) -> None:
        """Weekdays: each free person where they wished to be, else in the office, else
        anywhere allowed (office activities last)."""
        wishes: dict[tuple[str, int], list[str]] = defaultdict(list)
        for r in self.problem.requests:
            if r.on and r.activity is not None:
                wishes[(r.staff, r.day)].append(r.activity)
        for d in range(self.horizon):
            if d in self.duty:
                continue
            for s in self.problem.staff:
                allowed = self.allowed[(s.id, d)]
                if not self.free(s.id, d) or not allowed:
                    continue
                options = [a for a in wishes.get((s.id, d), []) if a in allowed]
                if self.office is not None:
                    options.append(self.office)
                options += sorted(allowed, key=lambda a: (self.acts[a].in_office, a))
                for act in options:
                    if (
                        act in allowed
                        and self.team_ok(s.id, act, d)
                        and self.fits(act, d)
                        and self.within_limits(s.id, act, d)
                    ):
                        self.take(s.id, act, d)
                        break

    def build(self) -> Roster:
        days_acts = [(day, a) for (day, a) in self.covers]
        for d in sorted(self.duty):
            for act in [a for (day, a) in days_acts if day == d]:
                self.fill(d, act, True)
        for d in range(self.horizon):
            if d in self.duty:
                continue
            day_acts = [a for (day, a) in days_acts if day == d and a != self.office]
            day_acts.sort(
                key=lambda a: sum(1 for s in self.problem.staff if a in self.allowed[(s.id, d)])
            )
            for act in day_acts:
                self.fill(d, act, False)
        self.place_everyone_else()
        return self.roster


def greedy_roster(problem: Problem, office: str | None) -> Roster:
    """A start roster built counters first (``office``: the default activity, if any)."""
    return GreedyRoster(problem, office).build()


def repaired_roster(problem: Problem) -> Roster | None:
    """The previous roster with new leave applied and counters refilled from office staff.

    Changing as little as possible is the point of a repair, so this start keeps every
    other cell; the optimizer then only has to improve on it.
    """
    if problem.previous is None:
        return None
    h = problem.horizon
    acts = {a.id: a for a in problem.activities}
    grid = {s.id: list(problem.previous.get(s.id, [None] * h)) for s in problem.staff}
    for s in problem.staff:
        for d in s.days_off:
            if 0 <= d < h:
                grid[s.id][d] = None
    for pin in problem.pins:
        grid[pin.staff][pin.day] = pin.activity
    pinned = {(p.staff, p.day) for p in problem.pins}
    for c in problem.cover:
        if not c.hard_min:
            continue
        missing = c.hard_min - _covered(problem, grid, c)
        for s in problem.staff:
            if missing <= 0:
                break
            current = grid[s.id][c.day]
            if (
                current is None
                or (s.id, c.day) in pinned
                or acts[current].id == c.activity
                or any(
                    current == cv.activity
                    for cv in problem.cover
                    if cv.day == c.day and cv.hard_min
                )
                or (c.skill is not None and c.skill not in s.skills)
                or c.activity not in allowed_activities(problem, s, c.day)
            ):
                continue
            grid[s.id][c.day] = c.activity
            missing -= 1
    return grid


def _covered(problem: Problem, grid: Roster, c: Cover) -> int:
    return sum(
        1
        for s in problem.staff
        if grid[s.id][c.day] == c.activity and (c.skill is None or c.skill in s.skills)
    )

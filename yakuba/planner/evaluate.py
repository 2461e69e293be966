"""Independent roster evaluator: checks every hard rule and recomputes the objective.

Deliberately written without the solver and without sharing any constraint code with it
(it walks the roster directly, day by day), so that agreement between the two is real
evidence that both are right. One function per rule code of :mod:`yakuba.planner.codes`:
``HARD_CHECKS`` yield a sentence per broken hard rule, ``SOFT_COSTS`` a priced
:class:`Violation` per soft-rule cost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import codes
from .model import Activity, Cover, Problem, Roster, allowed_activities
from .result import Evaluation, Violation


def _runs(flags: list[bool]) -> list[tuple[int, int, bool]]:
    """Maximal runs as (start, length, value)."""
    out: list[tuple[int, int, bool]] = []
    start = 0
    for i in range(1, len(flags) + 1):
        if i == len(flags) or flags[i] != flags[start]:
            out.append((start, i - start, flags[start]))
            start = i
    return out


@dataclass
class _Checked:
    """The roster being evaluated, with the problem facts every check needs."""

    problem: Problem
    roster: Roster
    acts: dict[str, Activity]

    @property
    def horizon(self) -> int:
        return self.problem.horizon

    def is_working(self, a: str | None) -> bool:
        return a is not None and self.acts[a].working

    def work(self, staff_id: str) -> list[bool]:
        return [self.is_working(a) for a in self.roster[staff_id]]

    def minutes(self, staff_id: str) -> int:
        return sum(self.acts[a].minutes for a in self.roster[staff_id] if a is not None)

    def runs(self, staff_id: str) -> Iterator[tuple[int, int, bool, bool]]:
        """(start, length, working?, interior?) for each maximal run of the row; runs
        touching the first or last day are not interior (exempt from the minimums)."""
        h = self.horizon
        for start, length, on in _runs(self.work(staff_id)):
            yield start, length, on, start > 0 and start + length < h

    def covered(self, c: Cover) -> int:
        return sum(
            1
            for st in self.problem.staff
            if self.roster[st.id][c.day] == c.activity and (c.skill is None or c.skill in st.skills)
        )


# ---------------------------------------------------------------------------- hard rules


def check_day_off(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        for d, a in enumerate(r.roster[st.id]):
            if a is not None and d in st.days_off:
                yield f"{st.id} day {d}: {a} (fixed day off)"


def check_eligibility(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        for d, a in enumerate(r.roster[st.id]):
            if (
                a is not None
                and d not in st.days_off
                and a not in allowed_activities(r.problem, st, d)
            ):
                yield f"{st.id} day {d}: {a} (not eligible)"


def check_pin(r: _Checked) -> Iterator[str]:
    for pin in r.problem.pins:
        if r.roster[pin.staff][pin.day] != pin.activity:
            yield f"{pin.staff} day {pin.day}: pinned to {pin.activity}"


def check_succession(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        row = r.roster[st.id]
        for d in range(r.horizon - 1):
            a, b = row[d], row[d + 1]
            if a is not None and b is not None and b in r.acts[a].forbidden_next:
                yield f"{st.id} days {d}-{d + 1}: {a} followed by {b} is forbidden"


def check_max_per_activity(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        counts = Counter(a for a in r.roster[st.id] if a is not None)
        for a, lim in st.max_per_activity.items():
            if counts.get(a, 0) > lim:
                yield f"{st.id}: {counts[a]} days of {a}, at most {lim}"


def check_min_minutes(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        minutes = r.minutes(st.id)
        if minutes < st.min_minutes:
            yield f"{st.id}: {minutes} minutes, at least {st.min_minutes}"


def check_max_minutes(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        minutes = r.minutes(st.id)
        if st.max_minutes is not None and minutes > st.max_minutes:
            yield f"{st.id}: {minutes} minutes, at most {st.max_minutes}"


def check_max_consecutive(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        if st.max_consecutive is None:
            continue
        for start, length, on, _interior in r.runs(st.id):
            if on and length > st.max_consecutive:
                yield f"{st.id}: {length} working days from day {start}"


def check_min_consecutive(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        for start, length, on, interior in r.runs(st.id):
            if on and interior and length < st.min_consecutive:
                yield f"{st.id}: only {length} working days from day {start}"


def check_min_consecutive_off(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        for start, length, on, interior in r.runs(st.id):
            if not on and interior and length < st.min_consecutive_off:
                yield f"{st.id}: only {length} days off from day {start}"


def check_max_weekends(r: _Checked) -> Iterator[str]:
    for st in r.problem.staff:
        if st.max_weekends is None:
            continue
        work = r.work(st.id)
        n_we = sum(1 for wk in r.problem.weekends() if any(work[d] for d in wk))
        if n_we > st.max_weekends:
            yield f"{st.id}: {n_we} weekends worked, at most {st.max_weekends}"


def check_cover_min(r: _Checked) -> Iterator[str]:
    for c in r.problem.cover:
        if c.hard_min is None:
            continue
        n = r.covered(c)
        if n < c.hard_min:
            yield f"cover {c.activity} day {c.day}: {n} < hard minimum {c.hard_min}"


def check_capacity(r: _Checked) -> Iterator[str]:
    for cap in r.problem.capacities:
        for d in range(r.horizon):
            if cap.days is not None and d not in cap.days:
                continue
            n = sum(1 for st in r.problem.staff if r.roster[st.id][d] in cap.activities)
            if n > cap.max_staff:
                yield f"capacity {cap.name} day {d}: {n} > {cap.max_staff}"


def check_split_teams(r: _Checked) -> Iterator[str]:
    for sp in r.problem.split_teams:
        for d in range(r.horizon):
            present = [
                i
                for i, team in enumerate(sp.teams)
                if any(
                    (a := r.roster[s][d]) is not None and r.acts[a].in_office
                    for s in team
                    if s in r.roster
                )
            ]
            if sp.period_days == 0:
                if len(present) > 1:
                    yield f"split {sp.name} day {d}: teams {present} all in office"
            else:
                turn = ((d + sp.offset) // sp.period_days) % len(sp.teams)
                if any(i != turn for i in present):
                    yield f"split {sp.name} day {d}: team not on turn in office"


def check_substitute_day_off(r: _Checked) -> Iterator[str]:
    h = r.horizon
    for sub in r.problem.substitute_days_off:
        for st in r.problem.staff:
            if sub.staff is not None and st.id not in sub.staff:
                continue
            work = r.work(st.id)
            for d in sorted(sub.duty_days):
                if not (0 <= d < h and work[d]):
                    continue
                window = range(max(0, d - sub.before), min(h, d + sub.after + 1))
                if not any(not work[x] and x not in sub.duty_days for x in window):
                    yield f"{st.id} worked duty day {d} without a substitute day off"


def check_window_limit(r: _Checked) -> Iterator[str]:
    h = r.horizon
    for wl in r.problem.window_limits:
        row = r.roster.get(wl.staff)
        if row is None:
            continue
        n = sum(
            1
            for d in wl.days
            if 0 <= d < h
            and (
                r.is_working(row[d])
                if wl.activities is None
                else row[d] is not None and row[d] in wl.activities
            )
        )
        if wl.max_days is not None and n > wl.max_days:
            yield f"{wl.staff} {wl.name}: {n} days > {wl.max_days}"
        if n < wl.min_days:
            yield f"{wl.staff} {wl.name}: {n} days < {wl.min_days}"


# ---------------------------------------------------------------------------- soft rules


def cost_cover_under(r: _Checked) -> Iterator[Violation]:
    for c in r.problem.cover:
        n = r.covered(c)
        if n < c.target and c.weight_under:
            yield Violation(
                codes.COVER_UNDER, c.weight_under * (c.target - n), None, c.day, c.activity
            )


def cost_cover_over(r: _Checked) -> Iterator[Violation]:
    for c in r.problem.cover:
        n = r.covered(c)
        if n > c.target and c.weight_over:
            yield Violation(
                codes.COVER_OVER, c.weight_over * (n - c.target), None, c.day, c.activity
            )


def _request_met(r: _Checked, staff: str, day: int, activity: str | None) -> bool:
    a = r.roster[staff][day]
    return r.is_working(a) if activity is None else a == activity


def cost_request_on(r: _Checked) -> Iterator[Violation]:
    for q in r.problem.requests:
        if q.on and not _request_met(r, q.staff, q.day, q.activity):
            yield Violation(codes.REQUEST_ON, q.weight, q.staff, q.day, q.activity)


def cost_request_off(r: _Checked) -> Iterator[Violation]:
    for q in r.problem.requests:
        if not q.on and _request_met(r, q.staff, q.day, q.activity):
            yield Violation(codes.REQUEST_OFF, q.weight, q.staff, q.day, q.activity)


def cost_fairness(r: _Checked) -> Iterator[Violation]:
    h = r.horizon
    for fr in r.problem.fairness:
        counts = []
        for sid in sorted(fr.staff):
            row = r.roster[sid]
            counts.append(
                sum(
                    1
                    for d in range(h)
                    if (fr.days is None or d in fr.days)
                    and (r.is_working(row[d]) if fr.activities is None else row[d] in fr.activities)
                )
            )
        if not counts:
            continue
        if fr.mode == "spread":
            cost = fr.weight * (max(counts) - min(counts))
        else:
            total, n_s = sum(counts), len(counts)
            cost = fr.weight * sum(abs(n_s * c - total) for c in counts)
        if cost:
            yield Violation(codes.FAIRNESS, cost, detail=fr.name)


def cost_stability(r: _Checked) -> Iterator[Violation]:
    p = r.problem
    if p.previous is None or not p.stability_weight:
        return
    for st in p.staff:
        prev = p.previous.get(st.id)
        if prev is None:
            continue
        for d in range(r.horizon):
            if r.roster[st.id][d] != prev[d]:
                yield Violation(codes.STABILITY, p.stability_weight, st.id, d, prev[d])


HARD_CHECKS: dict[str, Callable[[_Checked], Iterator[str]]] = {
    codes.DAY_OFF: check_day_off,
    codes.ELIGIBILITY: check_eligibility,
    codes.PIN: check_pin,
    codes.SUCCESSION: check_succession,
    codes.MAX_PER_ACTIVITY: check_max_per_activity,
    codes.MIN_MINUTES: check_min_minutes,
    codes.MAX_MINUTES: check_max_minutes,
    codes.MAX_CONSECUTIVE: check_max_consecutive,
    codes.MIN_CONSECUTIVE: check_min_consecutive,
    codes.MIN_CONSECUTIVE_OFF: check_min_consecutive_off,
    codes.MAX_WEEKENDS: check_max_weekends,
    codes.COVER_MIN: check_cover_min,
    codes.CAPACITY: check_capacity,
    codes.SPLIT_TEAMS: check_split_teams,
    codes.SUBSTITUTE_DAY_OFF: check_substitute_day_off,
    codes.WINDOW_LIMIT: check_window_limit,
}
SOFT_COSTS: dict[str, Callable[[_Checked], Iterator[Violation]]] = {
    codes.COVER_UNDER: cost_cover_under,
    codes.COVER_OVER: cost_cover_over,
    codes.REQUEST_ON: cost_request_on,
    codes.REQUEST_OFF: cost_request_off,
    codes.FAIRNESS: cost_fairness,
    codes.STABILITY: cost_stability,
}


def _malformed(problem: Problem, roster: Roster, acts: dict[str, Activity]) -> list[str]:
    """Rows missing, of the wrong length or naming unknown activities: nothing else can
    be checked then."""
    h = problem.horizon
    out: list[str] = []
    for st in problem.staff:
        row = roster.get(st.id)
        if row is None or len(row) != h:
            out.append(f"roster row for {st.id} missing or not {h} days long")
            continue
        for d, a in enumerate(row):
            if a is not None and a not in acts:
                out.append(f"{st.id} day {d}: unknown activity {a!r}")
    return out


def evaluate(problem: Problem, roster: Roster) -> Evaluation:
    """Score ``roster`` against ``problem``. ``objective`` is computed even when hard rules
    fail (for debugging) but is only meaningful when ``feasible``."""
    acts = {a.id: a for a in problem.activities}
    malformed = _malformed(problem, roster, acts)
    if malformed:
        return Evaluation(False, malformed, 0, {}, [])
    checked = _Checked(problem, roster, acts)
    hard: list[str] = []
    broken: dict[str, int] = {}
    for code, check in HARD_CHECKS.items():
        found = list(check(checked))
        if found:
            hard.extend(found)
            broken[code] = len(found)
    viol = [v for cost in SOFT_COSTS.values() for v in cost(checked)]
    breakdown: dict[str, int] = {}
    for v in viol:
        breakdown[v.rule] = breakdown.get(v.rule, 0) + v.cost
    return Evaluation(not hard, hard, sum(breakdown.values()), breakdown, viol, broken)

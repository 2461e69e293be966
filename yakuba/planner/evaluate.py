"""Independent roster evaluator: checks every hard rule and recomputes the objective.

Deliberately written without the solver and without sharing any constraint code with it
(it walks the roster directly, day by day), so that agreement between the two is real
evidence that both are right.
"""

from __future__ import annotations

from collections import Counter

from .model import Problem, Roster, allowed_activities
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


def evaluate(problem: Problem, roster: Roster) -> Evaluation:
    """Score ``roster`` against ``problem``. ``objective`` is computed even when hard rules
    fail (for debugging) but is only meaningful when ``feasible``."""
    h = problem.horizon
    acts = {a.id: a for a in problem.activities}
    hard: list[str] = []
    viol: list[Violation] = []

    for st in problem.staff:
        row = roster.get(st.id)
        if row is None or len(row) != h:
            hard.append(f"roster row for {st.id} missing or not {h} days long")
            continue
        for d, a in enumerate(row):
            if a is not None and a not in acts:
                hard.append(f"{st.id} day {d}: unknown activity {a!r}")
    if hard:
        return Evaluation(False, hard, 0, {}, [])

    def is_working(a: str | None) -> bool:
        return a is not None and acts[a].working

    for st in problem.staff:
        row = roster[st.id]
        for d, a in enumerate(row):
            if a is not None and a not in allowed_activities(problem, st, d):
                why = "fixed day off" if d in st.days_off else "not eligible"
                hard.append(f"{st.id} day {d}: {a} ({why})")
        for d in range(h - 1):
            a, b = row[d], row[d + 1]
            if a is not None and b is not None and b in acts[a].forbidden_next:
                hard.append(f"{st.id} days {d}-{d + 1}: {a} followed by {b} is forbidden")
        counts = Counter(a for a in row if a is not None)
        for a, lim in st.max_per_activity.items():
            if counts.get(a, 0) > lim:
                hard.append(f"{st.id}: {counts[a]} days of {a}, at most {lim}")
        minutes = sum(acts[a].minutes for a in row if a is not None)
        if minutes < st.min_minutes:
            hard.append(f"{st.id}: {minutes} minutes, at least {st.min_minutes}")
        if st.max_minutes is not None and minutes > st.max_minutes:
            hard.append(f"{st.id}: {minutes} minutes, at most {st.max_minutes}")
        work = [is_working(a) for a in row]
        for start, length, on in _runs(work):
            interior = start > 0 and start + length < h
            if on and st.max_consecutive is not None and length > st.max_consecutive:
                hard.append(f"{st.id}: {length} working days from day {start}")
            if on and interior and length < st.min_consecutive:
                hard.append(f"{st.id}: only {length} working days from day {start}")
            if not on and interior and length < st.min_consecutive_off:
                hard.append(f"{st.id}: only {length} days off from day {start}")
        if st.max_weekends is not None:
            n_we = sum(1 for wk in problem.weekends() if any(work[d] for d in wk))
            if n_we > st.max_weekends:
                hard.append(f"{st.id}: {n_we} weekends worked, at most {st.max_weekends}")

    for pin in problem.pins:
        if roster[pin.staff][pin.day] != pin.activity:
            hard.append(f"{pin.staff} day {pin.day}: pinned to {pin.activity}")

    for cap in problem.capacities:
        for d in range(h):
            if cap.days is not None and d not in cap.days:
                continue
            n = sum(1 for st in problem.staff if roster[st.id][d] in cap.activities)
            if n > cap.max_staff:
                hard.append(f"capacity {cap.name} day {d}: {n} > {cap.max_staff}")

    for sp in problem.split_teams:
        for d in range(h):
            present = [
                i
                for i, team in enumerate(sp.teams)
                if any(
                    (a := roster[s][d]) is not None and acts[a].in_office
                    for s in team
                    if s in roster
                )
            ]
            if sp.period_days == 0:
                if len(present) > 1:
                    hard.append(f"split {sp.name} day {d}: teams {present} all in office")
            else:
                turn = ((d + sp.offset) // sp.period_days) % len(sp.teams)
                if any(i != turn for i in present):
                    hard.append(f"split {sp.name} day {d}: team not on turn in office")

    for wl in problem.window_limits:
        row = roster.get(wl.staff)
        if row is None:
            continue
        n = sum(
            1
            for d in wl.days
            if 0 <= d < h
            and (
                is_working(row[d])
                if wl.activities is None
                else row[d] is not None and row[d] in wl.activities
            )
        )
        if wl.max_days is not None and n > wl.max_days:
            hard.append(f"{wl.staff} {wl.name}: {n} days > {wl.max_days}")
        if n < wl.min_days:
            hard.append(f"{wl.staff} {wl.name}: {n} days < {wl.min_days}")

    for sub in problem.substitute_days_off:
        for st in problem.staff:
            if sub.staff is not None and st.id not in sub.staff:
                continue
            row = roster[st.id]
            for d in sorted(sub.duty_days):
                if not (0 <= d < h and is_working(row[d])):
                    continue
                window = range(max(0, d - sub.before), min(h, d + sub.after + 1))
                if not any(not is_working(row[x]) and x not in sub.duty_days for x in window):
                    hard.append(f"{st.id} worked duty day {d} without a substitute day off")

    # ---- objective ----
    for c in problem.cover:
        n = sum(
            1
            for st in problem.staff
            if roster[st.id][c.day] == c.activity and (c.skill is None or c.skill in st.skills)
        )
        if c.hard_min is not None and n < c.hard_min:
            hard.append(f"cover {c.activity} day {c.day}: {n} < hard minimum {c.hard_min}")
        if n < c.target and c.weight_under:
            viol.append(
                Violation("cover_under", c.weight_under * (c.target - n), None, c.day, c.activity)
            )
        if n > c.target and c.weight_over:
            viol.append(
                Violation("cover_over", c.weight_over * (n - c.target), None, c.day, c.activity)
            )
    for q in problem.requests:
        a = roster[q.staff][q.day]
        hit = is_working(a) if q.activity is None else a == q.activity
        if q.on and not hit:
            viol.append(Violation("request_on", q.weight, q.staff, q.day, q.activity))
        if not q.on and hit:
            viol.append(Violation("request_off", q.weight, q.staff, q.day, q.activity))
    for fr in problem.fairness:
        counts_e = []
        for sid in sorted(fr.staff):
            row = roster[sid]
            counts_e.append(
                sum(
                    1
                    for d in range(h)
                    if (fr.days is None or d in fr.days)
                    and (is_working(row[d]) if fr.activities is None else row[d] in fr.activities)
                )
            )
        if not counts_e:
            continue
        if fr.mode == "spread":
            cost = fr.weight * (max(counts_e) - min(counts_e))
        else:
            total, n_s = sum(counts_e), len(counts_e)
            cost = fr.weight * sum(abs(n_s * c - total) for c in counts_e)
        if cost:
            viol.append(Violation("fairness", cost, detail=fr.name))
    if problem.previous is not None and problem.stability_weight:
        for st in problem.staff:
            prev = problem.previous.get(st.id)
            if prev is None:
                continue
            for d in range(h):
                if roster[st.id][d] != prev[d]:
                    viol.append(Violation("stability", problem.stability_weight, st.id, d, prev[d]))

    breakdown: dict[str, int] = {}
    for v in viol:
        breakdown[v.rule] = breakdown.get(v.rule, 0) + v.cost
    return Evaluation(not hard, hard, sum(breakdown.values()), breakdown, viol)

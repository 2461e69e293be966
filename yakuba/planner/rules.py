"""The rule catalogue: one builder function per rule family, hard and soft (penalty).

Each function receives a :class:`~yakuba.planner.builder.Builder` and adds its
constraints or named penalty terms for the builder's free region only. Guards and terms
are named with the codes of :mod:`yakuba.planner.codes`, the codes that appear in
results, violations, the evaluator and diagnoses.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate
from typing import Any

from .builder import Builder, Lit, _neg
from .codes import (
    CAPACITY,
    COVER_MIN,
    COVER_OVER,
    COVER_UNDER,
    DAY_OFF,
    ELIGIBILITY,
    FAIRNESS,
    MAX_CONSECUTIVE,
    MAX_MINUTES,
    MAX_PER_ACTIVITY,
    MAX_WEEKENDS,
    MIN_CONSECUTIVE,
    MIN_CONSECUTIVE_OFF,
    MIN_MINUTES,
    PIN,
    REQUEST_OFF,
    REQUEST_ON,
    SPLIT_TEAMS,
    STABILITY,
    SUBSTITUTE_DAY_OFF,
    SUCCESSION,
    WINDOW_LIMIT,
)

# ---------------------------------------------------------------------------- helpers


def _free_prefix(b: Builder, e: int) -> list[int]:
    return [0, *accumulate(1 if f else 0 for f in b.region[e])]


def _staff_with_free_cells(b: Builder) -> list[int]:
    return [e for e in range(b.ix.n_staff) if any(b.region[e])]


def _cells_by_day_activity(
    b: Builder,
) -> tuple[dict[tuple[int, int], list[tuple[int, Any]]], dict[tuple[int, int], list[int]]]:
    """Per (day, activity): the free cells' variables (by person, in person order) and the
    fixed cells' people. Computed once per build: cover lines and capacities then cost
    O(1) each instead of a scan over all staff, which made one LNS sub-model of a
    5 000-staff office take seconds to build whatever its size."""
    cached = b.__dict__.get("_by_day_activity")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    free_vars: dict[tuple[int, int], list[tuple[int, Any]]] = {}
    for (e, d), xs in b.xv.items():
        for a, v in xs.items():
            free_vars.setdefault((d, a), []).append((e, v))
    fixed: dict[tuple[int, int], list[int]] = {}
    for e in range(b.ix.n_staff):
        for d in range(b.ix.horizon):
            if not b.free[e][d] and b.ref[e][d] >= 0:
                fixed.setdefault((d, b.ref[e][d]), []).append(e)
    b.__dict__["_by_day_activity"] = (free_vars, fixed)
    return free_vars, fixed


# ---------------------------------------------------------------------------- hard rules


def rule_eligibility(b: Builder) -> None:
    """In diagnosis mode cells have every activity, so eligibility, fixed days off and
    pins become guarded constraints (in normal mode they are variable domains)."""
    if not b.diagnose:
        return
    ix = b.ix
    for (e, d), xs in b.xv.items():
        st = ix.problem.staff[e]
        elig = set(ix.eligible[e][d])
        for a, v in xs.items():
            if a not in elig:
                code = DAY_OFF if d in st.days_off else ELIGIBILITY
                b.add_clause([v.Not()], b.guard(code, staff=st.id, day=d))
        pin = ix.pinned[e][d]
        if pin is not None:
            lit = b.offv[e, d] if pin < 0 else xs[pin]
            b.add_clause([lit], b.guard(PIN, staff=st.id, day=d))


def rule_succession(b: Builder) -> None:
    ix = b.ix
    for e in _staff_with_free_cells(b):
        sid = ix.problem.staff[e].id
        g = b.guard(SUCCESSION, staff=sid)
        fr = b.region[e]
        for d in range(ix.horizon - 1):
            if not (fr[d] or fr[d + 1]):
                continue
            for today, tomorrow in ix.succ_groups:
                items = [(1, b.x(e, d, a)) for a in today]
                items += [(1, b.x(e, d + 1, t)) for t in tomorrow]
                b.add_linear(items, None, 1, g)


def rule_max_per_activity(b: Builder) -> None:
    ix = b.ix
    for e in _staff_with_free_cells(b):
        st = ix.problem.staff[e]
        limits = [(ix.act_pos[aid], aid, lim) for aid, lim in st.max_per_activity.items()]
        limits = [t for t in limits if t[2] < ix.horizon]
        if not limits:
            continue
        # Fixed cells are counted once per person, not looked up per activity and day
        # (this rule spans the whole horizon even when LNS frees a short window).
        fixed: dict[int, int] = {}
        free_days = []
        for d in range(ix.horizon):
            if b.free[e][d]:
                free_days.append(d)
            else:
                fixed[b.ref[e][d]] = fixed.get(b.ref[e][d], 0) + 1
        for a, aid, lim in limits:
            items = [(1, b.xv[e, d][a]) for d in free_days if a in b.xv[e, d]]
            items.append((fixed.get(a, 0), 1))
            b.add_linear(items, None, lim, b.guard(MAX_PER_ACTIVITY, staff=st.id, activity=aid))


def rule_minutes(b: Builder) -> None:
    ix = b.ix
    for e in _staff_with_free_cells(b):
        st = ix.problem.staff[e]
        items: list[tuple[int, Lit]] = []
        const = 0
        for d in range(ix.horizon):
            if b.free[e][d]:
                items += [(ix.minutes[a], v) for a, v in b.xv[e, d].items()]
            elif b.ref[e][d] >= 0:
                const += ix.minutes[b.ref[e][d]]
        items.append((const, 1))
        if st.min_minutes > 0:
            b.add_linear(items, st.min_minutes, None, b.guard(MIN_MINUTES, staff=st.id))
        if st.max_minutes is not None:
            b.add_linear(items, None, st.max_minutes, b.guard(MAX_MINUTES, staff=st.id))


def rule_max_consecutive(b: Builder) -> None:
    ix, h = b.ix, b.ix.horizon
    for e in _staff_with_free_cells(b):
        st = ix.problem.staff[e]
        k = st.max_consecutive
        if k is None or k >= h:
            continue
        pre = _free_prefix(b, e)
        g = b.guard(MAX_CONSECUTIVE, staff=st.id)
        for s in range(h - k):
            if pre[s + k + 1] - pre[s]:
                b.add_linear([(1, b.work(e, d)) for d in range(s, s + k + 1)], None, k, g)


def _min_run(b: Builder, e: int, m: int, code: str, on_work: bool) -> None:
    """Forbid interior runs shorter than ``m`` as clauses: for a working run the pattern
    off, work×L, off (L < m) is excluded; runs touching day 0 or h-1 are exempt because
    patterns only start at day 1 and end at day h-2."""
    h = b.ix.horizon
    pre = _free_prefix(b, e)
    g = b.guard(code, staff=b.ix.problem.staff[e].id)
    for length in range(1, m):
        for s in range(1, h - length):
            if not pre[s + length + 1] - pre[s - 1]:
                continue
            inside = [b.work(e, d) for d in range(s, s + length)]
            edges = [b.work(e, s - 1), b.work(e, s + length)]
            if on_work:  # not (off, work..., off)
                b.add_clause([*edges, *(_neg(w) for w in inside)], g)
            else:  # not (work, off..., work)
                b.add_clause([*(_neg(w) for w in edges), *inside], g)


def rule_min_consecutive(b: Builder) -> None:
    for e in _staff_with_free_cells(b):
        m = b.ix.problem.staff[e].min_consecutive
        if m > 1:
            _min_run(b, e, m, MIN_CONSECUTIVE, True)


def rule_min_consecutive_off(b: Builder) -> None:
    for e in _staff_with_free_cells(b):
        m = b.ix.problem.staff[e].min_consecutive_off
        if m > 1:
            _min_run(b, e, m, MIN_CONSECUTIVE_OFF, False)


def rule_max_weekends(b: Builder) -> None:
    ix = b.ix
    for e in _staff_with_free_cells(b):
        st = ix.problem.staff[e]
        if st.max_weekends is None or st.max_weekends >= len(ix.weekends):
            continue
        items: list[tuple[int, Lit]] = []
        for days in ix.weekends:
            lits = [b.work(e, d) for d in days]
            if all(isinstance(w, int) for w in lits):
                items.append((1, int(any(lits))))
            else:
                wk = b.m.new_bool_var("")
                for w in lits:  # working either day => weekend counted
                    b.add_clause([_neg(w), wk], [])
                items.append((1, wk))
        b.add_linear(items, None, st.max_weekends, b.guard(MAX_WEEKENDS, staff=st.id))


def rule_cover_min(b: Builder) -> None:
    if b.relax_cover_min:
        return
    ix = b.ix
    staff = ix.problem.staff
    for c in ix.problem.cover:
        if c.hard_min is None or c.hard_min <= 0:
            continue
        a = ix.act_pos[c.activity]
        free_vars, fixed = _cells_by_day_activity(b)

        def ok(e: int, skill: str | None = c.skill) -> bool:
            return skill is None or skill in staff[e].skills

        items: list[tuple[int, Lit]] = [(1, v) for e, v in free_vars.get((c.day, a), ()) if ok(e)]
        items.append((sum(1 for e in fixed.get((c.day, a), ()) if ok(e)), 1))
        g = b.guard(COVER_MIN, day=c.day, activity=c.activity, skill=c.skill, need=c.hard_min)
        b.add_linear(items, c.hard_min, None, g)


def rule_capacity(b: Builder) -> None:
    ix = b.ix
    for cap in ix.problem.capacities:
        acts = [ix.act_pos[a] for a in sorted(cap.activities)]
        for d in range(ix.horizon):
            if cap.days is not None and d not in cap.days:
                continue
            free_vars, fixed = _cells_by_day_activity(b)
            # In person order, then the capacity's activity order, as a scan would list them.
            ordered = sorted(
                (e, k, v) for k, a in enumerate(acts) for e, v in free_vars.get((d, a), ())
            )
            items: list[tuple[int, Lit]] = [(1, v) for _e, _k, v in ordered]
            items.append((sum(len(fixed.get((d, a), ())) for a in acts), 1))
            b.add_linear(items, None, cap.max_staff, b.guard(CAPACITY, name=cap.name, day=d))


def rule_split_teams(b: Builder) -> None:
    ix = b.ix
    office = [a for a in range(len(ix.act_ids)) if ix.in_office[a]]
    for sp in ix.problem.split_teams:
        teams = [[ix.staff_pos[s] for s in sorted(t) if s in ix.staff_pos] for t in sp.teams]
        for d in range(ix.horizon):
            g = b.guard(SPLIT_TEAMS, name=sp.name, day=d)
            if sp.period_days > 0:
                turn = ((d + sp.offset) // sp.period_days) % len(teams)
                for i, team in enumerate(teams):
                    if i != turn:
                        for e in team:
                            for a in office:
                                b.add_linear([(1, b.x(e, d, a))], None, 0, g)
                continue
            present: list[tuple[int, Lit]] = []
            for team in teams:
                lits = [b.x(e, d, a) for e in team for a in office]
                if any(lit == 1 for lit in lits if isinstance(lit, int)):
                    present.append((1, 1))
                    continue
                vs = [lit for lit in lits if not isinstance(lit, int)]
                if vs:
                    p = b.m.new_bool_var("")
                    for v in vs:
                        b.add_clause([v.Not(), p], [])
                    present.append((1, p))
            b.add_linear(present, None, 1, g)


def rule_substitute_day_off(b: Builder) -> None:
    ix, h = b.ix, b.ix.horizon
    for sub in ix.problem.substitute_days_off:
        for e in _staff_with_free_cells(b):
            st = ix.problem.staff[e]
            if sub.staff is not None and st.id not in sub.staff:
                continue
            g = b.guard(SUBSTITUTE_DAY_OFF, name=sub.name, staff=st.id)
            for d in sorted(sub.duty_days):
                if not 0 <= d < h:
                    continue
                lo, hi = max(0, d - sub.before), min(h, d + sub.after + 1)
                if not (b.region[e][d] or b.any_free(e, lo, hi)):
                    continue
                subs = [_neg(b.work(e, x)) for x in range(lo, hi) if x not in sub.duty_days]
                b.add_clause([_neg(b.work(e, d)), *subs], g)


def rule_window_limits(b: Builder) -> None:
    ix, h = b.ix, b.ix.horizon
    for wl in ix.problem.window_limits:
        if wl.staff not in ix.staff_pos:
            continue
        e = ix.staff_pos[wl.staff]
        days = sorted(d for d in wl.days if 0 <= d < h)
        if not any(b.region[e][d] for d in days):
            continue  # all from the reference roster, which keeps the limit
        if wl.activities is None:
            items = [(1, b.work(e, d)) for d in days]
        else:
            acts = [ix.act_pos[a] for a in sorted(wl.activities) if a in ix.act_pos]
            items = [(1, b.x(e, d, a)) for d in days for a in acts]
        g = b.guard(WINDOW_LIMIT, name=wl.name, staff=wl.staff)
        b.add_linear(items, wl.min_days or None, wl.max_days, g)


# ---------------------------------------------------------------------------- soft rules


def soft_cover(b: Builder) -> None:
    ix = b.ix
    # Free variables and fixed counts by (day, activity), once: each cover line is O(1)
    # instead of a scan over all staff (matters for LNS on long horizons).
    free_vars, fixed = _cells_by_day_activity(b)
    staff = ix.problem.staff
    for c in ix.problem.cover:
        a = ix.act_pos[c.activity]
        key = (c.day, a)
        skill = c.skill

        def ok(e: int, skill: str | None = skill) -> bool:
            return skill is None or skill in staff[e].skills

        items: list[tuple[int, Lit]] = [(1, v) for e, v in free_vars.get(key, ()) if ok(e)]
        items.append((sum(1 for e in fixed.get(key, ()) if ok(e)), 1))
        where: dict[str, Any] = {"day": c.day, "activity": c.activity, "detail": c.skill or ""}
        if c.weight_under:
            neg = [(-k, v) for k, v in items]
            b.penalty_max0(COVER_UNDER, c.weight_under, neg, c.target, **where)
        if c.weight_over:
            b.penalty_max0(COVER_OVER, c.weight_over, items, -c.target, **where)


def soft_requests(b: Builder) -> None:
    ix = b.ix
    for q in ix.problem.requests:
        e = ix.staff_pos[q.staff]
        lit = b.work(e, q.day) if q.activity is None else b.x(e, q.day, ix.act_pos[q.activity])
        where: dict[str, Any] = {"staff": q.staff, "day": q.day, "activity": q.activity}
        if q.on:
            b.add_term(REQUEST_ON, [(-q.weight, lit)], const=q.weight, **where)
        else:
            b.add_term(REQUEST_OFF, [(q.weight, lit)], **where)


def soft_fairness(b: Builder) -> None:
    ix = b.ix
    for fr in ix.problem.fairness:
        members = [ix.staff_pos[s] for s in sorted(fr.staff) if s in ix.staff_pos]
        if not members:
            continue
        acts = None if fr.activities is None else [ix.act_pos[a] for a in sorted(fr.activities)]
        days = [d for d in range(ix.horizon) if fr.days is None or d in fr.days]
        counts: list[list[tuple[int, Lit]]] = []
        for e in members:
            if acts is None:
                counts.append([(1, b.work(e, d)) for d in days])
            else:
                counts.append([(1, b.x(e, d, a)) for d in days for a in acts])
        if fr.mode == "spread":
            if all(isinstance(v, int) for c in counts for _, v in c):
                vals = [sum(k * v for k, v in c) for c in counts]
                b.add_term(FAIRNESS, [], const=fr.weight * (max(vals) - min(vals)), detail=fr.name)
                continue
            hi = b.m.new_int_var(0, len(days), "")
            lo = b.m.new_int_var(0, len(days), "")
            for c in counts:
                b.add_linear([*c, (-1, hi)], None, 0, [])
                b.add_linear([*c, (-1, lo)], 0, None, [])
            b.add_term(FAIRNESS, [(fr.weight, hi), (-fr.weight, lo)], detail=fr.name)
        else:
            n = len(members)
            total = [item for c in counts for item in c]
            for e, c in zip(members, counts, strict=True):
                dev = [(n * k, v) for k, v in c] + [(-k, v) for k, v in total]
                sid = ix.problem.staff[e].id
                b.penalty_max0(FAIRNESS, fr.weight, dev, 0, staff=sid, detail=fr.name)
                neg = [(-k, v) for k, v in dev]
                b.penalty_max0(FAIRNESS, fr.weight, neg, 0, staff=sid, detail=fr.name)


def soft_stability(b: Builder) -> None:
    p, ix = b.ix.problem, b.ix
    if p.previous is None or not p.stability_weight:
        return
    w = p.stability_weight
    for e, st in enumerate(p.staff):
        prev = p.previous.get(st.id)
        if prev is None:
            continue
        for d, aid in enumerate(prev):
            lit = b.off(e, d) if aid is None else b.x(e, d, ix.act_pos[aid])
            b.add_term(STABILITY, [(-w, lit)], const=w, staff=st.id, day=d, activity=aid)


HARD_RULES: list[Callable[[Builder], None]] = [
    rule_eligibility,
    rule_succession,
    rule_max_per_activity,
    rule_minutes,
    rule_max_consecutive,
    rule_min_consecutive,
    rule_min_consecutive_off,
    rule_max_weekends,
    rule_cover_min,
    rule_capacity,
    rule_split_teams,
    rule_substitute_day_off,
    rule_window_limits,
]
SOFT_RULES: list[Callable[[Builder], None]] = [
    soft_cover,
    soft_requests,
    soft_fairness,
    soft_stability,
]

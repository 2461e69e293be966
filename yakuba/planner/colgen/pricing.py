"""Pricing of column generation: per person, the row of least reduced cost.

**Pricing** asks, per person, for the row of least reduced cost ``f_e(row) − σ_e`` with
``f_e(row) = cost(row) − Σ_c π_c [row counts in c]``. It is solved by :class:`RowDP`, an
exact dynamic programme over (activity of yesterday, run length, run touching day 0,
and where affordable weekends worked and hours worked so far): successions, run and rest
lengths, fixed days off and — when counted in the state — the weekend limit and the
hours window are exact. What the state does not count (per-activity limits always,
hours and weekends on long horizons) is priced by Lagrange multipliers (the
:class:`~.construct.Prices` the construction already searches, extended by a price per
limited activity) that a deflected subgradient adjusts. For any multipliers the DP value
gives a lower bound on the person's minimum; a DP row that meets every limit (or that the
construction's repairs mend) is a column. Where the DP cannot express a person's rules
(pins to work, non-working activities, window limits, substitute days off), for a person
without any column, and to certify the remaining gaps once the DP finds nothing more,
the one-row CP-SAT model prices exactly (on long horizons a person without a column gets
one from :class:`~.construct.RowBuilder` with the duals as gains first).

**Batching**: the persons of one contract (:meth:`RowDP.signature`) are priced by one
DP with a leading batch axis (:meth:`RowDP.best_batch`, :func:`price_dp_batch`), exactly
as one by one; :class:`PricingTask` / :class:`PricingWorker` are the same pricing as
plain-data messages for workers in other processes or on other machines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..construct import Marginals, Prices, _row_ok
from ..index import OFF, Grid, Index
from ..row_repair import _repair_hours, _repair_limits
from .common import EXACT_TOL, NEG_INF, FloatArray, Row
from .rowdp import RowDP

#: Scale of the integral CP-SAT pricing objective (duals rounded up to 1/SCALE).
CPSAT_SCALE = 1000
#: Floats per chunk of :meth:`Person.hours_bound` (its memory, 16 MB).
HOURS_BOUND_CELLS = 2_000_000


class DualGains(Marginals):
    """The construction's gains with the master's cover prices in place of the cover
    marginals: ``gain(e, d, a) = local_gain + Σ π_c`` over the lines ``a`` counts in, so a
    :class:`RowBuilder` maximising it minimises the reduced cost."""

    def __init__(self, ix: Index, pi: Sequence[float] | FloatArray) -> None:
        super().__init__(ix)
        self.pi = [float(x) for x in pi]

    def cover_gain(self, e: int, d: int, a: int) -> float:
        return sum(self.pi[i] for i in self.covered(e, d, a))


@dataclass(frozen=True)
class Column:
    e: int
    row: Row
    #: The row's own part of the objective (requests, stability): an integer.
    cost: int
    #: Cover lines the row counts in.
    lines: tuple[int, ...]


class Person:
    """Static data of one person's pricing problem: the value arrays and the resources."""

    def __init__(self, ix: Index, e: int, marg: Marginals) -> None:
        self.ix, self.e = ix, e
        st = ix.problem.staff[e]
        h, n_act = ix.horizon, len(ix.act_ids)
        self.allowed = np.zeros((h, n_act), dtype=bool)
        self.local = np.zeros((h, n_act))
        cells_d: list[int] = []
        cells_a: list[int] = []
        cells_i: list[int] = []
        for d in range(h):
            for a in ix.allowed[e][d]:
                self.allowed[d, a] = True
                self.local[d, a] = marg.local_gain(e, d, a)
                for i in marg.covered(e, d, a):
                    cells_d.append(d)
                    cells_a.append(a)
                    cells_i.append(i)
        self.cell_d = np.array(cells_d, dtype=np.int64)
        self.cell_a = np.array(cells_a, dtype=np.int64)
        self.cell_i = np.array(cells_i, dtype=np.int64)
        p = ix.problem
        #: Cost of the all-off row (on-requests missed, stability lost).
        self.base = sum(q.weight for q in p.requests if q.on and ix.staff_pos[q.staff] == e)
        prev = p.previous.get(st.id) if p.previous is not None else None
        if prev is not None and p.stability_weight:
            self.base += p.stability_weight * sum(1 for x in prev if x is not None)
        self.shifts = np.array([m / 480 for m in ix.minutes])  # minutes in 480-minute units
        self.lo = st.min_minutes / 480
        self.hi = None if st.max_minutes is None else st.max_minutes / 480
        self.max_weekends = st.max_weekends
        self.limits = {ix.act_pos[a]: n for a, n in st.max_per_activity.items() if 0 < n < h}
        pinned_work = any(x is not None and x != OFF for x in ix.pinned[e])
        nonworking = any(not ix.working[a] for d in range(h) for a in ix.allowed[e][d])
        extra_rules = any(w.staff == st.id for w in p.window_limits) or any(
            s.staff is None or st.id in s.staff for s in p.substitute_days_off
        )
        #: Whether :class:`RowDP` expresses every rule of this person's rows.
        self.dp_ok = not (pinned_work or nonworking or extra_rules)
        self.dp = RowDP(ix, e) if self.dp_ok else None

    def values(self, pi: FloatArray) -> FloatArray:
        """Gain of each (day, activity) against a day off at cover prices ``pi``."""
        g = self.local.copy()
        np.add.at(g, (self.cell_d, self.cell_a), pi[self.cell_i])
        return g

    def hours_bound(self, g: FloatArray) -> float:
        """A lower bound on ``min f_e`` from the hours maximum alone (every other rule
        dropped, one activity a day): ``base − min_{λ≥0} [λ·H + Σ_d max(0, max_a
        (g[d, a] − λ·m_a))]``, the exact 1-D Lagrangian (a fractional knapsack), tried at
        every breakpoint ``λ = g/m``. Where the subgradient on the hours multiplier has
        not converged yet (long rows, high cover prices) it is far stronger."""
        v = np.where(self.allowed, g, NEG_INF)
        work = self.shifts > 0
        if self.hi is None or not work.any():
            return self.base - float(np.maximum(v.max(axis=1), 0.0).sum())
        ratios = v[:, work] / self.shifts[work][None, :]
        lams = np.unique(np.concatenate([[0.0], ratios[np.isfinite(ratios) & (ratios > 0)]]))
        # value(λ) for every candidate: (λ, day, activity), a chunk of candidates at a
        # time (long horizons have thousands of breakpoints).
        chunk = max(1, HOURS_BOUND_CELLS // v.size)
        least = math.inf
        for k in range(0, len(lams), chunk):
            part = lams[k : k + chunk]
            priced = v[None, :, :] - part[:, None, None] * self.shifts[None, None, :]
            best = np.maximum(priced.max(axis=2), 0.0).sum(axis=1) + part * self.hi
            least = min(least, float(best.min()))
        return self.base - least

    def f(self, g: FloatArray, row: Row) -> float:
        """``f_e(row)``: the row's cost minus its cover prices (``g`` from :meth:`values`)."""
        return self.base - sum(float(g[d, a]) for d, a in enumerate(row) if a != OFF)

    def counts(self, row: Row, n_lines: int) -> FloatArray:
        """How many times ``row`` counts in each of the ``n_lines`` cover lines."""
        hit = np.asarray(row, dtype=np.int64)[self.cell_d] == self.cell_a
        return np.bincount(self.cell_i[hit], minlength=n_lines).astype(np.float64)

    def column(self, row: Row, marg: Marginals) -> Column:
        g = self.local
        cost = self.base - sum(g[d, a] for d, a in enumerate(row) if a != OFF)
        lines: list[int] = []
        for d, a in enumerate(row):
            if a != OFF:
                lines.extend(marg.covered(self.e, d, a))
        return Column(self.e, row, round(float(cost)), tuple(lines))

    @staticmethod
    def column_of(ix: Index, e: int, row: Row, marg: Marginals) -> Column:
        """:meth:`column` without building the person's pricing data (a DP)."""
        p = ix.problem
        st = p.staff[e]
        base = sum(q.weight for q in p.requests if q.on and ix.staff_pos[q.staff] == e)
        prev = p.previous.get(st.id) if p.previous is not None else None
        if prev is not None and p.stability_weight:
            base += p.stability_weight * sum(1 for x in prev if x is not None)
        cost = base - sum(marg.local_gain(e, d, a) for d, a in enumerate(row) if a != OFF)
        lines: list[int] = []
        for d, a in enumerate(row):
            if a != OFF:
                lines.extend(marg.covered(e, d, a))
        return Column(e, row, round(float(cost)), tuple(lines))


@dataclass
class Priced:
    """Outcome of pricing one person at some cover prices."""

    #: A lower bound on ``min f_e`` over the person's feasible rows.
    lower: float
    #: Feasible rows found, with their ``f_e``, best first.
    rows: list[tuple[float, Row]] = field(default_factory=list)
    #: Whether ``lower`` is the exact minimum (the best row attains it).
    exact: bool = False


def _resources_ok(person: Person, row: Row) -> bool:
    return _row_ok(person.ix, person.e, list(row))


def _repaired(person: Person, g: FloatArray, row: Row) -> Row | None:
    """A DP row outside its hours window or over an activity limit, mended by the
    construction's repairs (single days added or dropped, activities swapped), if that
    makes it feasible: a column, though not necessarily the cheapest."""
    ix, e = person.ix, person.e
    gains = [
        {a: float(g[d, a]) for a in ix.allowed[e][d] if ix.working[a]} for d in range(ix.horizon)
    ]
    fixed = list(row)
    _repair_hours(ix, e, fixed, gains, set())
    _repair_limits(ix, e, fixed, gains)
    if _row_ok(ix, e, fixed) and _runs_ok(ix, e, fixed):
        return tuple(fixed)
    return None


class _Subgradient:
    """One person's Lagrangian pricing by :class:`RowDP` (see :func:`price_dp`), step by
    step so that persons of one contract can share the DP calls (:func:`price_dp_batch`):
    :meth:`point` gives the DP's values and weekend price for the next step (None when
    done), :meth:`take` the DP's answer, :meth:`result` the outcome."""

    def __init__(self, person: Person, g: FloatArray, prices: Prices, iterations: int) -> None:
        dp = person.dp
        assert dp is not None
        self.person, self.g, self.prices, self.left = person, g, prices, iterations
        self.acts = sorted(person.limits)
        self.price_weekends = dp.weekends_bind and not dp.exact_weekends
        self.price_hours = not dp.exact_hours
        self.wmax = float(person.max_weekends or 0)
        self.hi = person.hi if person.hi is not None else 0.0
        # z = [hours, weekends, one per limited activity]; hours free in sign (positive:
        # the minimum binds, negative: the maximum), the others non-negative.
        z = [
            prices.hours if self.price_hours else 0.0,
            prices.weekends if self.price_weekends else 0.0,
        ]
        self.z = np.array(z + [prices.activities.get(a, 0.0) for a in self.acts])
        self.direction = np.zeros_like(self.z)
        self.best_lower = NEG_INF
        #: The multipliers of ``best_lower``: the next round's warm start (the last
        #: iterate of Polyak steps can be far off, and a far-off start costs the next
        #: round's few steps their bound).
        self.best_z = self.z.copy()
        self.found: dict[Row, float] = {}
        self.best_f = math.inf
        self.theta, self.stall = 1.0, 0
        self.done = iterations <= 0
        self.infeasible = False

    def point(self) -> tuple[FloatArray, float] | None:
        if self.done:
            return None
        person, z = self.person, self.z
        nu_vec = np.zeros(len(person.ix.act_ids))
        nu_vec[self.acts] = z[2:]
        v = self.g + z[0] * person.shifts[None, :] - nu_vec[None, :]
        v[~person.allowed] = NEG_INF
        return v, float(z[1])

    def take(self, out: tuple[float, Row] | None) -> None:
        person, z = self.person, self.z
        self.left -= 1
        if out is None:  # no row meets the run rules: nothing is feasible
            self.done = self.infeasible = True
            return
        val, row = out
        lam = float(z[0])
        hi, acts = self.hi, self.acts
        lower = (
            person.base
            + (lam * person.lo if lam > 0 else lam * hi)
            - float(z[1]) * self.wmax
            - sum(float(z[2 + i]) * person.limits[a] for i, a in enumerate(acts))
            - val
        )
        if lower > self.best_lower + 1e-9:
            self.best_lower, self.stall = lower, 0
            self.best_z = z.copy()
        else:
            self.stall += 1
            if self.stall >= 3:
                self.theta, self.stall = self.theta / 2, 0
        cand = row if _resources_ok(person, row) else _repaired(person, self.g, row)
        if cand is not None and cand not in self.found:
            fr = person.f(self.g, cand)
            self.found[cand] = fr
            self.best_f = min(self.best_f, fr)
        if self.best_f - self.best_lower <= EXACT_TOL or self.left <= 0:
            self.done = True
            return
        # Subgradient of the Lagrangian at z.
        m = float(sum(person.shifts[a] for a in row if a != OFF))
        sub = np.zeros_like(z)
        if self.price_hours and (m < person.lo or (lam > 0 and m > person.lo)):
            sub[0] = person.lo - m
        if self.price_hours and ((person.hi is not None and m > hi) or (lam < 0 and m < hi)):
            sub[0] = hi - m
        if self.price_weekends:
            sub[1] = sum(1 for days in person.ix.weekends if any(row[d] != OFF for d in days))
            sub[1] -= self.wmax
        for i, a in enumerate(acts):
            sub[2 + i] = sum(1 for x in row if x == a) - person.limits[a]
        # Projection: a multiplier at zero does not go below it.
        lo_bound = np.zeros_like(z)
        lo_bound[0] = NEG_INF if person.hi is not None else 0.0
        sub[(z <= lo_bound) & (sub < 0)] = 0.0
        # Deflection damps the zig-zag between two rows (e.g. all E / all D around a
        # limit on E).
        direction = sub + 0.5 * self.direction
        direction[(z <= lo_bound) & (direction < 0)] = 0.0
        self.direction = direction
        norm = float(direction @ direction)
        if norm <= 1e-12:
            self.done = True
            return
        best_f, best_lower = self.best_f, self.best_lower
        target = best_f if best_f < math.inf else best_lower + max(1.0, 0.05 * abs(best_lower))
        step = self.theta * max(target - lower, 1e-3) / norm
        self.z = np.maximum(z + step * direction, lo_bound)

    def result(self) -> Priced:
        if self.infeasible:
            return Priced(math.inf)
        prices, z = self.prices, self.best_z
        if self.price_hours:
            prices.hours = float(z[0])
        if self.price_weekends:
            prices.weekends = float(z[1])
        prices.activities = {a: float(z[2 + i]) for i, a in enumerate(self.acts) if z[2 + i] > 0}
        rows = sorted(((fr, r) for r, fr in self.found.items()), key=lambda t: t[0])
        exact = bool(rows) and rows[0][0] - self.best_lower <= EXACT_TOL
        return Priced(self.best_lower, rows, exact)


def price_dp(person: Person, g: FloatArray, prices: Prices, iterations: int) -> Priced:
    """Lagrangian pricing by :class:`RowDP`: a deflected projected subgradient on the
    multipliers of the hours window, the weekend limit (when priced) and the
    per-activity limits, warm-started from and written back to ``prices``.

    For multipliers ``z`` the Lagrangian ``base + z·(limits) − max_row(values priced by
    z)`` is a lower bound on the person's minimum ``f_e``; a DP row meeting every limit
    (or mended by :func:`_repaired`) is a column. Optimal when both meet.
    """
    dp = person.dp
    assert dp is not None
    sg = _Subgradient(person, g, prices, iterations)
    while (pt := sg.point()) is not None:
        sg.take(dp.best(*pt))
    return sg.result()


def price_dp_batch(
    persons: Sequence[Person],
    gs: Sequence[FloatArray],
    prices: Sequence[Prices],
    iterations: int,
) -> list[Priced]:
    """:func:`price_dp` for persons of one :meth:`RowDP.signature`, in lockstep: each
    subgradient step is one :meth:`RowDP.best_batch` call for the persons still
    stepping. Exactly the outcome of one :func:`price_dp` each."""
    sgs = [_Subgradient(p, g, pr, iterations) for p, g, pr in zip(persons, gs, prices, strict=True)]
    step_until(sgs)
    return [sg.result() for sg in sgs]


def step_until(sgs: Sequence[_Subgradient], stop: Callable[[], bool] | None = None) -> bool:
    """Step the subgradients of persons of one contract in lockstep (:func:`_step_batch`)
    until all are done or, checked between two steps, ``stop()``; whether all are done."""
    dp = sgs[0].person.dp if sgs else None
    while dp is not None:
        if stop is not None and stop():
            return all(sg.done for sg in sgs)
        if not _step_batch(dp, sgs):
            break
    return True


def _step_batch(dp: RowDP, sgs: Sequence[_Subgradient]) -> bool:
    """One subgradient step of every person in ``sgs`` still stepping, in one DP call;
    False if none was."""
    pts = [(sg, pt) for sg in sgs if (pt := sg.point()) is not None]
    if not pts:
        return False
    outs = dp.best_batch(np.stack([pt[0] for _, pt in pts]), [pt[1] for _, pt in pts])
    for (sg, _), out in zip(pts, outs, strict=True):
        sg.take(out)
    return True


def price_cpsat(
    person: Person, g: FloatArray, time_limit: float, hint: Row | None = None, workers: int = 1
) -> Priced:
    """Exact pricing by the one-row CP-SAT model (every per-person hard rule of
    ``rules.HARD_RULES``), objective ``f_e`` with the prices rounded up to 1/CPSAT_SCALE
    so that the proven bound stays a lower bound of the true minimum."""
    from ortools.sat.python import cp_model

    from .. import rules
    from ..builder import Builder

    ix, e = person.ix, person.e
    ref: Grid = [[OFF] * ix.horizon for _ in range(ix.n_staff)]
    free = [[k == e] * ix.horizon for k in range(ix.n_staff)]
    b = Builder(ix, ref, free, relax_cover_min=True)
    for fn in rules.HARD_RULES:
        fn(b)
    coefs = np.ceil(g * CPSAT_SCALE - 1e-9)
    const = 0
    vs, cs = [], []
    for d in range(ix.horizon):
        if b.free[e][d]:
            for a, x in b.xv[e, d].items():
                vs.append(x)
                cs.append(-int(coefs[d, a]))
        elif b.ref[e][d] != OFF:
            const -= int(coefs[d, b.ref[e][d]])
    b.m.minimize(cp_model.LinearExpr.WeightedSum(vs, cs) + const)
    if hint is not None:
        for (_, d), xs in b.xv.items():
            for a, x in xs.items():
                b.m.add_hint(x, hint[d] == a)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = max(1, min(2, workers))
    status = solver.Solve(b.m)
    if status == cp_model.INFEASIBLE:
        return Priced(math.inf, [], True)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Priced(NEG_INF)
    lower = person.base + solver.BestObjectiveBound() / CPSAT_SCALE
    row = tuple(b.grid_from(solver.Value)[e])
    fr = person.f(g, row)
    return Priced(min(lower, fr), [(fr, row)], status == cp_model.OPTIMAL)


def _runs_ok(ix: Index, e: int, row: Sequence[int]) -> bool:
    """Run rules of one row (``_row_ok`` leaves them to the DP that built the row)."""
    st = ix.problem.staff[e]
    h = len(row)
    k_max = st.max_consecutive or h
    d = 0
    while d < h:
        on = row[d] != OFF and ix.working[row[d]]
        end = d
        while end < h and (row[end] != OFF and ix.working[row[end]]) == on:
            end += 1
        length, interior = end - d, d > 0 and end < h
        if on and (length > k_max or (interior and length < st.min_consecutive)):
            return False
        if not on and interior and length < st.min_consecutive_off:
            return False
        d = end
    return True

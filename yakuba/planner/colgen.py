"""Column generation (issue 18): the LP over whole rows, its lower bound, and an integer
roster chosen among the columns (:func:`choose_columns`); ``solver.solve`` runs it on
six-week horizons (strategy ``colgen+lns+weekends``).

A *column* is one person's whole row. The restricted master LP chooses a convex mix of
rows per person (convexity: Σ λ = 1 per person) so that the cover lines are met, with the
missing and extra people as slack variables priced by the instance's under/over weights::

    min  Σ cost(row)·λ  +  Σ_c wu_c·u_c + wo_c·o_c
    s.t. Σ_rows [row counts in c]·λ + u_c − o_c = R_c     (dual π_c ∈ [−wo_c, wu_c])
         Σ_rows of e λ = 1                               (dual σ_e)

``cost(row)`` is the row's own part of the objective (requests, stability), an integer.

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

**Lower bound**: for any cover prices π in [−wo, wu],
``L(π) = Σ_c π_c R_c + Σ_e min_row f_e(row)`` is a lower bound on every roster's
objective (Lagrangian relaxation of the cover lines); with the master's duals it equals
the LP value plus the sum of the negative reduced costs. Any lower bound on each
person's minimum may replace the minimum, so the bound stays valid whether pricing was
exact or not, and since the objective is integral it is rounded up.

**Batching**: the persons of one contract (:meth:`RowDP.signature`) are priced by one
DP with a leading batch axis (:meth:`RowDP.best_batch`, :func:`price_dp_batch`), exactly
as one by one; :class:`PricingTask` / :class:`PricingWorker` are the same pricing as
plain-data messages for workers in other processes or on other machines.

**Stabilisation**: Wentges smoothing — pricing at ``α·π̂ + (1 − α)·π_RMP`` where π̂ is the
point with the best bound so far; after a mis-pricing (no column with negative reduced
cost at the master's duals) the next round prices at the master's duals. While many
columns come per round, pricing takes few subgradient steps; a share of the time limit
(``final_share``) is kept for one careful bound at the last duals if the LP is not
solved by then.

The master LP is GLOP through ``ortools.linear_solver.python.model_builder``. The installed
OR-Tools (9.15) also has ``pywraplp`` and MathOpt, but of the three only model_builder is
typed (``py.typed``; the planner is checked by strict mypy), and it reads duals and adds a
column's terms to existing constraints in place. Its cost: every solve exports the model
and GLOP starts from scratch (``pywraplp`` would re-solve from the last basis); on
Instance14 that was 1.6 s of 60 (28 master solves), pricing being the rest.

Not modelled yet (the master raises :class:`Unsupported`): capacities, split teams,
fairness and hard cover minimums, i.e. the global rules other than cover.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver.python import model_builder as mb

from .construct import (
    ROW_CPSAT_MAX_DAYS,
    Marginals,
    Prices,
    RowBuilder,
    _repair_hours,
    _repair_limits,
    _row_ok,
    construct,
)
from .index import OFF, Grid, Index

Row = tuple[int, ...]
FloatArray = NDArray[np.float64]
NEG_INF = float("-inf")
#: Reduced cost below which a row is worth adding (cost units are integral).
RC_EPS = 1e-6
#: A pricing bound this close to the best row found counts as exact (far below the
#: integral cost unit, so the rounded bound cannot change).
EXACT_TOL = 1e-3
#: Rows of negative reduced cost added per person and round, best first.
COLUMNS_PER_PERSON = 3
#: Subgradient steps of the final bound's refinement, in multiples of ``dp_iterations``.
FINAL_STEPS = 10
#: At most this many persons per batched DP call (memory: states × batch per day).
BATCH_MAX = 64
#: Scale of the integral CP-SAT pricing objective (duals rounded up to 1/SCALE).
CPSAT_SCALE = 1000


class Unsupported(ValueError):
    """The problem has a rule the column-generation stage does not model yet."""


# ----------------------------------------------------------------------------- gains
class DualGains(Marginals):
    """The construction's gains with the master's cover prices in place of the cover
    marginals: ``gain(e, d, a) = local_gain + Σ π_c`` over the lines ``a`` counts in, so a
    :class:`RowBuilder` maximising it minimises the reduced cost."""

    def __init__(self, ix: Index, pi: Sequence[float] | FloatArray) -> None:
        super().__init__(ix)
        self.pi = [float(x) for x in pi]

    def cover_gain(self, e: int, d: int, a: int) -> float:
        return sum(self.pi[i] for i in self.covered(e, d, a))


# ----------------------------------------------------------------------------- rows
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
        # value(λ) for every candidate: (λ, day, activity)
        priced = v[None, :, :] - lams[:, None, None] * self.shifts[None, None, :]
        best = np.maximum(priced.max(axis=2), 0.0).sum(axis=1) + lams * self.hi
        return self.base - float(best.min())

    def f(self, g: FloatArray, row: Row) -> float:
        """``f_e(row)``: the row's cost minus its cover prices (``g`` from :meth:`values`)."""
        return self.base - sum(float(g[d, a]) for d, a in enumerate(row) if a != OFF)

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


#: Largest DP size (days × states × activities) for which :class:`RowDP` counts worked
#: weekends and hours exactly in its state; beyond it they are priced (Lagrange).
STATE_BUDGET = 500_000


class RowDP:
    """Exact longest path over one person's days for per-(day, activity) values.

    State: working today on activity ``a`` with a run of ``k`` days, or off for ``k``
    days, each with a flag "the run started on day 0" (edge runs are exempt from the
    minimums); and, where affordable (:data:`STATE_BUDGET`), the number of weekends
    worked so far and the hours worked so far (in units of the shift lengths' common
    divisor), both capped at their limits. Successions, run and rest lengths and fixed
    days off are always exact; the weekend limit and the hours window are exact when
    counted (``exact_weekends``, ``exact_hours``), else the caller prices them (a worked
    weekend costs ``mu`` once: the state knows whether Saturday was worked). Per-activity
    limits are always priced by the caller.
    """

    def __init__(self, ix: Index, e: int, budget: int = STATE_BUDGET) -> None:
        st = ix.problem.staff[e]
        h, n = ix.horizon, len(ix.act_ids)
        self.h, self.n = h, n
        k_max = st.max_consecutive if st.max_consecutive and st.max_consecutive < h else None
        self.m_on = max(1, st.min_consecutive)
        self.r = max(1, st.min_consecutive_off)
        #: Run-length states; without a maximum the count saturates at the minimum.
        self.kc = k_max if k_max is not None else self.m_on
        self.nxt: list[int | None] = [
            i + 1 if i + 1 < self.kc else (None if k_max is not None else self.kc - 1)
            for i in range(self.kc)
        ]
        self.compat = np.zeros((n, n))
        for a, act in enumerate(ix.problem.activities):
            for b in act.forbidden_next:
                self.compat[a, ix.act_pos[b]] = NEG_INF
        edge = np.array([False, True])
        self.can_end = (np.arange(1, self.kc + 1)[:, None] >= self.m_on) | edge[None, :]
        self.can_start = (np.arange(1, self.r + 1)[:, None] >= self.r) | edge[None, :]
        self.first_wk = np.zeros(h, dtype=bool)
        self.any_wk = np.zeros(h, dtype=bool)
        for days in ix.weekends:
            self.first_wk[days[0]] = True
            self.any_wk[days] = True
        wmax = st.max_weekends
        #: Whether the weekend limit binds at all (else weekends are free).
        self.weekends_bind = wmax is not None and wmax < len(ix.weekends)
        # Hours in units of the common divisor of the working shift lengths.
        lengths = [ix.minutes[a] for a in range(n) if ix.working[a]] or [480]
        unit = math.gcd(*lengths)
        hi_min = st.max_minutes if st.max_minutes is not None else h * max(lengths)
        hc = hi_min // unit + 1
        wc = (wmax or 0) + 1 if self.weekends_bind else 1
        per = self.kc * 2 * n * n
        self.exact_hours = h * hc * wc * per <= budget
        self.exact_weekends = (
            self.weekends_bind and h * wc * (hc if self.exact_hours else 1) * per <= budget
        )
        if not self.exact_weekends and self.exact_hours is False:
            self.exact_hours = h * hc * per <= budget
        self.wc = wc if self.exact_weekends else 1
        self.hc = hc if self.exact_hours else 1
        self.lo_units = -(-st.min_minutes // unit) if self.exact_hours else 0
        #: Hours units of each activity (0 when hours are not counted).
        self.units = [
            ix.minutes[a] // unit if self.exact_hours and ix.working[a] else 0 for a in range(n)
        ]
        self.n_work = self.wc * self.hc * n * self.kc * 2

    def _shift(
        self, x: NDArray[Any], weekend: bool, units: list[int] | None, fill: float
    ) -> NDArray[Any]:
        """Move states up the weekend axis (0) by one when ``weekend`` and up the hours
        axis (1) by ``units[b]`` for each activity ``b`` on the last axis; what falls
        off the top (over a limit) is dropped."""
        if weekend and self.exact_weekends:
            y = np.full_like(x, fill)
            y[1:] = x[:-1]
            x = y
        if units is not None and self.exact_hours:
            y = np.full_like(x, fill)
            for u in set(units):
                sel = [b for b, ub in enumerate(units) if ub == u]
                if u == 0:
                    y[..., sel] = x[..., sel]
                elif u < self.hc:
                    y[:, u:, ..., sel] = x[:, : self.hc - u, ..., sel]
            x = y
        return x

    def best(self, v: FloatArray, mu: float) -> tuple[float, Row] | None:
        """Best row for values ``v`` (h × activities, −inf = not possible) and weekend
        price ``mu`` (ignored when weekends are counted exactly): its value and the row,
        or None if no row meets the rules.

        Written for few numpy calls per day: per-day Python overhead, not arithmetic,
        is what a day costs on small state spaces.
        """
        h, n, kc, r, wc, hc = self.h, self.n, self.kc, self.r, self.wc, self.hc
        mu = 0.0 if self.exact_weekends or not self.weekends_bind else mu
        saturating = self.nxt[-1] is not None
        units = self.units
        n_w1 = n * kc * 2  # work states per (weekends, hours) count
        w = np.full((wc, hc, n, kc, 2), NEG_INF)
        o = np.full((wc, hc, r, 2), NEG_INF)
        o[0, 0, 0, 1] = 0.0
        w0 = np.full((wc, hc, n), NEG_INF)
        w0[0, 0] = v[0] - (mu if self.any_wk[0] else 0.0)
        w[:, :, :, 0, 1] = self._shift(w0, bool(self.any_wk[0]), units, NEG_INF)
        preds: list[NDArray[np.int64]] = []
        # Flat ids: work (weekends, hours, activity, k, edge), then off (weekends, hours,
        # k, edge).
        w_ids = np.arange(self.n_work).reshape(wc, hc, n_w1)
        o_ids = self.n_work + np.arange(wc * hc * r * 2).reshape(wc, hc, r, 2)
        kid = np.arange(kc)[:, None, None] * 2 + np.arange(2)[None, :, None]  # k, edge, 1
        cell = np.arange(wc * hc).reshape(wc, hc)[:, :, None, None, None] * n  # c, j
        can_end = self.can_end[None, None, None]
        can_start = self.can_start[None, None]
        cw, ch = np.meshgrid(np.arange(wc), np.arange(hc), indexing="ij")
        for d in range(1, h):
            vd = v[d]
            first = bool(self.first_wk[d])
            wk_day = bool(self.any_wk[d])
            # work -> work: the best activity of yesterday for each of today's.
            t = w[..., None] + self.compat[:, None, None, :]  # c, j, a, k, edge, b
            arg = t.argmax(axis=2)  # c, j, k, edge, b
            best = t.max(axis=2) + (vd - (mu if first else 0.0))
            ids = (cell + arg) * (kc * 2) + kid
            best = self._shift(best, first, units, NEG_INF)
            ids = self._shift(ids, first, units, -1)
            best = best.transpose(0, 1, 4, 2, 3)  # c, j, b, k, edge
            ids = ids.transpose(0, 1, 4, 2, 3)
            nw = np.full((wc, hc, n, kc, 2), NEG_INF)
            npw = np.full((wc, hc, n, kc, 2), -1, dtype=np.int64)
            if kc > 1:
                nw[..., 1:, :] = best[..., :-1, :]
                npw[..., 1:, :] = ids[..., :-1, :]
            if saturating:  # the last run length also follows itself
                better = best[..., -1, :] > nw[..., -1, :]
                nw[..., -1, :] = np.where(better, best[..., -1, :], nw[..., -1, :])
                npw[..., -1, :] = np.where(better, ids[..., -1, :], npw[..., -1, :])
            # off -> work: a new run (not touching day 0).
            oe = np.where(can_start, o, NEG_INF).reshape(wc, hc, r * 2)
            k = oe.argmax(axis=2)
            bo = oe[cw, ch, k][:, :, None] + (vd - (mu if wk_day else 0.0))  # c, j, b
            bid = np.repeat(o_ids.reshape(wc, hc, r * 2)[cw, ch, k][:, :, None], n, 2)
            bo = self._shift(bo, wk_day, units, NEG_INF)
            bid = self._shift(bid, wk_day, units, -1)
            better = bo > nw[..., 0, 0]
            nw[..., 0, 0] = np.where(better, bo, nw[..., 0, 0])
            npw[..., 0, 0] = np.where(better, bid, npw[..., 0, 0])
            # work -> off, then off -> off.
            we = np.where(can_end, w, NEG_INF).reshape(wc, hc, n_w1)
            k = we.argmax(axis=2)
            no = np.full((wc, hc, r, 2), NEG_INF)
            npo = np.full((wc, hc, r, 2), -1, dtype=np.int64)
            no[:, :, 0, 0] = we[cw, ch, k]
            npo[:, :, 0, 0] = w_ids[cw, ch, k]
            if r > 1:
                no[:, :, 1:] = o[:, :, :-1]
                npo[:, :, 1:] = o_ids[:, :, :-1]
            # The longest rest class also follows itself (r == 1: it is the first one).
            stay = o[:, :, r - 1]
            better = stay > no[:, :, r - 1]
            no[:, :, r - 1] = np.where(better, stay, no[:, :, r - 1])
            npo[:, :, r - 1] = np.where(better, o_ids[:, :, r - 1], npo[:, :, r - 1])
            w, o = nw, no
            preds.append(np.concatenate([npw.ravel(), npo.ravel()]))
        # Rows under the minimum hours are not rows (when hours are counted).
        w[:, : self.lo_units] = NEG_INF
        o[:, : self.lo_units] = NEG_INF
        final = np.concatenate([w.ravel(), o.ravel()])
        s = int(final.argmax())
        value = float(final[s])
        if value == NEG_INF:
            return None
        row = [OFF] * h
        for d in range(h - 1, -1, -1):
            row[d] = (s // (kc * 2)) % n if s < self.n_work else OFF
            if d > 0:
                s = int(preds[d - 1][s])
        return value, tuple(row)

    def signature(self) -> tuple[Any, ...]:
        """Everything of the DP but the values: persons with the same signature (same
        contract) are priced together by :meth:`best_batch`."""
        return (
            self.h,
            self.n,
            self.kc,
            tuple(self.nxt),
            self.m_on,
            self.r,
            self.wc,
            self.hc,
            self.lo_units,
            tuple(self.units),
            self.exact_weekends,
            self.weekends_bind,
            self.compat.tobytes(),
        )

    def _shift_b(
        self, x: NDArray[Any], weekend: bool, units: list[int] | None, fill: float
    ) -> NDArray[Any]:
        """:meth:`_shift` with a leading batch axis."""
        if weekend and self.exact_weekends:
            y = np.full_like(x, fill)
            y[:, 1:] = x[:, :-1]
            x = y
        if units is not None and self.exact_hours:
            y = np.full_like(x, fill)
            for u in set(units):
                sel = [b for b, ub in enumerate(units) if ub == u]
                if u == 0:
                    y[..., sel] = x[..., sel]
                elif u < self.hc:
                    y[:, :, u:, ..., sel] = x[:, :, : self.hc - u, ..., sel]
            x = y
        return x

    def best_batch(
        self, v: FloatArray, mu: Sequence[float] | FloatArray
    ) -> list[tuple[float, Row] | None]:
        """:meth:`best` for several persons of the same :meth:`signature` at once:
        ``v`` is batch × h × activities, ``mu`` one weekend price per person. The same
        arithmetic in the same order, so the same rows and values as one call each;
        the per-day numpy calls (the cost of a day) are shared by the batch."""
        h, n, kc, r, wc, hc = self.h, self.n, self.kc, self.r, self.wc, self.hc
        nb = v.shape[0]
        mus = np.asarray(mu, dtype=np.float64)
        if self.exact_weekends or not self.weekends_bind:
            mus = np.zeros(nb)
        saturating = self.nxt[-1] is not None
        units = self.units
        n_w1 = n * kc * 2
        w = np.full((nb, wc, hc, n, kc, 2), NEG_INF)
        o = np.full((nb, wc, hc, r, 2), NEG_INF)
        o[:, 0, 0, 0, 1] = 0.0
        w0 = np.full((nb, wc, hc, n), NEG_INF)
        w0[:, 0, 0] = v[:, 0] - (mus[:, None] if self.any_wk[0] else 0.0)
        w[:, :, :, :, 0, 1] = self._shift_b(w0, bool(self.any_wk[0]), units, NEG_INF)
        preds: list[NDArray[np.int64]] = []
        w_ids = np.broadcast_to(np.arange(self.n_work).reshape(wc, hc, n_w1), (nb, wc, hc, n_w1))
        o_ids = np.broadcast_to(
            self.n_work + np.arange(wc * hc * r * 2).reshape(wc, hc, r * 2), (nb, wc, hc, r * 2)
        )
        kid = np.arange(kc)[:, None, None] * 2 + np.arange(2)[None, :, None]
        cell = np.arange(wc * hc).reshape(wc, hc)[:, :, None, None, None] * n
        can_end = self.can_end[None, None, None]
        can_start = self.can_start[None, None]
        for d in range(1, h):
            first = bool(self.first_wk[d])
            wk_day = bool(self.any_wk[d])
            vd_first = v[:, d] - mus[:, None] if first else v[:, d]
            vd_wk = v[:, d] - mus[:, None] if wk_day else v[:, d]
            t = w[..., None] + self.compat[:, None, None, :]  # B, c, j, a, k, edge, b
            arg = t.argmax(axis=3)
            best = t.max(axis=3) + vd_first[:, None, None, None, None, :]
            ids = (cell + arg) * (kc * 2) + kid
            best = self._shift_b(best, first, units, NEG_INF)
            ids = self._shift_b(ids, first, units, -1)
            best = best.transpose(0, 1, 2, 5, 3, 4)
            ids = ids.transpose(0, 1, 2, 5, 3, 4)
            nw = np.full((nb, wc, hc, n, kc, 2), NEG_INF)
            npw = np.full((nb, wc, hc, n, kc, 2), -1, dtype=np.int64)
            if kc > 1:
                nw[..., 1:, :] = best[..., :-1, :]
                npw[..., 1:, :] = ids[..., :-1, :]
            if saturating:
                better = best[..., -1, :] > nw[..., -1, :]
                nw[..., -1, :] = np.where(better, best[..., -1, :], nw[..., -1, :])
                npw[..., -1, :] = np.where(better, ids[..., -1, :], npw[..., -1, :])
            oe = np.where(can_start, o, NEG_INF).reshape(nb, wc, hc, r * 2)
            k = oe.argmax(axis=3)[..., None]
            bo = np.take_along_axis(oe, k, 3) + vd_wk[:, None, None, :]
            bid = np.broadcast_to(np.take_along_axis(o_ids, k, 3), bo.shape)
            bo = self._shift_b(bo, wk_day, units, NEG_INF)
            bid = self._shift_b(np.ascontiguousarray(bid), wk_day, units, -1)
            better = bo > nw[..., 0, 0]
            nw[..., 0, 0] = np.where(better, bo, nw[..., 0, 0])
            npw[..., 0, 0] = np.where(better, bid, npw[..., 0, 0])
            we = np.where(can_end, w, NEG_INF).reshape(nb, wc, hc, n_w1)
            k = we.argmax(axis=3)[..., None]
            no = np.full((nb, wc, hc, r, 2), NEG_INF)
            npo = np.full((nb, wc, hc, r, 2), -1, dtype=np.int64)
            no[:, :, :, 0, 0] = np.take_along_axis(we, k, 3)[..., 0]
            npo[:, :, :, 0, 0] = np.take_along_axis(w_ids, k, 3)[..., 0]
            o_r = o_ids.reshape(nb, wc, hc, r, 2)
            if r > 1:
                no[:, :, :, 1:] = o[:, :, :, :-1]
                npo[:, :, :, 1:] = o_r[:, :, :, :-1]
            stay = o[:, :, :, r - 1]
            better = stay > no[:, :, :, r - 1]
            no[:, :, :, r - 1] = np.where(better, stay, no[:, :, :, r - 1])
            npo[:, :, :, r - 1] = np.where(better, o_r[:, :, :, r - 1], npo[:, :, :, r - 1])
            w, o = nw, no
            preds.append(np.concatenate([npw.reshape(nb, -1), npo.reshape(nb, -1)], axis=1))
        w[:, :, : self.lo_units] = NEG_INF
        o[:, :, : self.lo_units] = NEG_INF
        final = np.concatenate([w.reshape(nb, -1), o.reshape(nb, -1)], axis=1)
        out: list[tuple[float, Row] | None] = []
        for b in range(nb):
            s = int(final[b].argmax())
            value = float(final[b, s])
            if value == NEG_INF:
                out.append(None)
                continue
            row = [OFF] * h
            for d in range(h - 1, -1, -1):
                row[d] = (s // (kc * 2)) % n if s < self.n_work else OFF
                if d > 0:
                    s = int(preds[d - 1][b, s])
            out.append((value, tuple(row)))
        return out


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
        prices, z = self.prices, self.z
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
    dp = persons[0].dp if persons else None
    while dp is not None and _step_batch(dp, sgs):
        pass
    return [sg.result() for sg in sgs]


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

    from . import rules
    from .builder import Builder

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


# ----------------------------------------------------------------------------- master
class Master:
    """The restricted master LP (GLOP), built once, columns added in place."""

    def __init__(self, ix: Index) -> None:
        p = ix.problem
        if p.capacities or p.split_teams or p.fairness or any(c.hard_min for c in p.cover):
            raise Unsupported(
                "column generation models cover, requests and stability only "
                "(no capacities, split teams, fairness or hard cover minimums yet)"
            )
        self.ix = ix
        self.model = mb.Model()
        self.solver = mb.Solver("glop")
        m, inf = self.model, math.inf
        self.cover: list[mb.LinearConstraint] = []
        objective: list[tuple[float, mb.Variable]] = []
        for c in p.cover:
            u, o = m.new_num_var(0.0, inf), m.new_num_var(0.0, inf)
            self.cover.append(m.add_linear_constraint(u - o, float(c.target), float(c.target)))
            objective += [(float(c.weight_under), u), (float(c.weight_over), o)]
        m.minimize(mb.LinearExpr.weighted_sum([v for _, v in objective], [w for w, _ in objective]))
        self.convexity = [m.add_linear_constraint(0.0, 1.0, 1.0) for _ in range(ix.n_staff)]
        self.columns: list[list[Column]] = [[] for _ in range(ix.n_staff)]
        self.vars: list[list[mb.Variable]] = [[] for _ in range(ix.n_staff)]
        self.seen: list[set[Row]] = [set() for _ in range(ix.n_staff)]
        self.artificial: list[mb.Variable | None] = [None] * ix.n_staff

    def _var(self, e: int, cost: float) -> mb.Variable:
        x = self.model.new_num_var(0.0, math.inf)
        self.model.helper.set_var_objective_coefficient(x.index, cost)
        self.convexity[e].add_term(x, 1.0)
        return x

    def add(self, col: Column) -> bool:
        if col.row in self.seen[col.e]:
            return False
        x = self._var(col.e, float(col.cost))
        for i in col.lines:
            self.cover[i].add_term(x, 1.0)
        self.columns[col.e].append(col)
        self.vars[col.e].append(x)
        self.seen[col.e].add(col.row)
        return True

    def add_artificial(self, e: int, cost: float) -> None:
        """A costly stand-in for a person without any column yet (keeps the LP feasible)."""
        self.artificial[e] = self._var(e, cost)

    def solve(self) -> tuple[float, FloatArray, FloatArray]:
        """LP value, cover duals (clipped into [−wo, wu]) and convexity duals."""
        status = self.solver.solve(self.model)
        if status != mb.SolveStatus.OPTIMAL:
            raise RuntimeError(f"master LP not solved to optimality ({status})")
        cover = self.ix.problem.cover
        pi = np.array(
            [
                min(float(c.weight_under), max(-float(c.weight_over), self._dual(ct)))
                for c, ct in zip(cover, self.cover, strict=True)
            ]
        )
        sigma = np.array([self._dual(ct) for ct in self.convexity])
        return float(self.solver.objective_value), pi, sigma

    def _dual(self, ct: mb.LinearConstraint) -> float:
        return float(self.solver.dual_value(ct))

    def _value(self, x: mb.Variable) -> float:
        return float(self.solver.value(x))

    def solution(self) -> list[dict[int, float]]:
        out: list[dict[int, float]] = []
        for xs in self.vars:
            vals = {j: self._value(x) for j, x in enumerate(xs)}
            out.append({j: v for j, v in vals.items() if v > 1e-9})
        return out

    def artificial_used(self) -> bool:
        return any(x is not None and self._value(x) > 1e-9 for x in self.artificial)


# ----------------------------------------------------------------------------- driver
@dataclass
class Iteration:
    iteration: int
    elapsed: float
    lp_value: float
    #: ``L(π)`` at this iteration's pricing point (a lower bound).
    lagrangian: float
    added: int
    alpha: float


@dataclass
class ColgenResult:
    #: Value of the last restricted master LP (an upper bound on the full LP).
    lp_value: float
    #: The best Lagrangian bound found (a lower bound on every roster's objective).
    lagrangian: float
    #: ``max(0, ceil(lagrangian))``: the objective is integral and non-negative. None if
    #: no pricing round was complete.
    bound: int | None
    #: The column pool per person and the LP's fractional solution (column -> value).
    columns: list[list[Column]]
    solution: list[dict[int, float]]
    iterations: list[Iteration]
    #: The LP is solved (no row of negative reduced cost left, pricing exact) or the
    #: bound reached the rounded LP value (nothing more to gain).
    converged: bool
    elapsed: float

    @property
    def integral(self) -> bool:
        """Every person's LP row is one column at 1 (the LP solution is a roster)."""
        return all(len(s) == 1 and abs(next(iter(s.values())) - 1.0) < 1e-6 for s in self.solution)

    def grid(self) -> Grid | None:
        """The roster when the LP solution is integral."""
        if not self.integral:
            return None
        return [list(self.columns[e][next(iter(s))].row) for e, s in enumerate(self.solution)]


def _ceil(x: float) -> int:
    return math.ceil(x - 1e-6 * max(1.0, abs(x)))


def column_generation(
    ix: Index,
    *,
    time_limit: float = 60.0,
    stop: threading.Event | None = None,
    initial: Sequence[Grid] = (),
    alpha: float = 0.5,
    dp_iterations: int = 12,
    exact: bool = False,
    cpsat_limit: float = 2.0,
    workers: int = 1,
    max_iterations: int = 10_000,
    on_iteration: Callable[[Iteration], None] | None = None,
    final_share: float = 0.25,
    seed_construction: bool = True,
) -> ColgenResult:
    """Solve the master LP by column generation; see the module docstring.

    ``initial``: rosters whose valid rows seed the pool (the construction's rows always
    do). ``exact``: certify every person's minimum by CP-SAT when the DP leaves a gap
    (for tests on tiny instances); otherwise CP-SAT prices only the persons the DP cannot
    express and, once the DP finds nothing more, those whose bound still has a gap.
    ``alpha``: Wentges smoothing weight of the best-bound prices (0 = none).
    ``final_share``: if the LP is not solved by then, this share of the time limit is
    kept for one careful bound at the last master duals (more subgradient steps, and
    CP-SAT on rows up to ``ROW_CPSAT_MAX_DAYS`` days): while the master is far from its
    optimum the rounds' bounds are poor, since cheap pricing leaves gaps.
    ``seed_construction``: also seed with a fresh construction (the solver passes its
    own rows in ``initial`` instead: a construction of a long horizon costs seconds).
    """
    run = _Run(ix, time_limit, stop, alpha, dp_iterations, exact, cpsat_limit, workers)
    run.seed(initial, seed_construction)
    return run.loop(max_iterations, on_iteration, final_share)


@dataclass
class _Round:
    """One pricing round: per-person lower bounds and rows, columns added."""

    lower: list[float]
    open: list[int]
    added: int
    complete: bool


class _Run:
    def __init__(
        self,
        ix: Index,
        time_limit: float,
        stop: threading.Event | None,
        alpha: float,
        dp_iterations: int,
        exact: bool,
        cpsat_limit: float,
        workers: int,
    ) -> None:
        self.t0 = time.monotonic()
        self.deadline = self.t0 + time_limit
        self.stop = stop
        self.ix = ix
        self.alpha = alpha
        self.dp_iterations = dp_iterations
        #: Subgradient steps per person this round: few while the master is far from
        #: its optimum (columns come easily, bounds are poor anyway), all near the end.
        self.iterations_now = dp_iterations
        self.exact = exact
        self.cpsat_limit = cpsat_limit
        self.workers = workers
        #: Price the persons of one contract together (:meth:`price_all`).
        self.batch = True
        self.master = Master(ix)
        self.marg = Marginals(ix)
        self.people = [Person(ix, e, self.marg) for e in range(ix.n_staff)]
        self.prices = [Prices() for _ in range(ix.n_staff)]
        self.targets = np.array([float(c.target) for c in ix.problem.cover])
        #: The cover prices of the current pricing round.
        self._pi: FloatArray = np.zeros(len(ix.problem.cover))

    def out_of_time(self) -> bool:
        return time.monotonic() >= self.deadline or (self.stop is not None and self.stop.is_set())

    def left(self) -> float:
        return max(0.01, min(self.cpsat_limit, self.deadline - time.monotonic()))

    def seed(self, initial: Sequence[Grid], construction: bool = True) -> None:
        ix, master = self.ix, self.master
        grids = list(initial)
        if construction or not grids:
            grids.insert(0, construct(ix, workers=self.workers)[0])
        for g in grids:
            for e, row in enumerate(g):
                if _row_ok(ix, e, row) and _runs_ok(ix, e, row):
                    master.add(self.people[e].column(tuple(row), self.marg))
        cover = ix.problem.cover
        big = float(
            1 + sum(c.weight_under * c.target for c in cover) + sum(p.base for p in self.people)
        )
        for e in range(ix.n_staff):
            if not master.columns[e]:
                master.add_artificial(e, big)

    def price(self, person: Person, g: FloatArray, pr: Priced | None = None) -> Priced:
        """The person's pricing: the DP (``pr`` if already done); when it finds no
        feasible row and the person has no column yet, the construction's priced DP
        (long horizons) or CP-SAT; in exact mode CP-SAT closes every gap the DP leaves."""
        e = person.e
        if not person.dp_ok:
            return price_cpsat(person, g, self.left(), None, self.workers)
        if pr is None:
            pr = price_dp(person, g, self.prices[e], self.iterations_now)
        needy = not pr.rows and not self.master.columns[e]
        if needy and self.ix.horizon > ROW_CPSAT_MAX_DAYS:
            # The construction's priced DP with the duals as gains: fast on long rows.
            gains = DualGains(self.ix, self._pi)
            b = RowBuilder(self.ix, e, gains, Prices(), workers=self.workers, noise=0.01)
            row = b.build(fallback=False)
            if row is not None and _runs_ok(self.ix, e, row):
                pr.rows.append((person.f(g, tuple(row)), tuple(row)))
        if pr.exact or not (self.exact or (needy and not pr.rows)):
            return pr
        hint = pr.rows[0][1] if pr.rows else None
        cp = price_cpsat(person, g, self.left(), hint, self.workers)
        best = {r: fr for fr, r in [*pr.rows, *cp.rows]}
        rows = sorted(((fr, r) for r, fr in best.items()), key=lambda t: t[0])
        return Priced(max(pr.lower, cp.lower), rows, cp.exact)

    def dp_batched(
        self,
        gs: Sequence[FloatArray],
        iterations: int,
        only: Sequence[int] | None = None,
        partial: bool = False,
    ) -> dict[int, Priced] | None:
        """:func:`price_dp` of every DP person (or of those in ``only``), those of one
        contract together, every contract one step at a time. When the time runs out:
        None, or with ``partial`` the outcome of the steps done (valid bounds: a
        subgradient's best value so far is one)."""
        groups: dict[tuple[Any, ...], list[int]] = {}
        for e in range(len(self.people)) if only is None else only:
            dp = self.people[e].dp
            if dp is not None:
                groups.setdefault(dp.signature(), []).append(e)
        batches = [
            (self.people[es[0]].dp, es[k : k + BATCH_MAX])
            for es in groups.values()
            for k in range(0, len(es), BATCH_MAX)
        ]
        sgs = {
            e: _Subgradient(self.people[e], gs[e], self.prices[e], iterations)
            for _, part in batches
            for e in part
        }
        stepping = True
        while stepping:
            stepping = False
            for dp, part in batches:
                if self.out_of_time():
                    if not partial:
                        return None
                    return {e: sg.result() for e, sg in sgs.items()}
                assert dp is not None
                _step_batch(dp, [sgs[e] for e in part])
            stepping = any(not sg.done for sg in sgs.values())
        return {e: sg.result() for e, sg in sgs.items()}

    def price_all(self, pi: FloatArray) -> list[Priced] | None:
        """Every person's pricing at ``pi`` (None if the time ran out first). With
        ``batch`` the DP persons of one contract (:meth:`RowDP.signature`) share their
        DP calls (:func:`price_dp_batch`): the same results, fewer numpy calls."""
        self._pi = pi
        gs = [person.values(pi) for person in self.people]
        dp_done: dict[int, Priced] = {}
        if self.batch:
            got = self.dp_batched(gs, self.iterations_now)
            if got is None:
                return None
            dp_done = got
        out: list[Priced] = []
        for e, person in enumerate(self.people):
            if self.out_of_time():
                return None
            out.append(self.price(person, gs[e], dp_done.get(e)))
        return out

    def round(self, pi: FloatArray, pi_rmp: FloatArray, sigma: FloatArray) -> _Round:
        lower: list[float] = []
        open_: list[int] = []
        added = 0
        priced = self.price_all(pi)
        if priced is None:
            return _Round(lower, open_, added, False)
        for e, person in enumerate(self.people):
            g = person.values(pi)
            g_rmp = g if pi is pi_rmp else person.values(pi_rmp)
            pr = priced[e]
            lower.append(pr.lower)
            if not pr.exact:
                open_.append(e)
            for _fr, row in pr.rows[:COLUMNS_PER_PERSON]:
                if person.f(g_rmp, row) - sigma[e] < -RC_EPS:
                    added += self.master.add(person.column(row, self.marg))
        return _Round(lower, open_, added, True)

    def certify(self, rnd: _Round, pi: FloatArray, sigma: FloatArray) -> int:
        """CP-SAT on the persons whose DP bound has a gap: adds the rows of negative
        reduced cost it finds and raises their lower bounds in ``rnd``."""
        added = 0
        still_open: list[int] = []
        for e in rnd.open:
            if self.out_of_time():
                still_open.append(e)
                continue
            person = self.people[e]
            g = person.values(pi)
            cp = price_cpsat(person, g, self.left(), None, self.workers)
            rnd.lower[e] = max(rnd.lower[e], cp.lower)
            if not cp.exact:
                still_open.append(e)
            for fr, row in cp.rows:
                if fr - sigma[e] < -RC_EPS:
                    added += self.master.add(person.column(row, self.marg))
        rnd.open = still_open
        return added

    def final_bound(self, pi: FloatArray) -> float | None:
        """``L(pi)`` with the person minimums bounded as well as the time allows: a quick
        DP pass over everybody (None if even that does not finish), then the persons
        with the widest gaps refined — more subgradient steps, then CP-SAT on rows up to
        ``ROW_CPSAT_MAX_DAYS`` days — until the time is up. Valid at every moment."""
        lower: list[float] = []
        gap: list[float] = []
        rows: list[Row | None] = []
        values = [person.values(pi) for person in self.people]
        dp_done: dict[int, Priced] = {}
        if self.batch:
            got = self.dp_batched(values, self.dp_iterations)
            if got is None:
                return None
            dp_done = got
        for person in self.people:
            if self.out_of_time():
                return None
            g = values[person.e]
            if not person.dp_ok:
                pr = price_cpsat(person, g, self.left(), None, self.workers)
            elif person.e in dp_done:
                pr = dp_done[person.e]
            else:
                pr = price_dp(person, g, self.prices[person.e], self.dp_iterations)
            low = max(pr.lower, person.hours_bound(g))
            lower.append(low)
            gap.append(0.0 if pr.exact else (pr.rows[0][0] - low if pr.rows else math.inf))
            rows.append(pr.rows[0][1] if pr.rows else None)
        refined: dict[int, Priced] = {}
        if self.batch:
            # More subgradient steps for everybody with a gap, by contract.
            gaps = [e for e in range(len(self.people)) if gap[e] > EXACT_TOL]
            steps = FINAL_STEPS * self.dp_iterations
            refined = self.dp_batched(values, steps, gaps, partial=True) or {}
            for e, pr in refined.items():
                lower[e] = max(lower[e], pr.lower)
                if pr.exact:
                    gap[e] = 0.0
                elif pr.rows:
                    gap[e] = pr.rows[0][0] - lower[e]
                    rows[e] = pr.rows[0][1]
        for e in sorted(range(len(self.people)), key=lambda k: -gap[k]):
            person = self.people[e]
            if gap[e] <= EXACT_TOL or not person.dp_ok:
                break
            if self.out_of_time():
                break
            if e in refined:
                pr = refined[e]
            else:
                pr = price_dp(person, values[e], self.prices[e], FINAL_STEPS * self.dp_iterations)
            lower[e] = max(lower[e], pr.lower)
            if pr.exact or self.ix.horizon > ROW_CPSAT_MAX_DAYS or self.out_of_time():
                continue
            hint = pr.rows[0][1] if pr.rows else rows[e]
            cp = price_cpsat(person, values[e], self.left(), hint, self.workers)
            lower[e] = max(lower[e], cp.lower)
        return float(pi @ self.targets) + sum(lower)

    def loop(
        self,
        max_iterations: int,
        on_iteration: Callable[[Iteration], None] | None,
        final_share: float = 0.0,
    ) -> ColgenResult:
        master = self.master
        hard_deadline = self.deadline
        self.deadline -= final_share * (self.deadline - self.t0)
        pi_rmp: FloatArray | None = None
        history: list[Iteration] = []
        best_lower = NEG_INF
        center: FloatArray | None = None
        lp_value = math.inf
        converged = False
        a_now = self.alpha
        for it in range(max_iterations):
            lp_value, pi_rmp, sigma = master.solve()
            if self.out_of_time():
                break
            smoothed = center is not None and a_now > 0
            pi = (
                a_now * center + (1 - a_now) * pi_rmp if center is not None and smoothed else pi_rmp
            )
            rnd = self.round(pi, pi_rmp, sigma)
            if not rnd.complete:
                break  # a bound needs every person's minimum
            if not rnd.added and not smoothed and rnd.open and not self.exact:
                rnd.added = self.certify(rnd, pi_rmp, sigma)
            lagr = float(pi @ self.targets) + sum(rnd.lower)
            if lagr > best_lower:
                best_lower, center = lagr, pi.copy()
            rec = Iteration(it, time.monotonic() - self.t0, lp_value, lagr, rnd.added, a_now)
            history.append(rec)
            if on_iteration is not None:
                on_iteration(rec)
            if not master.artificial_used() and _ceil(best_lower) >= lp_value - 1e-6:
                converged = True  # the rounded bound cannot rise any more
                break
            busy = rnd.added > self.ix.n_staff // 2 and not self.exact
            self.iterations_now = max(3, self.dp_iterations // 4) if busy else self.dp_iterations
            if rnd.added:
                a_now = self.alpha
            elif smoothed:
                a_now = 0.0  # mis-pricing: price at the master's duals next
            else:
                converged = not rnd.open  # the LP is solved if every minimum was exact
                break
        self.deadline = hard_deadline
        if not converged and pi_rmp is not None and not self.out_of_time():
            final = self.final_bound(pi_rmp)
            if final is not None and final > best_lower:
                best_lower = final
                history.append(
                    Iteration(len(history), time.monotonic() - self.t0, lp_value, final, 0, 0.0)
                )
                if on_iteration is not None:
                    on_iteration(history[-1])
        return ColgenResult(
            lp_value=lp_value,
            lagrangian=best_lower,
            # Every term of the objective is non-negative: 0 is always a bound.
            bound=None if best_lower == NEG_INF else max(0, _ceil(best_lower)),
            columns=master.columns,
            solution=master.solution(),
            iterations=history,
            converged=converged,
            elapsed=time.monotonic() - self.t0,
        )


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


# ----------------------------------------------------------------------------- integer
@dataclass
class IntegerChoice:
    """A roster chosen among the generated columns (one per person)."""

    grid: Grid
    #: Its objective (column costs + cover penalties), as the evaluator computes it.
    objective: int
    #: CP-SAT proved it the best choice among these columns.
    optimal: bool


def choose_columns(
    ix: Index,
    columns: Sequence[Sequence[Column]],
    time_limit: float,
    incumbent: Grid | None = None,
    stop: threading.Event | None = None,
    workers: int = 1,
    seed: int = 0,
) -> IntegerChoice | None:
    """Price-and-branch's integer step: CP-SAT picks one column per person so that the
    cover lines are met, missing and extra people priced at the instance's weights::

        min Σ cost·x + Σ_c wu_c·u_c + wo_c·o_c,  Σ_cols of e x = 1,
            Σ [col counts in c]·x + u_c − o_c = R_c

    ``incumbent``: a roster whose rows join the choice (when valid) and hint the search,
    so the answer is never worse than it. None if no choice is found in time or some
    person has no column."""
    from ortools.sat.python import cp_model

    marg = Marginals(ix)
    pool: list[list[Column]] = [list(c) for c in columns]
    start: list[int | None] = [None] * ix.n_staff
    if incumbent is not None:
        for e, row in enumerate(incumbent):
            t = tuple(row)
            j = next((k for k, c in enumerate(pool[e]) if c.row == t), None)
            if j is None and _row_ok(ix, e, row) and _runs_ok(ix, e, row):
                pool[e].append(Person.column_of(ix, e, t, marg))
                j = len(pool[e]) - 1
            start[e] = j
    if any(not p for p in pool):
        return None
    m = cp_model.CpModel()
    xs = [[m.new_bool_var(f"x{e}_{j}") for j in range(len(p))] for e, p in enumerate(pool)]
    for e, row_vars in enumerate(xs):
        m.add_exactly_one(row_vars)
        if start[e] is not None:
            for j, x in enumerate(row_vars):
                m.add_hint(x, j == start[e])
    in_line: list[list[cp_model.IntVar]] = [[] for _ in ix.problem.cover]
    for e, p in enumerate(pool):
        for j, col in enumerate(p):
            for i in col.lines:
                in_line[i].append(xs[e][j])
    terms: list[cp_model.LinearExprT] = []
    for e, p in enumerate(pool):
        terms += [c.cost * x for c, x in zip(p, xs[e], strict=True) if c.cost]
    for i, c in enumerate(ix.problem.cover):
        n = len(in_line[i])
        u = m.new_int_var(0, max(0, c.target), f"u{i}")
        o = m.new_int_var(0, max(0, n - c.target), f"o{i}")
        m.add(sum(in_line[i]) + u - o == c.target)
        terms += [c.weight_under * u, c.weight_over * o]
    m.minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    done = threading.Event()
    if stop is not None:

        def watch() -> None:
            while not done.is_set():
                if stop.wait(0.2):
                    solver.stop_search()
                    return

        threading.Thread(target=watch, daemon=True).start()
    try:
        status = solver.Solve(m)
    finally:
        done.set()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    grid: Grid = []
    for e, p in enumerate(pool):
        j = next(k for k, x in enumerate(xs[e]) if solver.BooleanValue(x))
        grid.append(list(p[j].row))
    return IntegerChoice(grid, round(solver.ObjectiveValue()), status == cp_model.OPTIMAL)


# ----------------------------------------------------------------------------- messages
@dataclass(frozen=True)
class PricingTask:
    """One pricing message, plain data (picklable, JSON-able): what a task worker on
    another process or machine needs besides the instance itself, which it builds once
    and keeps under ``instance`` (e.g. ``fingerprint`` of the problem file). The persons
    should share one contract (:meth:`RowDP.signature`) so that the worker batches them.
    """

    instance: str
    persons: tuple[int, ...]
    #: Cover prices π, one per cover line.
    pi: tuple[float, ...]
    #: Per person: the warm-start multipliers (hours, weekends, {activity: price}).
    multipliers: tuple[tuple[float, float, tuple[tuple[int, float], ...]], ...]
    iterations: int


@dataclass(frozen=True)
class PricingAnswer:
    """The worker's answer: per person a lower bound on ``min f_e``, rows with their
    ``f_e`` (best first), whether the bound is exact, and the multipliers reached (the
    master keeps them as the next task's warm start)."""

    persons: tuple[int, ...]
    lower: tuple[float, ...]
    rows: tuple[tuple[tuple[float, Row], ...], ...]
    exact: tuple[bool, ...]
    multipliers: tuple[tuple[float, float, tuple[tuple[int, float], ...]], ...]


def _multipliers(p: Prices) -> tuple[float, float, tuple[tuple[int, float], ...]]:
    return (p.hours, p.weekends, tuple(sorted(p.activities.items())))


def pricing_task(
    instance: str, persons: Sequence[int], pi: FloatArray, prices: Sequence[Prices], iterations: int
) -> PricingTask:
    """The message for ``persons`` (``prices``: their warm starts, in the same order)."""
    return PricingTask(
        instance,
        tuple(persons),
        tuple(float(x) for x in pi),
        tuple(_multipliers(p) for p in prices),
        iterations,
    )


class PricingWorker:
    """A pricing task worker: the static pricing data of one instance, built once
    (:class:`Person`, the DPs); answers :class:`PricingTask` messages."""

    def __init__(self, ix: Index) -> None:
        marg = Marginals(ix)
        self.people = [Person(ix, e, marg) for e in range(ix.n_staff)]

    def answer(self, task: PricingTask) -> PricingAnswer:
        persons = [self.people[e] for e in task.persons]
        if any(p.dp is None for p in persons):
            raise ValueError("a pricing task holds DP persons only (CP-SAT ones stay home)")
        pi = np.array(task.pi)
        prices = [Prices(h, w, dict(acts)) for h, w, acts in task.multipliers]
        done = price_dp_batch(persons, [p.values(pi) for p in persons], prices, task.iterations)
        return PricingAnswer(
            task.persons,
            tuple(pr.lower for pr in done),
            tuple(tuple(pr.rows) for pr in done),
            tuple(pr.exact for pr in done),
            tuple(_multipliers(p) for p in prices),
        )

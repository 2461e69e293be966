"""A lower bound for long horizons: column generation over time blocks.

On half-year and year horizons (Curtois & Qu 20 and 22) the master over whole rows does
not come near its optimum in a minute (Instance20: 29 rounds in 29 s, LP 22 322 → 11 658),
so there is no usable bound. Here each person's row is cut into blocks of
:data:`BLOCK_DAYS` days (Dantzig–Wolfe by person *and* block): a column is one person's
row over one block, meeting every rule that lives inside the block — successions, run and
rest lengths (runs touching a block's edge exempt from the minimums, as at the
horizon's), fixed days off, eligibility. The rules that span the horizon are rows of the
master, linear in the columns:

* the person's minutes between their minimum and maximum (the sum over blocks);
* the person's worked weekends at most their limit;
* the person's days on each limited activity at most its limit.

Only rules between blocks are dropped: a succession or a run across a block edge. Every
roster's rows, cut into blocks, are columns whose mix meets every master row, so the
master LP is a relaxation of the roster problem and its Lagrangian value
``L(y) = Σ_rows y_r b_r + Σ_(person, block) min_col rc(col)`` is a lower bound at any
prices ``y`` (``b_r`` the bound the sign of ``y_r`` selects). The linking rows are
elastic (a slack at :attr:`BlockMaster.penalty` a unit), which relaxes further and keeps
the restricted master feasible from the first round; the bound stays valid.

Pricing is exact: the block row DP (:class:`~.rowdp.RowDP` with ``priced_totals``) with
the minutes and activity prices on the (day, activity) values and the weekend price per
worked weekend. Blocks are short, so a round prices every person and block (persons of
one contract batched) in well under a second where one whole-row round on 182 days took
one.
"""

from __future__ import annotations

import dataclasses as dc
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp

from ..construct import Marginals
from ..index import OFF, Grid, Index
from ..model import Problem
from .common import NEG_INF, RC_EPS, FloatArray, Row, Unsupported
from .master import cover_rows
from .pricing import Person
from .rowdp import RowDP

#: Name of this bound's source in :class:`~yakuba.planner.result.SolveResult`.
SOURCE = "lp-blocks"
#: Days per block. At 60 s-scale budgets two weeks beat one, three and four (Instance22
#: after 20 s: 7 days 28 083, 14 days 28 794, 21 days 28 395; Instance20 after 30 s with
#: GLOP: 14 days 4 714, 28 days 2 774): short blocks price fast and their LP settles in
#: few rounds, long ones relax less but do not converge.
BLOCK_DAYS = 14
#: PDLP's relative and absolute optimality tolerance for the block master (10⁻⁴: fewer
#: rounds in the same time, Instance22 28 487 after 20 s against 28 794).
PDLP_TOLERANCE = 1e-3
#: Wentges smoothing weight towards the best bound's prices (Instance22 after 20 s:
#: 0.5 gives 28 794, 0 gives 28 735 after 19 s).
ALPHA = 0.5


def block_problem(p: Problem, start: int, end: int) -> Problem:
    """Days ``start`` to ``end`` (excluded) of ``p`` as a problem of its own, without the
    rules that span the horizon (minutes, weekends, activity limits other than 0): the
    block master prices those."""

    def keep(d: int) -> bool:
        return start <= d < end

    staff = [
        dc.replace(
            st,
            min_minutes=0,
            max_minutes=None,
            max_weekends=None,
            max_per_activity={a: n for a, n in st.max_per_activity.items() if n <= 0},
            days_off=frozenset(d - start for d in st.days_off if keep(d)),
            allowed_by_day={d - start: v for d, v in st.allowed_by_day.items() if keep(d)},
        )
        for st in p.staff
    ]
    previous = None
    if p.previous is not None:
        previous = {s: row[start:end] for s, row in p.previous.items()}
    return dc.replace(
        p,
        horizon=end - start,
        staff=staff,
        cover=[dc.replace(c, day=c.day - start) for c in p.cover if keep(c.day)],
        requests=[dc.replace(q, day=q.day - start) for q in p.requests if keep(q.day)],
        pins=[dc.replace(q, day=q.day - start) for q in p.pins if keep(q.day)],
        previous=previous,
        start_weekday=p.weekday(start),
        start_date=None,
    )


def block_spans(p: Problem, block_days: int) -> list[tuple[int, int]]:
    """Blocks of ``block_days`` days (the last shorter), never cut between a Saturday
    and its Sunday: a weekend split over two blocks would count twice against the
    weekend limit, and the master would no longer be a relaxation."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < p.horizon:
        end = min(p.horizon, start + max(1, block_days))
        if end < p.horizon and p.weekday(end) == 6:
            end += 1
        spans.append((start, end))
        start = end
    return spans


@dataclass(frozen=True)
class BlockColumn:
    e: int
    block: int
    row: Row
    cost: int
    #: Global cover lines the row counts in.
    lines: tuple[int, ...]
    #: Minutes in 480-minute units, weekends worked, days per limited activity.
    units: float
    weekends: int
    per_activity: tuple[tuple[int, int], ...]


@dataclass
class BlockBound:
    """Outcome of :func:`block_bound`."""

    #: ``max(0, ceil(lagrangian))`` (integral, non-negative objective); None if no
    #: pricing round was complete.
    bound: int | None
    lagrangian: float
    lp_value: float
    rounds: int
    #: No column of negative reduced cost left: the block LP is solved.
    converged: bool
    elapsed: float
    blocks: int
    columns: int


class _Block:
    """One block: its problem, index, cover lines and each person's pricing data."""

    def __init__(self, p: Problem, k: int, start: int, end: int) -> None:
        self.k, self.start, self.end = k, start, end
        self.problem = block_problem(p, start, end)
        self.ix = Index.build(self.problem)
        self.marg = Marginals(self.ix)
        #: Block cover line -> global cover line (same order, the block's days only).
        self.lines = np.array([i for i, c in enumerate(p.cover) if start <= c.day < end])
        self.persons = [Person(self.ix, e, self.marg) for e in range(self.ix.n_staff)]
        if not all(q.dp_ok for q in self.persons):
            raise Unsupported("the block bound prices by the row DP only")
        self.dps = [RowDP(self.ix, e, priced_totals=True) for e in range(self.ix.n_staff)]


@dataclass
class Duals:
    """Prices of the master's rows: cover lines (``pi``), linking rows (``lam``) and the
    persons' block convexity rows (``sigma``, person × block)."""

    pi: FloatArray
    lam: FloatArray
    sigma: FloatArray

    def mix(self, other: Duals, alpha: float) -> Duals:
        """``alpha · self + (1 − alpha) · other`` (Wentges smoothing)."""
        return Duals(
            alpha * self.pi + (1 - alpha) * other.pi,
            alpha * self.lam + (1 - alpha) * other.lam,
            alpha * self.sigma + (1 - alpha) * other.sigma,
        )


class BlockMaster:
    """The master LP over block columns, solved by PDLP to :data:`PDLP_TOLERANCE`.

    The block master is highly degenerate: on Instance22 (14-day blocks, 5 300 rows) the
    second round's LP has the first round's value, yet GLOP's primal simplex takes 48 000
    iterations (14 s) to prove it, CLP 5 s, HiGHS 6 s and GLOP's dual simplex 4 s; PDLP
    stops at 10⁻³ in 0.06 s. Its duals are approximate, which costs nothing in validity:
    the Lagrangian is a lower bound at any prices within the clipped ranges, and it is
    computed from exact pricing, not from the LP value."""

    def __init__(self, ix: Index, n_blocks: int) -> None:
        p = ix.problem
        solver = pywraplp.Solver.CreateSolver("PDLP")
        if solver is None:
            raise RuntimeError("OR-Tools was built without PDLP")
        criteria = f"eps_optimal_relative: {PDLP_TOLERANCE} eps_optimal_absolute: {PDLP_TOLERANCE}"
        solver.SetSolverSpecificParametersAsString(
            f"termination_criteria {{ simple_optimality_criteria {{ {criteria} }} }}"
        )
        self.solver: Any = solver
        inf = solver.infinity()
        self.objective: Any = solver.Objective()
        self.objective.SetMinimization()
        weights = [c.weight_under for c in p.cover] + [c.weight_over for c in p.cover]
        weights += [q.weight for q in p.requests]
        #: Price of a unit of slack on a linking row: a relaxation at any value; large
        #: enough that a roster's own rows are cheaper than the slack.
        self.penalty = 4.0 * float(max(weights, default=1))
        self.targets = np.array([float(c.target) for c in p.cover])
        self.pi_lo = np.array([-float(c.weight_over) for c in p.cover])
        self.pi_hi = np.array([float(c.weight_under) for c in p.cover])
        self.cover: list[Any] = cover_rows(solver, self.objective, p.cover)
        self.convexity = [[solver.Constraint(1.0, 1.0) for _ in range(n_blocks)] for _ in p.staff]
        self.linking: list[Any] = []
        lows: list[float] = []
        highs: list[float] = []

        def elastic(lo: float, hi: float) -> int:
            ct = solver.Constraint(lo, hi)
            for bound, sign in ((lo, 1.0), (hi, -1.0)):
                if math.isfinite(bound):
                    slack = solver.NumVar(0.0, inf, "")
                    ct.SetCoefficient(slack, sign)
                    self.objective.SetCoefficient(slack, self.penalty)
            self.linking.append(ct)
            lows.append(lo)
            highs.append(hi)
            return len(self.linking) - 1

        #: Per person: their minutes row, weekends row (or None), activity limit rows.
        self.units_row: list[int] = []
        self.weekend_row: list[int | None] = []
        self.limit_rows: list[dict[int, int]] = []
        for st in p.staff:
            hi = math.inf if st.max_minutes is None else st.max_minutes / 480
            self.units_row.append(elastic(st.min_minutes / 480, hi))
            wk = st.max_weekends
            self.weekend_row.append(None if wk is None else elastic(-math.inf, float(wk)))
            self.limit_rows.append(
                {
                    ix.act_pos[a]: elastic(-math.inf, float(n))
                    for a, n in st.max_per_activity.items()
                    if 0 < n < ix.horizon
                }
            )
        self.lo = np.array(lows)
        self.hi = np.array(highs)
        # A dual can only be as large as its slack's price, and has no sign the rows
        # cannot take (a row without a lower bound has a dual ≤ 0).
        self.lam_lo = np.where(np.isfinite(self.hi), -self.penalty, 0.0)
        self.lam_hi = np.where(np.isfinite(self.lo), self.penalty, 0.0)
        self.columns: list[BlockColumn] = []
        self.seen: set[tuple[int, int, Row]] = set()

    def add(self, col: BlockColumn) -> bool:
        key = (col.e, col.block, col.row)
        if key in self.seen:
            return False
        x = self.solver.NumVar(0.0, self.solver.infinity(), "")
        self.objective.SetCoefficient(x, float(col.cost))
        self.convexity[col.e][col.block].SetCoefficient(x, 1.0)
        for i in col.lines:
            self.cover[i].SetCoefficient(x, 1.0)
        if col.units:
            self.linking[self.units_row[col.e]].SetCoefficient(x, col.units)
        row = self.weekend_row[col.e]
        if col.weekends and row is not None:
            self.linking[row].SetCoefficient(x, float(col.weekends))
        for a, n in col.per_activity:
            r = self.limit_rows[col.e].get(a)
            if r is not None:
                self.linking[r].SetCoefficient(x, float(n))
        self.columns.append(col)
        self.seen.add(key)
        return True

    def solve(self, seconds: float) -> tuple[float, Duals] | None:
        """The LP value and its duals, clipped into the range where the Lagrangian is
        finite (tolerances leave tiny values outside); None if PDLP did not reach its
        tolerance within ``seconds``."""
        self.solver.SetTimeLimit(max(1, int(seconds * 1000)))
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        pi = np.array([float(ct.dual_value()) for ct in self.cover])
        lam = np.array([float(ct.dual_value()) for ct in self.linking])
        sigma = np.array([[float(ct.dual_value()) for ct in cs] for cs in self.convexity])
        duals = Duals(
            np.clip(pi, self.pi_lo, self.pi_hi), np.clip(lam, self.lam_lo, self.lam_hi), sigma
        )
        return float(self.objective.Value()), duals

    def constant(self, y: Duals) -> float:
        """The rows' part of the Lagrangian at ``y``: ``Σ y_r b_r``, ``b_r`` the bound
        the sign of ``y_r`` selects (the slacks' part is 0 within the clipped range)."""
        lam = y.lam
        linking = np.where(lam > 0, lam * np.where(lam > 0, self.lo, 0.0), 0.0)
        linking += np.where(lam < 0, lam * np.where(lam < 0, self.hi, 0.0), 0.0)
        return float(y.pi @ self.targets + linking.sum())


def _column(ix: Index, blk: _Block, e: int, row: Row) -> BlockColumn:
    person = blk.persons[e]
    col = person.column(row, blk.marg)
    per: dict[int, int] = defaultdict(int)
    for a in row:
        if a != OFF:
            per[a] += 1
    worked = sum(1 for wk in blk.ix.weekends if any(row[d] != OFF for d in wk))
    return BlockColumn(
        e=e,
        block=blk.k,
        row=row,
        cost=col.cost,
        lines=tuple(int(blk.lines[i]) for i in col.lines),
        units=float(sum(person.shifts[a] for a in row if a != OFF and ix.working[a])),
        weekends=worked,
        per_activity=tuple(sorted(per.items())),
    )


def _price_block(
    ix: Index, master: BlockMaster, blk: _Block, y: Duals
) -> list[tuple[float, BlockColumn]]:
    """Every person's best column on ``blk`` at prices ``y``: ``(f, column)`` with ``f``
    the least ``cost − y·a`` over all the person's rows on the block (convexity aside)."""
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for e, dp in enumerate(blk.dps):
        groups[dp.signature()].append(e)
    pi = y.pi[blk.lines] if len(blk.lines) else np.zeros(0)
    work = np.array(ix.working, dtype=bool)
    out: list[tuple[float, BlockColumn]] = []
    for members in groups.values():
        vs = []
        mus = []
        for e in members:
            person = blk.persons[e]
            v = person.values(pi)
            v[:, work] += y.lam[master.units_row[e]] * person.shifts[work]
            for a, r in master.limit_rows[e].items():
                v[:, a] += y.lam[r]
            vs.append(np.where(person.allowed, v, NEG_INF))
            wk = master.weekend_row[e]
            mus.append(0.0 if wk is None else -float(y.lam[wk]))
        results = blk.dps[members[0]].best_batch(np.stack(vs), mus)
        for e, res in zip(members, results, strict=True):
            if res is None:
                raise Unsupported(f"no row for person {e} in block {blk.k}")
            value, row = res
            out.append((blk.persons[e].base - value, _column(ix, blk, e, row)))
    return out


def block_bound(
    ix: Index,
    *,
    time_limit: float,
    block_days: int = BLOCK_DAYS,
    stop: threading.Event | None = None,
    initial: Sequence[Grid] = (),
    alpha: float = ALPHA,
    on_round: Callable[[int, float, float], None] | None = None,
) -> BlockBound:
    """The block master's Lagrangian bound after column generation for ``time_limit``
    seconds (or until solved, or ``stop``); see the module docstring. ``initial``: rosters
    whose rows, cut into blocks, seed the columns. ``alpha``: Wentges smoothing towards
    the prices of the best bound so far (0: the master's duals). ``on_round(round, lp,
    bound)``."""
    started = time.monotonic()
    p = ix.problem

    def halted() -> bool:
        return time.monotonic() - started >= time_limit or (stop is not None and stop.is_set())

    if p.capacities or p.split_teams or p.fairness or any(c.hard_min for c in p.cover):
        raise Unsupported("the block bound models cover, requests and stability only")
    if p.window_limits or p.substitute_days_off:
        raise Unsupported("the block bound has no window limits or substitute days off")
    spans = block_spans(p, block_days)
    blocks: list[_Block] = []
    for k, (s, t) in enumerate(spans):
        if halted():
            return BlockBound(None, -math.inf, math.inf, 0, False, time.monotonic() - started, 0, 0)
        blocks.append(_Block(p, k, s, t))
    master = BlockMaster(ix, len(blocks))
    for grid in initial:
        for blk in blocks:
            for e in range(ix.n_staff):
                master.add(_column(ix, blk, e, tuple(grid[e][blk.start : blk.end])))
    # Zero prices: each person's best block rows for their own requests alone.
    zero = Duals(
        np.zeros(len(p.cover)), np.zeros(len(master.linking)), np.zeros((ix.n_staff, len(blocks)))
    )
    for blk in blocks:
        for _, col in _price_block(ix, master, blk, zero):
            master.add(col)
    best = -math.inf
    center: Duals | None = None
    lp = math.inf
    rounds = 0
    converged = False

    def price(at: Duals, y: Duals) -> tuple[float | None, int]:
        """The Lagrangian at ``at`` (None if halted before every block was priced) and
        how many columns of negative reduced cost at the master's duals ``y`` it added."""
        total = master.constant(at)
        added = 0
        for blk in blocks:
            if halted():
                return None, added
            for f, col in _price_block(ix, master, blk, at):
                total += f
                if f - y.sigma[col.e, blk.k] < -RC_EPS and master.add(col):
                    added += 1
        return total, added

    while not halted():
        solved = master.solve(time_limit - (time.monotonic() - started))
        if solved is None:
            break
        lp, y = solved
        # At the smoothed prices first; where they add nothing (mispricing), at the
        # master's own duals, where nothing added means the LP is solved.
        points = [y] if center is None or alpha <= 0 else [center.mix(y, alpha), y]
        for at in points:
            total, added = price(at, y)
            if total is None:
                break
            if total > best:
                best, center = total, at
            if added:
                break
        if total is None:
            break
        rounds += 1
        if on_round is not None:
            on_round(rounds, lp, best)
        if not added:
            converged = True
            break
    bound = max(0, math.ceil(best - 1e-6)) if math.isfinite(best) else None
    return BlockBound(
        bound=bound,
        lagrangian=best,
        lp_value=lp,
        rounds=rounds,
        converged=converged,
        elapsed=time.monotonic() - started,
        blocks=len(blocks),
        columns=len(master.columns),
    )

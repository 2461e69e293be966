"""The column-generation loop (:func:`column_generation`): master solves, pricing
rounds, smoothing, the final Lagrangian bound."""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..construct import ROW_CPSAT_MAX_DAYS, Marginals, Prices, RowBuilder, _row_ok, construct
from ..index import Grid, Index
from .common import EXACT_TOL, NEG_INF, RC_EPS, FloatArray, Row
from .master import Master
from .messages import prices_of, pricing_task
from .pool import PricingPool
from .pricing import (
    Column,
    DualGains,
    Person,
    Priced,
    _runs_ok,
    _step_batch,
    _Subgradient,
    price_cpsat,
    price_dp,
)

if TYPE_CHECKING:
    from .dive import Dive

#: Rows of negative reduced cost added per person and round, best first.
COLUMNS_PER_PERSON = 3
#: Relative move of the bound or the LP value that counts as progress (``stall_rounds``).
STALL_TOL = 1e-3
#: Subgradient steps of the final bound's refinement, in multiples of ``dp_iterations``.
FINAL_STEPS = 10
#: At most this many persons per batched DP call (memory: states × batch per day).
BATCH_MAX = 64


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
    #: Seconds after which the rounds ended (the final bound came after): at the time
    #: limit's share for it, or earlier when the LP was solved or the rounds stalled.
    rounds_elapsed: float = 0.0
    #: A roster by diving on the master (``column_generation(dive_time=...)``).
    dive: Dive | None = None

    @property
    def integral(self) -> bool:
        """Every person's LP row is one column at 1 (the LP solution is a roster)."""
        return all(len(s) == 1 and abs(next(iter(s.values())) - 1.0) < 1e-6 for s in self.solution)

    def grid(self) -> Grid | None:
        """The roster when the LP solution is integral."""
        if not self.integral:
            return None
        return [list(self.columns[e][next(iter(s))].row) for e, s in enumerate(self.solution)]


def _even_parts(items: Sequence[int], size: int) -> list[Sequence[int]]:
    """``items`` in as few parts of at most ``size`` as possible, of even sizes."""
    n = math.ceil(len(items) / size)
    return [items[k::n] for k in range(n)]


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
    stall_rounds: int = 0,
    auto_alpha: bool = True,
    processes: int = 0,
    dive_time: float = 0.0,
    dive_if: Callable[[ColgenResult], bool] | None = None,
) -> ColgenResult:
    """Solve the master LP by column generation; see the module docstring.

    ``initial``: rosters whose valid rows seed the pool (the construction's rows always
    do). ``exact``: certify every person's minimum by CP-SAT when the DP leaves a gap
    (for tests on tiny instances); otherwise CP-SAT prices only the persons the DP cannot
    express and, once the DP finds nothing more, those whose bound still has a gap.
    ``alpha``: Wentges smoothing weight of the best-bound prices (0 = none); with
    ``auto_alpha`` its start, then adjusted every round (:meth:`_Run.adjust_alpha`).
    ``final_share``: if the LP is not solved by then, this share of the time limit is
    kept for one careful bound at the last master duals (more subgradient steps, and
    CP-SAT on rows up to ``ROW_CPSAT_MAX_DAYS`` days): while the master is far from its
    optimum the rounds' bounds are poor, since cheap pricing leaves gaps.
    ``seed_construction``: also seed with a fresh construction (the solver passes its
    own rows in ``initial`` instead: a construction of a long horizon costs seconds).
    ``stall_rounds``: end the rounds (then the final bound) once neither the rounded bound
    nor the LP value moved by ``STALL_TOL`` in that many rounds (0 = never): the solver
    gives the thread back to LNS then.
    ``processes``: with more than one, the DP pricing runs in that many worker processes
    (:mod:`.pool`; started within the time limit, ended before returning); 0 or 1: here.
    ``dive_time``: a roster by diving (:mod:`.dive`) on the master, in
    :attr:`ColgenResult.dive`, until ``time_limit + dive_time`` seconds after the start:
    the dive gets the time the LP leaves over (0: no dive). ``dive_if``: dive only if it
    says so of the LP's outcome (e.g. not when the LP is far from converged).
    """
    run = _Run(ix, time_limit, stop, alpha, dp_iterations, exact, cpsat_limit, workers)
    with contextlib.ExitStack() as stack:
        if processes > 1:
            run.pool = stack.enter_context(PricingPool(ix.problem, processes))
        run.seed(initial, seed_construction)
        run.stall_rounds = stall_rounds
        run.auto_alpha = auto_alpha and alpha > 0
        result = run.loop(max_iterations, on_iteration, final_share)
        stopped = stop is not None and stop.is_set()
        if dive_time > 0 and not stopped and (dive_if is None or dive_if(result)):
            from .dive import dive  # it builds on this module

            result.dive = dive(run, run.t0 + time_limit + dive_time - time.monotonic())
        return result


@dataclass
class _Round:
    """One pricing round: per-person lower bounds and rows, columns added."""

    lower: list[float]
    open: list[int]
    added: int
    complete: bool
    #: Per person the best row found at the pricing point (None: none found): the
    #: Lagrangian's subgradient, for the automatic smoothing.
    best: list[Row | None] = field(default_factory=list)


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
        #: Wentges α adjusted by the subgradient at the pricing point
        #: (:meth:`adjust_alpha`) instead of fixed.
        self.auto_alpha = True
        self.stall_rounds = 0
        cover = ix.problem.cover
        self.pi_lo = np.array([-float(c.weight_over) for c in cover])
        self.pi_hi = np.array([float(c.weight_under) for c in cover])
        self.master = Master(ix)
        self.marg = Marginals(ix)
        self.people = [Person(ix, e, self.marg) for e in range(ix.n_staff)]
        self.prices = [Prices() for _ in range(ix.n_staff)]
        self.targets = np.array([float(c.target) for c in ix.problem.cover])
        #: The cover prices of the current pricing round.
        self._pi: FloatArray = np.zeros(len(ix.problem.cover))
        #: Worker processes for the DP pricing (:meth:`dp_batched`); None: in process.
        self.pool: PricingPool | None = None

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
        pi: FloatArray,
        gs: Sequence[FloatArray],
        iterations: int,
        only: Sequence[int] | None = None,
        partial: bool = False,
    ) -> dict[int, Priced] | None:
        """:func:`price_dp` of every DP person (or of those in ``only``) at cover prices
        ``pi`` (``gs``: the persons' values there), those of one contract together,
        every contract one step at a time, or one task per batch in the :attr:`pool`.
        When the time runs out: None, or with ``partial`` the outcome of the steps done
        (valid bounds: a subgradient's best value so far is one)."""
        groups: dict[tuple[Any, ...], list[int]] = {}
        for e in range(len(self.people)) if only is None else only:
            dp = self.people[e].dp
            if dp is not None:
                groups.setdefault(dp.signature(), []).append(e)
        if self.pool is not None:
            # Contracts are uneven (Instance18: 4 and 18 persons): batches of about an
            # equal share per process, so that no process waits for another.
            share = math.ceil(sum(map(len, groups.values())) / self.pool.processes)
            size = min(BATCH_MAX, max(1, share))
            parts = [part for es in groups.values() for part in _even_parts(es, size)]
            return self.dp_pooled(self.pool, pi, parts, iterations, partial)
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

    def dp_pooled(
        self,
        pool: PricingPool,
        pi: FloatArray,
        batches: Sequence[Sequence[int]],
        iterations: int,
        partial: bool,
    ) -> dict[int, Priced] | None:
        """:meth:`dp_batched` by the pool: one task per batch, the answers merged (the
        multipliers reached become the warm starts in :attr:`prices`)."""
        deadline = time.time() + (self.deadline - time.monotonic())
        tasks = [
            pricing_task(pool.key, part, pi, [self.prices[e] for e in part], iterations, deadline)
            for part in batches
        ]
        answers = pool.answer_all(tasks, self.out_of_time, partial)
        if answers is None:
            return None
        out: dict[int, Priced] = {}
        for part, ans in zip(batches, answers, strict=True):
            if ans is None:  # cancelled before it answered: nothing known
                out.update((e, Priced(NEG_INF)) for e in part)
                continue
            if not ans.complete and not partial:
                return None  # stopped at its deadline
            for i, e in enumerate(ans.persons):
                out[e] = Priced(ans.lower[i], list(ans.rows[i]), ans.exact[i])
                self.prices[e] = prices_of(ans.multipliers[i])
        return out

    def price_all(self, pi: FloatArray) -> list[Priced] | None:
        """Every person's pricing at ``pi`` (None if the time ran out first). With
        ``batch`` the DP persons of one contract (:meth:`RowDP.signature`) share their
        DP calls (:func:`price_dp_batch`): the same results, fewer numpy calls."""
        self._pi = pi
        gs = [person.values(pi) for person in self.people]
        dp_done: dict[int, Priced] = {}
        if self.batch:
            got = self.dp_batched(pi, gs, self.iterations_now)
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
        best: list[Row | None] = []
        added = 0
        priced = self.price_all(pi)
        if priced is None:
            return _Round(lower, open_, added, False)
        for e, person in enumerate(self.people):
            g = person.values(pi)
            g_rmp = g if pi is pi_rmp else person.values(pi_rmp)
            pr = priced[e]
            # The hours maximum's exact 1-D Lagrangian is cheap and, where the subgradient
            # has not caught up with new prices yet, stronger.
            lower.append(max(pr.lower, person.hours_bound(g)))
            best.append(pr.rows[0][1] if pr.rows else None)
            if not pr.exact:
                open_.append(e)
            for _fr, row in pr.rows[:COLUMNS_PER_PERSON]:
                if person.f(g_rmp, row) - sigma[e] < -RC_EPS:
                    added += self.master.add(person.column(row, self.marg))
        return _Round(lower, open_, added, True, best)

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
            got = self.dp_batched(pi, values, self.dp_iterations)
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
            refined = self.dp_batched(pi, values, steps, gaps, partial=True) or {}
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

    def stalled(self, trail: Sequence[tuple[int, float]]) -> bool:
        """Neither the rounded bound nor the LP value moved by ``STALL_TOL`` (relative)
        in the last ``stall_rounds`` rounds."""
        k = self.stall_rounds
        if k <= 0 or len(trail) <= k:
            return False
        (b0, lp0), (b1, lp1) = trail[-1 - k], trail[-1]
        scale = max(1.0, abs(lp1))
        return b1 - b0 <= STALL_TOL * scale and lp0 - lp1 <= STALL_TOL * scale

    def subgradient(self, pi: FloatArray, rows: Sequence[Row | None]) -> FloatArray | None:
        """A subgradient of ``L`` at ``pi`` (``R − Σ_e A·row_e`` over each person's best
        row), projected on the box of the cover prices; None if a person has no row."""
        g = self.targets.copy()
        for person, row in zip(self.people, rows, strict=True):
            if row is None:
                return None
            g -= person.counts(row, len(g))
        g[(pi >= self.pi_hi - 1e-9) & (g > 0)] = 0.0
        g[(pi <= self.pi_lo + 1e-9) & (g < 0)] = 0.0
        return g

    @staticmethod
    def adjust_alpha(
        alpha: float, g: FloatArray | None, pi_rmp: FloatArray, center: FloatArray
    ) -> float:
        """Automatic smoothing (Pessoa, Sadykov, Uchoa & Vanderbeck 2018): if the
        Lagrangian rises from the pricing point towards the master's duals (the subgradient
        there makes an acute angle with ``pi_rmp − center``) the smoothing is too strong:
        α − 0.1; else too weak: α + 0.1·(1 − α)."""
        if g is None:
            return alpha
        if float(g @ (pi_rmp - center)) > 0:
            return max(0.0, alpha - 0.1)
        return min(0.99, alpha + 0.1 * (1.0 - alpha))

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
        a_now = a_auto = self.alpha
        #: (rounded best bound, LP value) after each round, for ``stall_rounds``.
        trail: list[tuple[int, float]] = []
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
            if self.auto_alpha and smoothed and center is not None:
                a_auto = self.adjust_alpha(a_now, self.subgradient(pi, rnd.best), pi_rmp, center)
            if lagr > best_lower:
                best_lower, center = lagr, pi.copy()
            rec = Iteration(it, time.monotonic() - self.t0, lp_value, lagr, rnd.added, a_now)
            history.append(rec)
            if on_iteration is not None:
                on_iteration(rec)
            if not master.artificial_used() and _ceil(best_lower) >= lp_value - 1e-6:
                converged = True  # the rounded bound cannot rise any more
                break
            trail.append((_ceil(best_lower) if best_lower > NEG_INF else 0, lp_value))
            if self.stalled(trail):
                break  # neither the bound nor the LP moves: the final bound next
            busy = rnd.added > self.ix.n_staff // 2 and not self.exact
            self.iterations_now = max(3, self.dp_iterations // 4) if busy else self.dp_iterations
            if rnd.added:
                a_now = a_auto if self.auto_alpha else self.alpha
            elif smoothed:
                a_now = 0.0  # mis-pricing: price at the master's duals next
            else:
                converged = not rnd.open  # the LP is solved if every minimum was exact
                break
        self.deadline = hard_deadline
        rounds_elapsed = time.monotonic() - self.t0
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
            rounds_elapsed=rounds_elapsed,
        )

"""Search driver: constructive start, full CP-SAT model and large-neighbourhood search.

Every solve first builds a roster with the dynamic-programming construction
(``construct``; rows it cannot build are solved by CP-SAT one person at a time), unless
rules coupling staff (hard cover minimums, capacities, split teams, pins, ...) make
CP-SAT find the first roster. Each row of that roster is then re-planned against the
others until no row improves (``improve_rows``). Then, by model size (measured on the
Curtois & Qu set with two cores, see BENCHMARK.md):

* small models (``FULL_MODEL_MAX_VARS``): one LP-heavy CP-SAT worker on the full model
  (proven bound, optimality proofs) beside one LNS thread;
* other four-week models: CP-SAT's own portfolio on the full model (four search threads
  per worker, so its LNS and bound subsolvers run), hinted with the re-planned roster;
  the last part of the time goes to *weekend phases* (below);
* longer horizons: LNS threads. Each iteration frees a window of days for everybody,
  two windows far apart, or a few similar staff over a long window, and re-solves that
  region exactly with CP-SAT while the rest stays fixed. The builder treats fixed cells
  as constants, so every sub-model's objective is the full objective and improvements
  are exact. From six weekends on, LNS runs in rounds with a weekend phase between them.

On six-week horizons (``COLGEN_MIN_DAYS``..``COLGEN_MAX_DAYS``) one of the LNS threads
gives way to column generation (``colgen``): its LP bound is reported as ``bound``
(``bound_source = "lp"``) where CP-SAT proves none, and CP-SAT's choice of one of its
columns per person (the incumbent's rows among them) is offered to the search. On
longer horizons (up to ``LATE_COLGEN_MAX_DAYS``) it runs late and briefly, for the
bound only: from the first weekend phase, whose single CP-SAT worker leaves a core idle,
then in place of one LNS thread (strategy ``+lns+weekends+lpbound``).

A weekend phase re-solves every weekend of the incumbent (Saturday and Sunday, with a
margin of days around them) for everybody, the weekdays fixed, a few weekends at a time.
On these instances most of the remaining cost is weekend cover, and which person works
which weekend is a choice between many people over several weekends that small LNS
windows cannot make. Between LNS rounds a phase re-solves the weekends alone, then
Friday to Monday.

Threads share one incumbent; CP-SAT releases the GIL while it searches.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .builder import Builder
from .construct import construct, improve_rows
from .decomposed_bound import SOURCE as DECOMPOSITION
from .decomposed_bound import decomposed_bound
from .diagnosis import diagnose
from .evaluate import evaluate
from .index import Grid, Index
from .model import Problem, Roster
from .result import SolveResult, Violation

ProgressFn = Callable[[float, float, float], None]

#: Up to this many decision variables a monolithic single-worker model runs beside LNS
#: (it gives the proven bound and can prove optimality).
FULL_MODEL_MAX_VARS = 1100
#: Up to this many variables (and above the previous limit) CP-SAT's multi-worker
#: portfolio runs on the full model from the constructive start; above it, LNS.
PORTFOLIO_MAX_VARS = 12000
#: ... and only for short horizons: from 8 weeks on, LNS wins (Instances 16, 18).
PORTFOLIO_MAX_DAYS = 28
#: Whether the portfolio starts from the constructive roster (after row re-planning).
#: It does: with eight threads CP-SAT's LNS subsolvers work from it at once (60 s,
#: same load: Instance7 1286 hinted vs 1383, Instance10 5501 vs 6084, Instance12 6706
#: vs 8013). With the bare greedy start and two threads it did not pay.
PORTFOLIO_HINT = True
#: CP-SAT search threads per worker (core) in the portfolio. With two threads CP-SAT
#: runs two full-search subsolvers only; with eight it also runs its LNS and
#: core-based bound subsolvers, time-sliced on the same cores (Instance7 at 30 s:
#: 1801 with 2 threads, 1388 with 8, bound 27 -> 1034).
PORTFOLIO_THREADS_PER_WORKER = 4
#: At most this share of the time limit goes to re-planning rows one person at a time
#: after the construction (it stops earlier once no row improves).
IMPROVE_SHARE = 0.5
#: On horizons with LNS rounds (``WEEKEND_MIN_WEEKENDS``), row re-planning stops after
#: two sweeps in a row that each lower the objective by less than this share: on
#: Instance22 it ran to its 30 s limit, the last 12 sweeps gaining 350 together (42 860
#: after 14 sweeps, 42 512 after 25 and 21 s of CPU), while a weekend phase gains
#: a thousand in 5 s. Instance20 stops at its fixed point or one sweep before.
IMPROVE_MIN_SWEEP_GAIN = 0.001
#: From this many weekends on, LNS runs in rounds with a weekend phase between them
#: (``_weekend_phase``); shorter horizons are left to the portfolio or the full model.
WEEKEND_MIN_WEEKENDS = 6
#: Size of one weekend sub-model in the weekend phase (cells); Instance20's 26 weekends
#: (2 344 cells) solve to optimality in about 3 s, twice that does not finish in 15 s.
WEEKEND_PHASE_CELLS = 2500
#: CP-SAT workers for a weekend sub-model.
WEEKEND_PHASE_WORKERS = 1
#: Seconds at most for one weekend phase.
WEEKEND_PHASE_SECONDS = 10.0
#: When (share of the time limit) LNS pauses for a weekend phase.
WEEKEND_PHASE_AT: tuple[float, ...] = (0.6, 0.9)
#: The LNS rounds' weekend phase: first the weekends alone, then with this many days on
#: either side (Friday to Monday), each for half of the phase's time.
WEEKEND_PHASE_MARGINS: tuple[int, ...] = (0, 1)
#: ... in chunks of at most this many cells: small chunks solve to optimality in a
#: fraction of a second, large ones stall (Instance22 after row re-planning, margin 0
#: for 5 s: 2 500-cell chunks gain 248, 400-cell chunks 1 300, 800-cell ones 1 208;
#: then margin 1 for 10 s: 0 with 2 500 cells, 687 with 400, 1 159 with 800).
WEEKEND_ROUND_CELLS = 800
#: Seconds at least for one chunk of a weekend phase (see ``_weekend_phase``).
WEEKEND_CHUNK_MIN_SECONDS = 0.5
#: Share of the time limit left at the end of the four-week portfolio for weekend phases
#: (one CP-SAT worker) and, on the other core, column generation for the bound
#: (strategy ``portfolio+lpbound``): CP-SAT's own bound is far below the roster on some of
#: these (Instance12: 12-14 against rosters near 5 000) while the LP is nearly tight
#: (Instance12 LP 4 040.0 standalone in 20 s, the best known 4 040; 10 and 11: LP = the
#: best known).
PORTFOLIO_WEEKEND_SHARE = 0.12
#: A weekend phase that gained less than this share of the objective is not repeated.
WEEKEND_PHASE_MIN_GAIN = 0.01
#: From this horizon on (and only on models the master LP can express), column generation
#: runs on one thread beside LNS (strategy ``colgen+lns+weekends``): CP-SAT proves no
#: bound on these models (Instances 14-22 and larger generated ones), the LP does.
COLGEN_MIN_DAYS = 42
#: ... up to this horizon, for now. Measured at 60 s beside LNS (load 6-9, one run
#: each, BENCHMARK.md "Column generation, stage 2"): Instance14 (42 days) gets bounds of
#: 713-986 and rosters 1 553-1 770 (main: 1 751); on Instance16 and 18 (56, 84 days)
#: the master does not converge far enough in time, the bound stays 0 and the roster
#: is no better (16: 4 257 against 3 960; 18: 5 632 against 5 633); on Instance20
#: (182 days) two master rounds fit. Stage 3 ("Column generation, stage 3") gets the
#: bound there (16: 3 091-3 204; 18: 4 006-4 141) but the roster still loses by one LNS
#: thread fewer (16: 4 042-4 254 against 3 955-4 148; 18: 5 532-5 935 against 5 513):
#: widen once column generation has a core of its own.
COLGEN_MAX_DAYS = 42
#: ... and up to this many (staff × days) cells: a generated 100 × 42 × 12 instance at
#: 60 s got two master rounds, bound 0, and a roster of 457 against 210 with both LNS
#: threads (load 6-7). Instance14 has 1 344 cells.
COLGEN_MAX_CELLS = 2000
#: Column generation ends at this share of the time limit, then CP-SAT chooses one of
#: its columns per person (seeded with the incumbent) for ``COLGEN_CHOICE_SHARE``;
#: the choice is offered to the search, whose LNS and weekend phases go on from it.
COLGEN_END_SHARE = 0.8
COLGEN_CHOICE_SHARE = 0.1
#: ... but column generation gets at least this share of the time after the row
#: re-planning (which may take half of it), and ends by ``COLGEN_MAX_END`` at the latest.
COLGEN_MIN_SHARE = 0.35
COLGEN_MAX_END = 0.85
#: Share of the column generation's time kept for its final bound (see ``colgen``):
#: beside LNS the master does not converge, and the final bound's careful pricing
#: (Instance14 standalone: 1 102 -> 1 245) is most of the bound.
COLGEN_FINAL_SHARE = 0.4
#: ``full_model=BY_SIZE``: the full model when it can be built in time, else LNS from the
#: start roster with the decomposed bound (``decomposed_bound``), for callers that want a
#: proven bound (municipal rosters) at any office size.
BY_SIZE = "by-size"
#: ``BY_SIZE`` runs the full model up to this many variables per second of the time
#: limit (60 s: 90 000; 30 s: 45 000). Measured on the municipal model, January 2027,
#: 60 s, two workers (load 7-9): 592 staff, 36 089 variables: built in 0.7 s, proven
#: optimal (2 830) in 53 s; 1 956 staff, 117 041 variables: built in 2-10 s (before and
#: after the rules' grouping by day and activity), then CP-SAT's search on it gave a
#: worse roster than LNS alone (10 277 against 10 200) and a bound of 6 401 where the
#: decomposition proves 9 939; 4 896 staff, 293 605 variables: built in 7-18 s.
FULL_MODEL_VARS_PER_LIMIT_S = 1500
#: LNS windows "for everybody" take a random sample of the staff above this many staff
#: (of at least ``LNS_MIN_SAMPLE`` people); the Curtois & Qu instances have at most 150.
LNS_SAMPLE_ABOVE_STAFF = 1000
LNS_MIN_SAMPLE = 100
#: ... and there LNS starts from neighbourhoods of this many cells, doubled while a
#: sub-model solves in a tenth of its build: building one takes seconds whatever its
#: size (4 896 staff: 2-4 s), and 100-cell regions solved in 0.02 s gained nothing.
LNS_LARGE_START_CELLS = 1000
#: Beyond ``COLGEN_MAX_DAYS`` (or ``COLGEN_MAX_CELLS``), up to these horizon and size,
#: column generation runs *late*, for the bound only (strategy ``+lns+weekends+lpbound``):
#: from the first weekend phase (``WEEKEND_PHASE_AT[0]``), on the core that the phase's
#: single CP-SAT worker leaves idle and then in place of one LNS thread, for
#: ``LATE_COLGEN_SHARE`` of the limit (never past that LNS round). Measured at 60 s
#: (BENCHMARK.md "Bounds on long horizons"): to the end of the round (18 s) the bound is
#: better (Instance16 3 078-3 136, 18 up to 4 217) but the roster 2-4 % worse than
#: without; 10 s, overlapping the (10 s) weekend phase, gives 3 074-3 127 on 16 and
#: 2 981-3 348 on 18 with no roster loss measured (two pairs each, load 4-5). On a quiet
#: machine (BENCHMARK.md "The whole set after stage 4") Instance16 loses nothing (with /
#: without, two pairs: 3 661 / 3 640, 3 747 / 3 753) but Instance18 does (5 206 / 5 009,
#: 5 494 / 5 100; in the two bench runs 5 207, 5 305): on 84 days LNS still gains in
#: those 10 s, hence eight weeks. Instance20 (182 days): one master round in 11 s, bound 0.
LATE_COLGEN_MAX_DAYS = 56
LATE_COLGEN_MAX_CELLS = 4000
LATE_COLGEN_SHARE = 0.17
#: Share of the late column generation's time kept for its final bound.
LATE_COLGEN_FINAL_SHARE = 0.4
#: Rows of the incumbents met during the search kept per person (the latest) to seed the
#: late column generation's master besides the incumbent's (Instance16, same 18 s: LP
#: 3 234.6 after 27 rounds against 3 251.7 after 29 without).
LATE_COLGEN_SEED_ROWS = 30
#: Column generation ends early (then its final bound) once neither its rounded bound
#: nor its LP value moved by 0.1 % in this many rounds; the thread does LNS afterwards.
COLGEN_STALL_ROUNDS = 10


class _Clock:
    def __init__(self, limit: float) -> None:
        self.t0 = time.monotonic()
        self.limit = limit

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def left(self) -> float:
        return self.limit - self.elapsed()


class _Search:
    """Shared state of one solve: incumbent, progress reporting, bound."""

    def __init__(self, ix: Index, clock: _Clock, workers: int, seed: int, cb: ProgressFn | None):
        self.ix = ix
        self.clock = clock
        self.workers = workers
        self.seed = seed
        self.cb = cb
        self.best: Grid | None = None
        self.best_obj: int | None = None
        self.bound: float | None = None
        #: ``"lp"`` once the column-generation bound is the best one.
        self.bound_source: str | None = None
        self.first_time: float | None = None
        self.optimal = False
        self.stats: dict[str, int | float | str] = {"lns_iterations": 0, "lns_improvements": 0}
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.version = 0
        self.stop = threading.Event()
        self.infeasible = False
        #: LNS neighbourhood size (cells), adapted by every LNS thread.
        self.lns_cells = 120
        #: Per person, the distinct rows of the incumbents so far (at most this many
        #: each): seeds for a column generation that starts late.
        self.keep_rows = 0
        self.seen_rows: list[dict[tuple[int, ...], None]] = [{} for _ in range(ix.n_staff)]

    def raise_bound(self, value: float, source: str) -> None:
        """Keep the best proven lower bound and where it comes from; an incumbent at
        the bound is optimal."""
        with self.lock:
            if self.bound is None or value > self.bound:
                self.bound, self.bound_source = value, source
            if self.best_obj is not None and self.best_obj <= self.bound + 1e-6:
                self.optimal = True
                self.stop.set()

    def offer(self, grid: Grid, obj: int, base_version: int | None = None) -> bool:
        """Make ``grid`` the incumbent if better. LNS results computed from an older
        incumbent (``base_version``) are dropped: their fixed part is stale."""
        with self.lock:
            if self.best_obj is not None and obj >= self.best_obj:
                return False
            if base_version is not None and base_version != self.version:
                return False
            self.best, self.best_obj = [r[:] for r in grid], obj
            self.version += 1
            if self.keep_rows:
                for kept, row in zip(self.seen_rows, grid, strict=True):
                    key = tuple(row)
                    if key not in kept:
                        kept[key] = None
                        if len(kept) > self.keep_rows:  # the oldest goes
                            del kept[next(iter(kept))]
            now = self.clock.elapsed()
            if self.first_time is None:
                self.first_time = now
            if self.bound is not None and obj <= self.bound + 1e-6:
                self.optimal = True
                self.stop.set()
            if self.cb is not None:
                self.cb(now, float(obj), float(self.bound) if self.bound is not None else 0.0)
            return True

    def offer_region(self, grid: Grid, obj: int, base_version: int, free: list[list[bool]]) -> bool:
        """Offer an LNS result. If another thread moved the incumbent meanwhile, the
        re-solved region is laid over the *new* incumbent and kept when that roster is
        valid and better (checked by the evaluator): a long sub-solve on one thread is
        not thrown away because a short one on the other thread finished first."""
        if self.offer(grid, obj, base_version):
            return True
        with self.lock:
            if self.best is None or self.version == base_version:
                return False
            merged = [r[:] for r in self.best]
            for e, row in enumerate(free):
                for d, f in enumerate(row):
                    if f:
                        merged[e][d] = grid[e][d]
            if merged == self.best:
                return False
            ev = evaluate(self.ix.problem, self.ix.to_roster(merged))
            if not ev.feasible or ev.objective >= (self.best_obj or 0):
                return False
        return self.offer(merged, ev.objective)

    def snapshot(self) -> tuple[Grid, int, int]:
        with self.lock:
            assert self.best is not None and self.best_obj is not None
            return [r[:] for r in self.best], self.best_obj, self.version

    def params(self, solver: cp_model.CpSolver, limit: float, workers: int = 1) -> None:
        solver.parameters.max_time_in_seconds = max(0.05, limit)
        solver.parameters.num_workers = workers
        # One worker with the full LP relaxation beats CP-SAT's 2-worker portfolio on
        # these models (measured on Instances 5 and 9); parallelism comes from threads.
        if workers == 1:
            solver.parameters.linearization_level = 2
        solver.parameters.random_seed = self.rng.randrange(1 << 30)


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution of a full model to the search."""

    def __init__(self, search: _Search, builder: Builder) -> None:
        super().__init__()
        self.search = search
        self.builder = builder

    def on_solution_callback(self) -> None:
        obj = round(self.ObjectiveValue())
        if self.search.best_obj is None or obj < self.search.best_obj:
            self.search.raise_bound(self.BestObjectiveBound(), "cp-sat")
            self.search.offer(self.builder.grid_from(self.Value), obj)
        if self.search.stop.is_set():
            self.StopSearch()


# ------------------------------------------------------------------ phases


def _construct(s: _Search, budget: float) -> Grid | None:
    """Dynamic-programming start (see ``construct``); rows it cannot build are solved by
    CP-SAT one person at a time with everybody else fixed."""
    ix = s.ix
    grid, failed = construct(ix, s.workers, time.monotonic() + budget)
    s.stats["construct_failed_rows"] = len(failed)
    deadline = s.clock.elapsed() + budget
    for i, (e, near) in enumerate(failed.items()):
        b = Builder.for_row(ix, grid, e)
        if near:
            b.hint([near if k == e else r for k, r in enumerate(grid)])
        per = max(0.5, (deadline - s.clock.elapsed()) / (len(failed) - i))
        for attempt in range(3):
            # Never past the time limit (less a second for the result's breakdown).
            limit = min(per * (1 + 2 * attempt), s.clock.left() - 1.0)
            if limit < 0.1:
                return None
            solver = cp_model.CpSolver()
            s.params(solver, limit, s.workers)
            st = solver.Solve(b.m)
            if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                grid = b.grid_from(solver.Value)
                break
            if st == cp_model.INFEASIBLE or s.clock.left() <= 0:
                return None
        else:
            return None
    return grid


def _full(s: _Search, time_limit: float, hint: Grid | None, workers: int = 1) -> int:
    started = s.clock.elapsed()
    b = Builder(s.ix).build()
    if hint is not None:
        b.hint(hint)
    solver = cp_model.CpSolver()
    # Building a large model takes seconds: they count against the caller's time limit.
    s.params(solver, time_limit - (s.clock.elapsed() - started), workers)
    done = threading.Event()

    def watch() -> None:
        # Stop the full model as soon as the search is told to stop (optimal found
        # elsewhere, or cancelled), not only when it reports its next solution.
        while not done.is_set():
            if s.stop.wait(0.2):
                solver.stop_search()
                return

    threading.Thread(target=watch, daemon=True).start()
    try:
        st = solver.Solve(b.m, _Reporter(s, b))
    finally:
        done.set()
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        s.raise_bound(solver.BestObjectiveBound(), "cp-sat")
        s.offer(b.grid_from(solver.Value), round(solver.ObjectiveValue()))
        if st == cp_model.OPTIMAL:
            s.optimal = True
            s.stop.set()
    elif st == cp_model.INFEASIBLE:
        s.infeasible = True
        s.stop.set()
    elif st == cp_model.UNKNOWN and s.best is not None:
        # No solution of its own in time, but its proven bound is still valid and is
        # what a gap to the incumbent (found by LNS) is measured against.
        s.raise_bound(solver.BestObjectiveBound(), "cp-sat")
    return int(st)


def _neighbourhood(s: _Search, cells: int) -> tuple[str, list[list[bool]]]:
    """Pick a region of about ``cells`` (staff, day) cells to re-solve; returns its kind
    (for the statistics) and the free cells."""
    ix, rng = s.ix, s.rng
    h, n = ix.horizon, ix.n_staff
    free = [[False] * h for _ in range(n)]
    kind = rng.random()
    everybody: range | list[int] = range(n)
    if kind < 0.6 and n > LNS_SAMPLE_ABOVE_STAFF:
        # Two days for everybody of a large office are thousands of cells (4 896 staff:
        # 9 800, not solved in 12 s): a random part of the staff, about ``cells`` cells.
        everybody = rng.sample(range(n), min(n, max(LNS_MIN_SAMPLE, cells // 2)))
    if kind < 0.3:  # a window of days for every staff member
        w = max(2, min(h, cells // max(len(everybody), 1)))
        start = rng.randrange(0, h - w + 1)
        for e in everybody:
            for d in range(start, start + w):
                free[e][d] = True
        return "days", free
    elif kind < 0.6 and h >= 14:
        # Two windows far apart, for everybody: hours limits are tight and global, so
        # moving work between weeks (e.g. onto an under-covered weekend) needs both.
        w = max(2, min(h // 2, cells // max(2 * len(everybody), 1)))
        a = rng.randrange(0, h - w + 1)
        b = rng.randrange(0, h - w + 1)
        for e in everybody:
            for d in (*range(a, a + w), *range(b, b + w)):
                free[e][d] = True
        return "two-windows", free
    else:  # a few staff members over a long window (whole horizon when short)
        k = rng.randint(2, max(2, min(n, cells // 14)))
        w = min(h, max(7, cells // k))
        k = min(n, max(2, cells // w))
        start = rng.randrange(0, h - w + 1)
        # Staff sharing activities interact through cover: seed with one, add similar ones.
        pivot = rng.randrange(n)
        acts = {a for r in ix.allowed[pivot] for a in r}
        scored = sorted(
            range(n),
            key=lambda e: (
                -len(acts & {a for r in ix.allowed[e][::7] for a in r}) + rng.random() * 3
            ),
        )
        for e in scored[:k]:
            for d in range(start, start + w):
                free[e][d] = True
    return "staff", free


def _weekend_phase(
    s: _Search, budget: float, margin: int = 0, cells: int = WEEKEND_PHASE_CELLS
) -> int:
    """Re-decide every weekend of the incumbent for everybody, weekdays fixed, in
    chunks of at most ``cells`` cells (smaller ones after a chunk not proven optimal in
    its share of the time). Returns the gain.

    On long horizons the cost is weekend cover: each person may work a limited number of
    weekends, and a weekend worked on one day only spends that allowance for half the
    cover (Instance20 after LNS: 63 half weekends, 41 of them beside a fully covered day,
    while other weekends lack 54 people). Re-deciding who works which weekend needs many
    weekends open at once, which LNS windows never are; with the weekdays fixed the
    sub-model stays easy (all 26 weekends of Instance20, 2 344 cells: optimal in 2.6 s,
    6 871 -> 6 437). It pays most once LNS has moved the weekdays, hence rounds. Chunks
    small enough to be solved to optimality gain most (``WEEKEND_ROUND_CELLS``)."""
    ix = s.ix
    if not ix.weekends or s.best is None:
        return 0
    start_obj = s.best_obj or 0
    end = s.clock.elapsed() + budget
    order = list(range(len(ix.weekends)))
    s.rng.shuffle(order)
    per_chunk = max(2, cells // max(1, (2 + 2 * margin) * ix.n_staff))
    while order:
        if end - s.clock.elapsed() <= 0.2 or s.stop.is_set():
            break
        n_chunks = -(-len(order) // per_chunk)
        size = -(-len(order) // n_chunks)  # chunks of equal size
        chunk, order = order[:size], order[size:]
        base, base_obj, version = s.snapshot()
        free = [[False] * ix.horizon for _ in range(ix.n_staff)]
        for w in chunk:
            days = ix.weekends[w]
            for d in range(max(0, min(days) - margin), min(ix.horizon, max(days) + margin + 1)):
                for e in range(ix.n_staff):
                    free[e][d] = True
        b = Builder(ix, base, free).build()
        b.hint(base)
        solver = cp_model.CpSolver()
        # The time share is measured after the build, so that the phase ends on time.
        # One LP-heavy worker (``_Search.params``): it proves these sub-models, CP-SAT's
        # two-worker portfolio does not (Instance20, all weekends: optimal in 2.6 s with
        # one worker; with two the same solution after 5.8 s and no proof in 15 s).
        # At least ``WEEKEND_CHUNK_MIN_SECONDS`` each: the weekends left when the phase's
        # time is up wait for the next phase (they are shuffled), rather than every chunk
        # getting too little time to be solved (Instance22, Friday to Monday: 52 chunks
        # of 0.05 s, none proven).
        chunk_limit = max(WEEKEND_CHUNK_MIN_SECONDS, (end - s.clock.elapsed()) / n_chunks)
        s.params(solver, min(chunk_limit, end - s.clock.elapsed()), WEEKEND_PHASE_WORKERS)
        st = solver.Solve(b.m)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            obj = round(solver.ObjectiveValue())
            if obj < base_obj:
                s.offer(b.grid_from(solver.Value), obj, version)
        if st != cp_model.OPTIMAL:
            # Not proven in its share: the rest goes in smaller chunks (Instance22's
            # 25-weekend chunks gained nothing in 10 s; chunks of four weekends solve to
            # optimality in 0.2 s and gain hundreds each).
            per_chunk = max(1, per_chunk // 2)
    gain = start_obj - (s.best_obj or 0)
    with s.lock:
        s.stats["weekend_phases"] = int(s.stats.get("weekend_phases", 0)) + 1
        s.stats["weekend_phase_gain"] = int(s.stats.get("weekend_phase_gain", 0)) + gain
    return gain


def _lns(s: _Search, end: float, sub_limit: float = 0.6) -> None:
    while s.best is None:  # the full model will provide the first roster
        if s.stop.wait(0.05) or s.clock.elapsed() >= end:
            return
    cells = s.lns_cells
    t_build = slowest = 0.0
    # An iteration whose sub-model cannot even be built before the end is not started:
    # on thousands of staff one build takes seconds (more while another thread builds),
    # and the solve must end on time.
    while s.clock.elapsed() + slowest < end - 0.1 and not s.stop.is_set():
        base, base_obj, version = s.snapshot()
        with s.lock:
            kind, free = _neighbourhood(s, cells)
        t_build = time.monotonic()
        b = Builder(s.ix, base, free).build()
        b.hint(base)
        t_build = time.monotonic() - t_build
        slowest = max(slowest, t_build)
        solver = cp_model.CpSolver()
        # Building a window of a long horizon costs as much as a short solve: give the
        # solver at least twice the build time, or most of the iteration is overhead.
        limit = min(end - s.clock.elapsed(), max(sub_limit, 2 * t_build))
        s.params(solver, limit)
        st = solver.Solve(b.m)
        gain = 0
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            obj = round(solver.ObjectiveValue())
            if obj < base_obj and s.offer_region(b.grid_from(solver.Value), obj, version, free):
                gain = base_obj - obj
        _count_lns(s, kind, t_build, solver.WallTime(), gain)
        # Adapt: sub-problems solved to optimality quickly may grow; timeouts shrink.
        large = s.ix.n_staff > LNS_SAMPLE_ABOVE_STAFF
        if st == cp_model.OPTIMAL and large and solver.WallTime() < 0.1 * t_build:
            cells = min(cells * 2, 4000)
        elif st == cp_model.OPTIMAL and solver.WallTime() < limit * 0.5:
            cells = min(int(cells * 1.15) + 1, 4000)
        elif st != cp_model.OPTIMAL:
            cells = max(int(cells / 1.15), 30)
    with s.lock:
        # The next round of LNS (after a weekend phase) goes on from the size reached.
        s.lns_cells = cells
    s.stats["lns_final_cells"] = cells


def _count_lns(s: _Search, kind: str, build_s: float, solve_s: float, gain: int) -> None:
    """LNS statistics (in the result's ``stats``): iterations, improvements, seconds
    spent building and solving sub-models, and per neighbourhood kind iterations /
    improvements / gain (``lns_<kind>``)."""
    with s.lock:
        st = s.stats
        st["lns_iterations"] = int(st["lns_iterations"]) + 1
        st["lns_improvements"] = int(st["lns_improvements"]) + (gain > 0)
        st["lns_build_s"] = round(float(st.get("lns_build_s", 0.0)) + build_s, 2)
        st["lns_solve_s"] = round(float(st.get("lns_solve_s", 0.0)) + solve_s, 2)
        it, imp, total = (int(x) for x in str(st.get(f"lns_{kind}", "0/0/0")).split("/"))
        st[f"lns_{kind}"] = f"{it + 1}/{imp + (gain > 0)}/{total + gain}"


def _colgen(s: _Search, end: float, choice_end: float, lns_ends: Sequence[float] = ()) -> None:
    """Column generation until ``end`` (seconds since the start) or until it stalls,
    seeded with the incumbent; its LP bound raises the search's bound where CP-SAT proves
    none. Then CP-SAT chooses one column per person (the incumbent's rows among them) for
    ``COLGEN_CHOICE_SHARE`` of the limit, until ``choice_end`` at the latest, and offers
    that roster to the search; then the thread is an LNS thread until the first of
    ``lns_ends`` (the LNS rounds' ends) still ahead."""
    _colgen_bound(s, end, choice_end)
    if s.workers > 1:  # one worker: one LNS thread
        _lns_to_round_end(s, lns_ends)


def _late_colgen(
    s: _Search, end: float, phase_done: threading.Event, round_ends: Sequence[float]
) -> None:
    """Column generation for the bound only, from now (the start of a weekend phase,
    which runs one CP-SAT worker) until ``end``; if it stops early (solved, stalled), the
    thread does LNS to the end of the current LNS round (``round_ends``) once the weekend
    phase is over (LNS beneath a running phase would make the phase's roster stale)."""
    started = s.clock.elapsed()
    s.stats["colgen_start"] = round(started, 1)
    _colgen_bound(s, end, end, choose=False, final_share=LATE_COLGEN_FINAL_SHARE)
    while not phase_done.wait(0.1):
        if s.stop.is_set():
            return
    _lns_to_round_end(s, round_ends)


def _portfolio_colgen(s: _Search, end: float) -> None:
    """Column generation for the bound only until ``end`` (seconds since the start),
    after the portfolio, beside its weekend phases, seeded with the incumbents' rows."""
    s.stats["colgen_start"] = round(s.clock.elapsed(), 1)
    _colgen_bound(s, end, end, choose=False, final_share=LATE_COLGEN_FINAL_SHARE)


def _lns_to_round_end(s: _Search, round_ends: Sequence[float]) -> None:
    """LNS to the end of the current LNS round (the first of ``round_ends`` still ahead)
    only: the next round begins with a weekend phase, whose roster is dropped if LNS
    changes the incumbent beneath it."""
    ahead = [t for t in round_ends if t > s.clock.elapsed() + 0.5]
    if ahead and not s.stop.is_set():
        _lns(s, ahead[0])


def _colgen_bound(
    s: _Search,
    end: float,
    choice_end: float,
    choose: bool = True,
    final_share: float = COLGEN_FINAL_SHARE,
) -> None:
    from .colgen import Unsupported, choose_columns, column_generation

    if s.best is None:
        return
    grid, _obj, _version = s.snapshot()
    seeds = [grid]
    with s.lock:
        kept = [list(rows) for rows in s.seen_rows]
    for k in range(max((len(rows) for rows in kept), default=0)):
        # Roster-shaped seeds: each person's k-th row met (the incumbent's where fewer).
        seeds.append(
            [list(rows[k]) if k < len(rows) else g for rows, g in zip(kept, grid, strict=True)]
        )
    try:
        res = column_generation(
            s.ix,
            time_limit=max(0.1, end - s.clock.elapsed()),
            stop=s.stop,
            initial=seeds,
            seed_construction=False,
            final_share=final_share,
            stall_rounds=COLGEN_STALL_ROUNDS,
        )
    except Unsupported:
        return
    s.stats["colgen_seconds"] = round(res.elapsed, 1)
    s.stats["colgen_rounds_seconds"] = round(res.rounds_elapsed, 1)
    s.stats["colgen_iterations"] = len(res.iterations)
    s.stats["colgen_columns"] = sum(len(c) for c in res.columns)
    s.stats["colgen_lp_value"] = round(res.lp_value, 2) if math.isfinite(res.lp_value) else -1
    s.stats["colgen_converged"] = res.converged
    if res.bound is not None:
        s.raise_bound(float(res.bound), "lp")
        s.stats["colgen_bound"] = res.bound
    if not choose or s.stop.is_set() or choice_end - s.clock.elapsed() < 0.2:
        return
    incumbent, inc_obj, _ = s.snapshot()
    choice_end = min(choice_end, s.clock.elapsed() + COLGEN_CHOICE_SHARE * s.clock.limit)
    choice = choose_columns(
        s.ix,
        res.columns,
        choice_end - s.clock.elapsed(),
        incumbent=incumbent,
        stop=s.stop,
        seed=s.rng.randrange(1 << 30),
    )
    if choice is None:
        return
    s.stats["colgen_choice"] = choice.objective
    if choice.objective < inc_obj:
        # Checked by the evaluator: the choice is a whole roster, not an LNS region.
        ev = evaluate(s.ix.problem, s.ix.to_roster(choice.grid))
        if ev.feasible and s.offer(choice.grid, ev.objective):
            s.stats["colgen_choice_improved"] = inc_obj - ev.objective


# ------------------------------------------------------------------ public


@dataclass(frozen=True)
class Strategy:
    """What runs after the constructive start, chosen by :func:`choose_strategy`."""

    #: ``portfolio``, ``full+lns``, ``full``, ``+lns`` or ``+lns+weekends`` (bench output).
    name: str
    #: CP-SAT on the full model: 0 = not at all, 1 = one LP-heavy worker beside LNS, more
    #: = CP-SAT's own multi-thread portfolio (the "portfolio" strategy).
    full_model_threads: int
    #: The full model starts from the constructive roster (hint).
    full_model_hinted: bool
    #: LNS threads running beside the full model, or alone.
    lns_threads: int
    #: LNS in rounds with a weekend phase between them (long horizons).
    weekend_rounds: bool
    #: Column generation on one thread beside LNS: the LP bound, and an integer roster
    #: chosen among its columns offered to the search.
    colgen: bool = False
    #: The decomposed bound (``decomposed_bound``) is computed before the search.
    decomposition_bound: bool = False
    #: Column generation for the bound only, late: from the first weekend phase, for
    #: ``LATE_COLGEN_SHARE`` of the limit, in place of one LNS thread.
    late_colgen: bool = False

    @property
    def portfolio(self) -> bool:
        return self.full_model_threads > 1


def colgen_supported(problem: Problem) -> bool:
    """Whether the column-generation master expresses every global rule of ``problem``."""
    return not (
        any(c.hard_min for c in problem.cover)
        or problem.capacities
        or problem.split_teams
        or problem.fairness
        or problem.substitute_days_off
        or problem.window_limits
        or problem.pins
    )


def model_size(ix: Index) -> int:
    """Decision variables of the full model (one per allowed activity and cell)."""
    return sum(len(c) for row in ix.allowed for c in row)


def full_model_fits(ix: Index, time_limit: float) -> bool:
    """Whether the full model can be built and searched within ``time_limit`` (measured
    build rate, see ``FULL_MODEL_VARS_PER_LIMIT_S``)."""
    return model_size(ix) <= FULL_MODEL_VARS_PER_LIMIT_S * time_limit


def choose_strategy(
    ix: Index,
    workers: int,
    has_start: bool,
    full_model: bool | str | None = None,
    time_limit: float = 60.0,
) -> Strategy:
    """The search for this model size and horizon (measured on the Curtois & Qu set, see
    the module docstring and BENCHMARK.md). ``has_start``: a roster to start from exists;
    ``full_model``: the caller's choice, None to decide by size for the Curtois & Qu
    shape, ``BY_SIZE`` for the full model only where it can be built in time."""
    n_vars = model_size(ix)
    if full_model == BY_SIZE:
        if has_start and n_vars > FULL_MODEL_VARS_PER_LIMIT_S * time_limit:
            # Too large to build and search in time: LNS on every core from the start
            # roster, the bound from the decomposition.
            return Strategy("decomposition+lns", 0, False, max(1, workers), False, False, True)
        lns = 0 if workers == 1 else max(1, workers - 1)
        name = "full" + ("+lns" if lns else "")
        return Strategy(name, 1, False, lns, False, False, True)
    if full_model is None:
        use_full = n_vars <= FULL_MODEL_MAX_VARS or not has_start
    else:
        # The caller knows its problem shape: e.g. municipal rosters want the proven bound
        # of the full model even when a constructive start exists.
        use_full = bool(full_model) or not has_start
    portfolio = (
        full_model is None
        and has_start
        and workers > 1
        and FULL_MODEL_MAX_VARS < n_vars <= PORTFOLIO_MAX_VARS
        and ix.horizon <= PORTFOLIO_MAX_DAYS
    )
    if portfolio:
        # Mid-size (four-week) models: CP-SAT's own multi-worker portfolio, started
        # from the constructive roster, beats our Python-driven LNS (measured on
        # Instances 10 and 12: about 10% better at 30 s). Column generation gives the
        # bound beside its closing weekend phases (``PORTFOLIO_WEEKEND_SHARE``).
        lp_bound = bool(PORTFOLIO_WEEKEND_SHARE and colgen_supported(ix.problem))
        return Strategy(
            "portfolio" + "+lpbound" * lp_bound,
            workers * PORTFOLIO_THREADS_PER_WORKER,
            PORTFOLIO_HINT,
            0,
            False,
            late_colgen=lp_bound,
        )
    if use_full and not has_start and full_model is None and not full_model_fits(ix, time_limit):
        # No start roster and a full model that cannot be built in time (issue 18: a
        # 150 × 364 × 32 model overran a 60 s limit by 46 s, with no roster): nothing
        # more to run; the solve ends without a roster, on time.
        return Strategy("none", 0, False, 0, False)
    if use_full:
        # One core: the full model alone; else LNS on the other cores.
        lns = 0 if workers == 1 else max(1, workers - 1)
        # A forced full model starts from scratch: on municipal rosters CP-SAT's own search
        # beats repairing the constructive start, which LNS improves meanwhile.
        return Strategy("full" + ("+lns" if lns else ""), 1, full_model is None, lns, False)
    lns = max(1, workers) if has_start else 0
    # LNS alone on a horizon with many weekends: rounds of LNS with a weekend phase
    # between them (the weekend sub-model pays most once LNS has settled the weekdays).
    rounds = bool(lns and len(ix.weekends) >= WEEKEND_MIN_WEEKENDS and WEEKEND_PHASE_AT)
    # Six weeks: no full model, so no proven bound from CP-SAT; column generation
    # gives one (and a roster from its columns) on one of the threads.
    colgen = bool(
        lns
        and full_model is None
        and COLGEN_MIN_DAYS <= ix.horizon <= COLGEN_MAX_DAYS
        and ix.n_staff * ix.horizon <= COLGEN_MAX_CELLS
        and colgen_supported(ix.problem)
    )
    # Longer (or larger): no bound either, and column generation beside LNS for the whole
    # run costs roster quality; it runs late, for the bound only, in the weekend rounds.
    late_colgen = bool(
        not colgen
        and rounds
        and workers > 1
        and full_model is None
        and COLGEN_MIN_DAYS <= ix.horizon <= LATE_COLGEN_MAX_DAYS
        and ix.n_staff * ix.horizon <= LATE_COLGEN_MAX_CELLS
        and colgen_supported(ix.problem)
    )
    if colgen:
        lns = max(1, workers - 1)
    name = "colgen" * colgen + "+lns" * bool(lns) + "+weekends" * rounds + "+lpbound" * late_colgen
    return Strategy(name, 0, False, lns, rounds, colgen, late_colgen=late_colgen)


def breakdown(ix: Index, grid: Grid) -> tuple[int, dict[str, int], list[Violation]]:
    """Objective of ``grid`` from the solver's own penalty terms (all cells fixed)."""
    b = Builder(ix, [r[:] for r in grid], [[False] * ix.horizon for _ in range(ix.n_staff)])
    b.build()
    viol: list[Violation] = []
    totals: dict[str, int] = {}
    for t in b.terms:
        if t.vars:  # cannot happen with no free cells
            raise AssertionError("penalty term with variables in a fixed build")
        if t.const:
            viol.append(Violation(t.rule, t.const, t.staff, t.day, t.activity, t.detail))
            totals[t.rule] = totals.get(t.rule, 0) + t.const
    return sum(totals.values()), totals, viol


def solve(
    problem: Problem,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    on_progress: ProgressFn | None = None,
    hint: Roster | None = None,
    full_model: bool | str | None = None,
    stop: threading.Event | None = None,
    on_strategy: Callable[[str], None] | None = None,
) -> SolveResult:
    """Optimise ``problem`` within ``time_limit`` seconds. See :class:`SolveResult`.

    ``full_model``: see :func:`choose_strategy`. ``on_strategy(name)`` is called once the
    search is chosen (after the start roster), before it runs."""
    clock = _Clock(time_limit)
    ix = Index.build(problem)
    s = _Search(ix, clock, workers, seed, on_progress)
    start = ix.from_roster(hint) if hint is not None else None
    status: str = "unknown"
    problem_coupled = bool(
        any(c.hard_min for c in problem.cover)
        or problem.capacities
        or problem.split_teams
        or problem.substitute_days_off
        or problem.window_limits
        or problem.pins
    )
    # The DP construction only knows per-person rules; with rules coupling staff (or
    # that it does not model) CP-SAT finds the first roster instead.
    grid = start
    if grid is None and not problem_coupled:
        # Rows the construction misses are solved by CP-SAT one at a time. Where the full
        # model could take over, they get part of the time; where it cannot be built in
        # time (a year of 150 staff and 32 shifts: 535 704 variables), they are the only
        # way to a roster and get most of it.
        budget = min(8.0, 0.3 * time_limit)
        if not full_model_fits(ix, time_limit):
            budget = max(budget, 0.8 * time_limit - clock.elapsed())
        grid = _construct(s, budget)
        s.stats["construct_time"] = round(clock.elapsed(), 2)
        if grid is not None:
            start_obj = breakdown(ix, grid)[0]
            s.offer(grid, start_obj)
            # Re-plan each person against the others until no row improves (bounded):
            # cheap, and on long horizons it removes most of the greedy start's waste.
            deadline = time.monotonic() + max(0.0, IMPROVE_SHARE * time_limit - clock.elapsed())
            rounds = len(ix.weekends) >= WEEKEND_MIN_WEEKENDS
            s.stats["improved_rows"] = improve_rows(
                ix,
                grid,
                deadline,
                seed,
                stop=s.stop.is_set,
                objective=start_obj if rounds else None,
                min_sweep_gain=IMPROVE_MIN_SWEEP_GAIN,
            )
    finish_reserve = 0.0
    if grid is not None:
        started = clock.elapsed()
        s.offer(grid, breakdown(ix, grid)[0])
        # The result's breakdown at the end costs as much again (seconds on thousands of
        # staff): the search ends that much before the time limit.
        finish_reserve = clock.elapsed() - started
    s.stats["improve_time"] = round(clock.elapsed(), 2)
    s.stats.setdefault("construct_time", s.stats["improve_time"])
    if ix.n_staff > LNS_SAMPLE_ABOVE_STAFF:
        s.lns_cells = LNS_LARGE_START_CELLS
    strategy = choose_strategy(ix, workers, s.best is not None, full_model, time_limit)
    if strategy.late_colgen:
        s.keep_rows = LATE_COLGEN_SEED_ROWS
    s.stats["strategy"] = strategy.name
    s.stats["model_vars"] = model_size(ix)
    if on_strategy is not None:
        on_strategy(strategy.name)
    if strategy.decomposition_bound:
        started = clock.elapsed()
        decomposed = decomposed_bound(ix)
        s.stats["decomposition_bound"] = decomposed.value
        s.stats["decomposition_s"] = round(clock.elapsed() - started, 2)
        s.raise_bound(float(decomposed.value), DECOMPOSITION)
    threads = []
    if strategy.portfolio:
        hint_for = s.best if strategy.full_model_hinted else None
        first_end = (1.0 - PORTFOLIO_WEEKEND_SHARE) * time_limit
        threads.append(
            threading.Thread(
                target=_full,
                args=(s, first_end - clock.elapsed(), hint_for, strategy.full_model_threads),
            )
        )
    elif strategy.full_model_threads:
        full_hint = s.best if strategy.full_model_hinted else None
        threads.append(
            threading.Thread(target=_full, args=(s, clock.left() - finish_reserve, full_hint, 1))
        )
    n_lns = strategy.lns_threads
    round_ends = [f * time_limit for f in WEEKEND_PHASE_AT] if strategy.weekend_rounds else []
    round_ends.append(time_limit - finish_reserve)
    lns_threads = [threading.Thread(target=_lns, args=(s, round_ends[0])) for _ in range(n_lns)]
    threads.extend(lns_threads)
    colgen_thread: threading.Thread | None = None
    if strategy.colgen:
        # Column generation spans the LNS rounds (joined at the end): at least
        # COLGEN_MIN_SHARE of the time after the row re-planning, to COLGEN_END_SHARE
        # at least, never past COLGEN_MAX_END; then the integer choice.
        now = clock.elapsed()
        end = min(
            COLGEN_MAX_END * time_limit,
            max(COLGEN_END_SHARE * time_limit, now + COLGEN_MIN_SHARE * time_limit),
        )
        choice_end = min(time_limit - 0.5, end + COLGEN_CHOICE_SHARE * time_limit)
        colgen_thread = threading.Thread(target=_colgen, args=(s, end, choice_end, round_ends))
    if stop is not None:
        # An external stop (a user's "cancel") ends every phase like reaching the time limit.
        def relay() -> None:
            while not s.stop.is_set():
                if stop.wait(0.2):
                    s.stop.set()

        threading.Thread(target=relay, daemon=True).start()
    for t in threads:
        t.start()
    if colgen_thread is not None:
        colgen_thread.start()
    for t in threads:
        t.join()
    if strategy.portfolio and strategy.late_colgen and not s.stop.is_set():
        # The weekend phases run one CP-SAT worker: column generation takes the other core.
        colgen_thread = threading.Thread(
            target=_portfolio_colgen, args=(s, time_limit - finish_reserve - 0.2)
        )
        colgen_thread.start()
    if strategy.portfolio and PORTFOLIO_WEEKEND_SHARE:
        # The end of the time goes to the weekends (Friday to Monday, then wider) of the
        # incumbent, re-solved for everybody: CP-SAT's own neighbourhoods never open all
        # weekends at once (Instance12 after 60 s of portfolio: 5 647 -> 5 249 in 3.8 s;
        # Instance8 1 734 -> 1 544 in 0.3 s). The portfolio is not restarted afterwards:
        # a restart loses its bound subsolvers' progress (Instance9 544 vs 468).
        for margin in (1, 2, 3):
            if s.stop.is_set() or clock.left() < 0.5:
                break
            _weekend_phase(s, clock.left(), margin)
    worth_it = True
    late_thread: threading.Thread | None = None
    #: Set while no weekend phase runs (the late column generation's LNS waits for it).
    phase_done = threading.Event()
    for round_end in round_ends[1:]:
        phase_done.clear()
        if (
            strategy.late_colgen
            and not strategy.portfolio
            and late_thread is None
            and not s.stop.is_set()
        ):
            # The weekend phase runs one CP-SAT worker: column generation takes the other
            # core, then one LNS thread's place (the thread becomes LNS when it is done).
            late_end = min(round_end, clock.elapsed() + LATE_COLGEN_SHARE * time_limit)
            late_thread = threading.Thread(
                target=_late_colgen, args=(s, late_end, phase_done, round_ends), daemon=True
            )
            late_thread.start()
        if worth_it and not s.stop.is_set():
            before = s.best_obj or 0
            phase_end = clock.elapsed() + min(WEEKEND_PHASE_SECONDS, round_end - clock.elapsed())
            gain = 0
            for i, margin in enumerate(WEEKEND_PHASE_MARGINS):
                share = (phase_end - clock.elapsed()) / (len(WEEKEND_PHASE_MARGINS) - i)
                gain += _weekend_phase(s, share, margin, WEEKEND_ROUND_CELLS)
            # Where weekends are not what limits the roster (Instance18: the weekend
            # sub-model is already optimal), later rounds are all LNS.
            worth_it = gain >= WEEKEND_PHASE_MIN_GAIN * before
        phase_done.set()
        k = n_lns
        if late_thread is not None and late_thread.is_alive():
            k = max(1, n_lns - 1)
        lns_threads = [threading.Thread(target=_lns, args=(s, round_end)) for _ in range(k)]
        for t in lns_threads:
            t.start()
        for t in lns_threads:
            t.join()
    if colgen_thread is not None:
        colgen_thread.join()
    if late_thread is not None:
        late_thread.join()
    if s.infeasible:
        status = "infeasible"
    if s.best is not None:
        status = "optimal" if s.optimal else "feasible"
    result = SolveResult(status=status, roster=None, objective=None, bound=s.bound)  # type: ignore[arg-type]
    if s.optimal and s.best_obj is not None:
        result.bound = float(s.best_obj)
    if result.bound is not None:
        result.bound_source = s.bound_source or "cp-sat"
    if s.best is not None:
        obj, totals, viol = breakdown(ix, s.best)
        result.roster = ix.to_roster(s.best)
        result.objective = obj
        result.breakdown = totals
        result.violations = viol
    elif status == "infeasible":
        result.diagnosis = diagnose(ix, max(1.0, min(10.0, time_limit)))
    result.time_to_first = s.first_time
    result.wall_time = clock.elapsed()
    result.stats = s.stats
    return result

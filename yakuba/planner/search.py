"""Shared state of one solve (see ``solver``): the clock, the incumbent every search
thread improves, the proven bound, and the callback through which a full CP-SAT model
reports its solutions."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from .builder import Builder
from .evaluate import evaluate
from .index import Grid, Index

ProgressFn = Callable[[float, float, float], None]


class Clock:
    def __init__(self, limit: float) -> None:
        self.t0 = time.monotonic()
        self.limit = limit

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def left(self) -> float:
        return self.limit - self.elapsed()


class Search:
    """Shared state of one solve: incumbent, progress reporting, bound."""

    def __init__(self, ix: Index, clock: Clock, workers: int, seed: int, cb: ProgressFn | None):
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


class Reporter(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution of a full model to the search."""

    def __init__(self, search: Search, builder: Builder) -> None:
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

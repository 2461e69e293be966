"""The search phases of a solve (see ``solver``): constructive start, full CP-SAT model,
large-neighbourhood search and the weekend phase; column generation is in
``colgen_phases``.

The tuning constants are read from ``solver`` at call time (``tuning.X``): tests and
benchmark wrappers set them there. ``solver`` imports this module only inside ``solve``,
so either module can be imported first.
"""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

from . import solver as tuning
from .builder import Builder
from .construct import construct
from .index import Grid
from .search import Reporter, Search


def construct_start(s: Search, budget: float) -> Grid | None:
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


def run_full_model(
    s: Search,
    time_limit: float,
    hint: Grid | None,
    workers: int = 1,
    interrupt: threading.Event | None = None,
) -> int:
    """CP-SAT on the full model for ``time_limit`` seconds (its build included), its
    solutions offered to the search; it ends early when the search stops or when
    ``interrupt`` is set. Returns CP-SAT's status."""
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
            if s.stop.wait(0.2) or (interrupt is not None and interrupt.is_set()):
                solver.stop_search()
                return

    threading.Thread(target=watch, daemon=True).start()
    try:
        st = solver.Solve(b.m, Reporter(s, b))
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


def _neighbourhood(s: Search, cells: int) -> tuple[str, list[list[bool]]]:
    """Pick a region of about ``cells`` (staff, day) cells to re-solve; returns its kind
    (for the statistics) and the free cells."""
    ix, rng = s.ix, s.rng
    h, n = ix.horizon, ix.n_staff
    free = [[False] * h for _ in range(n)]
    kind = rng.random()
    everybody: range | list[int] = range(n)
    if kind < 0.6 and n > tuning.LNS_SAMPLE_ABOVE_STAFF:
        # Two days for everybody of a large office are thousands of cells (4 896 staff:
        # 9 800, not solved in 12 s): a random part of the staff, about ``cells`` cells.
        everybody = rng.sample(range(n), min(n, max(tuning.LNS_MIN_SAMPLE, cells // 2)))
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


def weekend_phase(s: Search, budget: float, margin: int = 0, cells: int | None = None) -> int:
    """Re-decide every weekend of the incumbent for everybody, weekdays fixed, in
    chunks of at most ``cells`` cells (smaller ones after a chunk not proven optimal in
    its share of the time; default ``WEEKEND_PHASE_CELLS``). Returns the gain.

    On long horizons the cost is weekend cover: each person may work a limited number of
    weekends, and a weekend worked on one day only spends that allowance for half the
    cover (Instance20 after LNS: 63 half weekends, 41 of them beside a fully covered day,
    while other weekends lack 54 people). Re-deciding who works which weekend needs many
    weekends open at once, which LNS windows never are; with the weekdays fixed the
    sub-model stays easy (all 26 weekends of Instance20, 2 344 cells: optimal in 2.6 s,
    6 871 -> 6 437). It pays most once LNS has moved the weekdays, hence rounds. Chunks
    small enough to be solved to optimality gain most (``WEEKEND_ROUND_CELLS``)."""
    if cells is None:  # read at call time: ``solver.WEEKEND_PHASE_CELLS`` may be set
        cells = tuning.WEEKEND_PHASE_CELLS
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
        # One LP-heavy worker (``Search.params``): it proves these sub-models, CP-SAT's
        # two-worker portfolio does not (Instance20, all weekends: optimal in 2.6 s with
        # one worker; with two the same solution after 5.8 s and no proof in 15 s).
        # At least ``WEEKEND_CHUNK_MIN_SECONDS`` each: the weekends left when the phase's
        # time is up wait for the next phase (they are shuffled), rather than every chunk
        # getting too little time to be solved (Instance22, Friday to Monday: 52 chunks
        # of 0.05 s, none proven).
        chunk_limit = max(tuning.WEEKEND_CHUNK_MIN_SECONDS, (end - s.clock.elapsed()) / n_chunks)
        s.params(solver, min(chunk_limit, end - s.clock.elapsed()), tuning.WEEKEND_PHASE_WORKERS)
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


def run_lns(s: Search, end: float, sub_limit: float = 0.6) -> None:
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
        large = s.ix.n_staff > tuning.LNS_SAMPLE_ABOVE_STAFF
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


def _count_lns(s: Search, kind: str, build_s: float, solve_s: float, gain: int) -> None:
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

"""Price-and-branch's integer step: one column per person, chosen by CP-SAT."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from ..construct import Marginals, _row_ok
from ..index import Grid, Index
from .pricing import Column, Person, _runs_ok


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

"""Diving: an integer roster from the master LP by fixing columns and re-pricing.

The LP solution chooses a convex mix of rows per person; where the LP is nearly tight
(the four-week Curtois & Qu instances: LP 4 040.0 on Instance12, the best known 4 040)
the best single choice among the columns generated so far is still far off (Instance10:
5 893 against an LP of 4 631), because the rows that would complete a roster were never
priced. A dive re-prices after every fixing::

    repeat: fix the persons whose largest column value is at least ``threshold`` (or,
            if none, the ``share`` of the remaining persons with the largest values)
            to that column; re-solve the master with column generation over the
            persons still free, until no column of negative reduced cost is found
            (at most ``rounds_per_step`` rounds)

Fixing a person sets the upper bound of every other column of theirs to 0; the master
keeps its basis, so each step starts warm. Every column is a row that meets the person's
own rules and cover is soft in the master's models, so any fixing is a roster; the
caller checks it with the evaluator. Measured standalone (quiet machine, one core, after
the LP converged; BENCHMARK.md "Diving"): Instance10 4 631 (optimal) in 2 s, Instance11
3 445 in 2.5 s, Instance12 4 040 in 17 s, Instance7 1 058 in 3 s.

When the time runs out, the persons still free are fixed at their largest column at
once (the roster is complete, if poorer).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..index import Grid
from .common import RC_EPS, FloatArray
from .run import COLUMNS_PER_PERSON, _Run

#: A person whose largest column value is at least this is fixed without further ado.
THRESHOLD = 0.9
#: Otherwise this share of the persons still free (at least one) is fixed per step,
#: those with the largest column values first (Instance12 at 0.1: 48 s; at 0.2: 26-37 s,
#: both reaching the best known 4 040 in some runs; at 0.3, 4 549).
SHARE = 0.2
#: Column-generation rounds per step at most (at 10, Instance12 ended at 4 156-4 288).
ROUNDS_PER_STEP = 50
#: Subgradient steps of the DP pricing during the dive: the rounds only look for
#: columns, a bound is not needed (2 against 12: Instance12 26 s against 37 s).
DIVE_ITERATIONS = 2


_NONE: FloatArray = np.empty((0, 0))


@dataclass
class Dive:
    """A roster from diving on the master LP."""

    grid: Grid
    #: Fixing steps taken, and whether the time ran out before the last one.
    steps: int
    cut_short: bool
    elapsed: float


def dive(
    run: _Run,
    time_limit: float,
    *,
    threshold: float = THRESHOLD,
    share: float = SHARE,
    rounds_per_step: int = ROUNDS_PER_STEP,
    iterations: int = DIVE_ITERATIONS,
) -> Dive | None:
    """Dive from the master of ``run`` (after :meth:`_Run.loop`); see the module
    docstring. None if some person has no column (only the artificial stand-in)."""
    t0 = time.monotonic()
    run.deadline = t0 + time_limit
    master = run.master
    free = set(range(run.ix.n_staff))
    fixed: dict[int, int] = {}
    steps = 0
    cut_short = False
    while free:
        solution = master.solution()
        largest: dict[int, tuple[float, int]] = {}
        for e in free:
            if solution[e]:
                j, v = max(solution[e].items(), key=lambda t: t[1])
                largest[e] = (v, j)
        if len(largest) < len(free):
            return None
        if run.out_of_time():
            cut_short = True
            chosen = sorted(free)
        else:
            chosen = [e for e, (v, _j) in largest.items() if v >= threshold]
            if not chosen:
                k = max(1, int(len(free) * share))
                chosen = sorted(free, key=lambda e: -largest[e][0])[:k]
        for e in chosen:
            j = largest[e][1]
            fixed[e] = j
            for k, x in enumerate(master.vars[e]):
                if k != j:
                    x.SetUb(0.0)
            if master.artificial[e] is not None:
                master.artificial[e].SetUb(0.0)
            free.discard(e)
        steps += 1
        if free:
            # An even share of the time left per step still to come: a dive cut short
            # fixes everybody left at once, far worse than shorter re-pricing.
            now = time.monotonic()
            until = now + (run.deadline - now) / _steps_left(len(free), share)
            _reprice(run, sorted(free), rounds_per_step, iterations, until)
    grid = [list(master.columns[e][fixed[e]].row) for e in range(run.ix.n_staff)]
    return Dive(grid, steps, cut_short, time.monotonic() - t0)


def _steps_left(n: int, share: float) -> int:
    """Steps of a dive from ``n`` free persons when each fixes ``share`` of them (at
    least one): fixing by the threshold only makes it fewer."""
    steps = 0
    while n > 0:
        n -= max(1, int(n * share))
        steps += 1
    return steps


def _reprice(run: _Run, free: list[int], rounds: int, iterations: int, until: float) -> None:
    """Column generation over the persons in ``free`` (the others fixed) until no
    column of negative reduced cost is found, ``rounds`` rounds or ``until`` (a
    ``time.monotonic()`` value); the master is left solved."""
    master = run.master
    for _ in range(rounds):
        _lp, pi, sigma = master.solve()
        if run.out_of_time() or time.monotonic() >= until:
            return
        gs = {e: run.people[e].values(pi) for e in free}
        # dp_batched reads the values of the persons in ``free`` only.
        values = [gs.get(e, _NONE) for e in range(len(run.people))]
        got = run.dp_batched(pi, values, iterations, free)
        if got is None:
            return
        added = 0
        for e in free:
            person = run.people[e]
            pr = got.get(e)
            if pr is None:  # a person the DP cannot express: CP-SAT
                pr = run.price(person, gs[e])
            for fr, row in pr.rows[:COLUMNS_PER_PERSON]:
                if fr - sigma[e] < -RC_EPS:
                    added += master.add(person.column(row, run.marg))
        if not added:
            return
    master.solve()

"""Column generation for the bound in a process of its own (``colgen.remote``)."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from yakuba.planner import Capacity
from yakuba.planner.colgen import BoundProcess, column_generation
from yakuba.planner.formats.curtois_qu import read
from yakuba.planner.index import Index
from yakuba.planner.solver import solve


def _children_gone(bp: BoundProcess) -> bool:
    return not bp._process.is_alive()


def test_bound_in_another_process_is_the_in_process_bound(bench: Path) -> None:
    problem = read(bench / "Instance2.txt")
    ix = Index.build(problem)
    roster = solve(problem, time_limit=5, workers=1).roster
    assert roster is not None
    seeds = [ix.from_roster(roster)]
    here = column_generation(ix, time_limit=20, initial=seeds, seed_construction=False)
    with BoundProcess(problem) as bp:
        bp.run(seeds, 20.0, 0.25, 0)
        there = bp.result()
    assert there is not None and here.converged and there.converged
    # Instance2's LP is tight: both reach the proven optimum 828.
    assert there.bound == here.bound == 828
    assert math.isclose(there.lp_value, here.lp_value, abs_tol=1e-6)
    assert there.iterations > 0 and there.columns > 0
    assert _children_gone(bp)


def test_a_stop_ends_the_process_early(bench: Path) -> None:
    problem = read(bench / "Instance12.txt")
    ix = Index.build(problem)
    roster = solve(problem, time_limit=3, workers=1).roster
    assert roster is not None
    with BoundProcess(problem) as bp:
        bp.run([ix.from_roster(roster)], 60.0, 0.25, 0)
        time.sleep(3.0)
        started = time.monotonic()
        bp.stop()
        summary = bp.result()
        assert time.monotonic() - started < 5.0
    # It answered (with whatever bound it had), well before its 60 s.
    assert summary is not None and summary.elapsed < 10.0
    assert _children_gone(bp)


def test_rules_the_master_cannot_express_are_reported(bench: Path) -> None:
    problem = read(bench / "Instance1.txt")
    problem.capacities = [Capacity("seats", frozenset({problem.activities[0].id}), 2)]
    ix = Index.build(problem)
    with BoundProcess(problem) as bp:
        bp.run([[[-1] * ix.horizon for _ in range(ix.n_staff)]], 5.0, 0.25, 0)
        summary = bp.result()
    assert summary is not None and summary.unsupported and summary.bound is None


def test_closing_an_idle_process_ends_it(bench: Path) -> None:
    problem = read(bench / "Instance1.txt")
    bp = BoundProcess(problem)
    bp.close()
    assert _children_gone(bp)
    # Nothing was asked: no summary, at once.
    started = time.monotonic()
    assert bp.result() is None
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("limit", [1.5])
def test_the_time_limit_holds(bench: Path, limit: float) -> None:
    problem = read(bench / "Instance12.txt")
    ix = Index.build(problem)
    roster = solve(problem, time_limit=3, workers=1).roster
    assert roster is not None
    with BoundProcess(problem) as bp:
        time.sleep(2.0)  # the process is ready (index built)
        started = time.monotonic()
        bp.run([ix.from_roster(roster)], limit, 0.25, 0)
        summary = bp.result()
        assert time.monotonic() - started < limit + 2.5
    assert summary is not None

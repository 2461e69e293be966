"""The block bound (``colgen.blocks``): a lower bound from column generation over time
blocks, for horizons where the whole-row master does not converge."""

from __future__ import annotations

import dataclasses as dc
import itertools
import threading
from pathlib import Path

import numpy as np
import pytest

from yakuba.planner import Capacity, Problem, evaluate, solve, solver
from yakuba.planner.colgen import Unsupported, column_generation
from yakuba.planner.colgen.blocks import (
    BlockMaster,
    Duals,
    _Block,
    _column,
    _price_block,
    block_bound,
    block_problem,
    block_spans,
)
from yakuba.planner.formats.curtois_qu import read
from yakuba.planner.index import OFF, Index

from .test_colgen import _generated, _optimum, _small_problem


@pytest.mark.parametrize("start_weekday", range(7))
@pytest.mark.parametrize("block_days", [1, 2, 5, 6, 7, 14])
def test_blocks_cover_the_horizon_and_never_split_a_weekend(
    start_weekday: int, block_days: int
) -> None:
    problem = dc.replace(_small_problem(), horizon=40, start_weekday=start_weekday)
    spans = block_spans(problem, block_days)
    assert spans[0][0] == 0 and spans[-1][1] == 40
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    for _, end in spans[:-1]:
        # Cutting before a Sunday would put its Saturday in the other block.
        assert problem.weekday(end) != 6
        assert end - _ <= block_days + 1


def _block_rows(blk: _Block, e: int) -> list[tuple[int, ...]]:
    """Every row of person ``e`` on the block that the evaluator accepts for the block's
    own rules (the person alone, no cover)."""
    p = blk.problem
    st = p.staff[e]
    alone = Problem(
        horizon=p.horizon, activities=p.activities, staff=[st], start_weekday=p.start_weekday
    )
    options = [OFF, *range(len(blk.ix.act_ids))]
    out = []
    for row in itertools.product(options, repeat=p.horizon):
        roster = {st.id: [None if a == OFF else blk.ix.act_ids[a] for a in row]}
        if evaluate(alone, roster).feasible:
            out.append(row)
    return out


def test_block_pricing_is_the_exact_minimum_over_the_blocks_rows() -> None:
    problem = _small_problem()
    ix = Index.build(problem)
    spans = block_spans(problem, 5)
    master = BlockMaster(ix, len(spans))
    rng = np.random.default_rng(3)
    wu = np.array([c.weight_under for c in problem.cover], dtype=float)
    wo = np.array([c.weight_over for c in problem.cover], dtype=float)
    for k, (start, end) in enumerate(spans):
        blk = _Block(problem, k, start, end)
        rows = [_block_rows(blk, e) for e in range(ix.n_staff)]
        for _trial in range(4):
            y = Duals(
                rng.uniform(-wo, wu),
                rng.uniform(master.lam_lo, master.lam_hi),
                np.zeros((ix.n_staff, len(spans))),
            )
            for f, col in _price_block(ix, master, blk, y):
                assert col.row in rows[col.e]
                costs = {r: _column_cost(ix, master, blk, col.e, r, y) for r in rows[col.e]}
                assert f == pytest.approx(min(costs.values()), abs=1e-6)
                assert costs[col.row] == pytest.approx(f, abs=1e-6)


def _column_cost(
    ix: Index, master: BlockMaster, blk: _Block, e: int, row: tuple[int, ...], y: Duals
) -> float:
    """``cost − y·a`` of a block row, from the column's own coefficients."""
    col = _column(ix, blk, e, row)
    value = col.cost - sum(y.pi[i] for i in col.lines)
    value -= y.lam[master.units_row[e]] * col.units
    wk = master.weekend_row[e]
    if wk is not None:
        value -= y.lam[wk] * col.weekends
    for a, n in col.per_activity:
        r = master.limit_rows[e].get(a)
        if r is not None:
            value -= y.lam[r] * n
    return float(value)


BOUND_CASES = [
    ("small", _small_problem, 3),
    ("small-one-block", _small_problem, 10),
    ("gen-4x14x2", lambda: _generated(4, 14, 2, 21), 5),
    ("gen-5x14x3-saturday", lambda: dc.replace(_generated(5, 14, 3, 22), start_weekday=5), 4),
]


@pytest.mark.parametrize(("name", "make", "days"), BOUND_CASES)
def test_bound_below_optimum_at_every_round(name: str, make: object, days: int) -> None:
    assert callable(make)
    problem: Problem = make()
    opt = _optimum(problem)
    seen: list[float] = []
    res = block_bound(
        Index.build(problem),
        time_limit=20,
        block_days=days,
        on_round=lambda _k, _lp, bound: seen.append(bound),
    )
    assert seen and all(b <= opt + 1e-6 for b in seen), name
    assert res.bound is not None and 0 < res.bound <= opt


def test_one_block_is_no_stronger_than_the_whole_row_lp() -> None:
    # With one block the block master is the whole-row master with hours, weekends and
    # activity limits moved from the rows into the master: a relaxation of it.
    problem = _generated(4, 14, 2, 21)
    ix = Index.build(problem)
    whole = column_generation(ix, time_limit=20, exact=True)
    assert whole.converged and whole.bound is not None
    res = block_bound(ix, time_limit=20, block_days=14)
    assert res.bound is not None and res.bound <= whole.bound
    assert res.bound >= 0.5 * whole.bound


def test_long_generated_horizon_gets_a_bound_below_its_roster_in_time() -> None:
    problem = _generated(8, 84, 3, 61)
    ix = Index.build(problem)
    roster = solve(problem, time_limit=10, workers=1)
    assert roster.objective is not None and roster.roster is not None
    res = block_bound(ix, time_limit=6, initial=[ix.from_roster(roster.roster)])
    assert res.elapsed < 6 + 2.0
    assert res.blocks == 6 and res.rounds > 0
    assert res.bound is not None and 0 < res.bound <= roster.objective
    assert evaluate(problem, roster.roster).objective == roster.objective


def test_instance20_gets_a_bound_below_the_best_known(bench: Path) -> None:
    problem = read(bench / "Instance20.txt")
    res = block_bound(Index.build(problem), time_limit=12)
    assert res.bound is not None and 0 < res.bound <= 4769


def test_block_problem_relaxes_the_totals_only() -> None:
    problem = _small_problem()
    blk = block_problem(problem, 3, 8)
    assert blk.horizon == 5 and blk.start_weekday == problem.weekday(3)
    a = blk.staff[0]
    assert a.min_minutes == 0 and a.max_minutes is None and a.max_weekends is None
    assert a.days_off == frozenset({0})  # day 3 of the horizon
    assert blk.staff[1].max_per_activity == {"E": 0}  # a zero limit is eligibility
    assert {c.day for c in blk.cover} == set(range(5))
    assert [(q.staff, q.day) for q in blk.requests] == [("A", 2), ("B", 3)]


def test_stop_and_unsupported_rules() -> None:
    problem = _small_problem()
    stop = threading.Event()
    stop.set()
    res = block_bound(Index.build(problem), time_limit=10, stop=stop)
    assert res.bound is None and res.rounds == 0
    problem.capacities = [Capacity("seats", frozenset({"E"}), 1)]
    with pytest.raises(Unsupported):
        block_bound(Index.build(problem), time_limit=5)


def test_solve_reports_the_block_bound_on_long_horizons(monkeypatch: pytest.MonkeyPatch) -> None:
    # 13 weeks: beyond the late column generation and the dive, so the block bound runs
    # from the first weekend phase (longer than by default: a short limit here).
    monkeypatch.setattr(solver, "BLOCK_BOUND_SHARE", 0.35)
    problem = _generated(8, 91, 3, 71)
    res = solve(problem, time_limit=12, workers=2)
    assert res.stats["strategy"] == "+lns+weekends+blockbound"
    assert res.objective is not None and res.bound is not None
    assert res.bound_source == "lp-blocks" and res.stats["blockbound_rounds"] > 0
    assert 0 < res.bound <= res.objective
    assert res.wall_time < 12 + 2.0

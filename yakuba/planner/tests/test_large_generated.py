"""Long generated instances (issue 18): the construction builds every row itself, the
strategy never runs a full model too large to build in time, and ``solve`` returns a
verified roster."""

from __future__ import annotations

import time

import pytest

from yakuba.planner import Activity, Problem, Staff, evaluate
from yakuba.planner.construct import construct
from yakuba.planner.formats.curtois_qu import parse
from yakuba.planner.generate import generate
from yakuba.planner.index import OFF, Index
from yakuba.planner.row_repair import fit_hours
from yakuba.planner.solver import FULL_MODEL_VARS_PER_LIMIT_S, choose_strategy, model_size, solve


@pytest.mark.parametrize(("staff", "days", "types", "seed"), [(30, 364, 32, 1), (30, 182, 16, 1)])
def test_construction_builds_every_row_of_a_year_with_mixed_shift_lengths(
    staff: int, days: int, types: int, seed: int
) -> None:
    # Shifts of 480, 600 and 720 minutes and narrow hours windows: before issue 18 the
    # DP missed 7 and 8 rows of these, left to CP-SAT one row at a time.
    problem = parse(generate(staff, days, types, seed).text())
    ix = Index.build(problem)
    grid, failed = construct(ix)
    assert failed == {}
    ev = evaluate(problem, ix.to_roster(grid))
    assert ev.feasible, ev.hard_violations[:3]


def test_fit_hours_reaches_a_window_the_limits_block_directly():
    # 480- and 600-minute shifts, the 480 one at its limit and the row 120 minutes over
    # a 240-minute window: no single move fits (shortening a 600 needs a sixth 480,
    # dropping a day undershoots), dropping a 480 and lengthening another one does.
    acts = [Activity("S", 480), Activity("L", 600)]
    staff = Staff("A", min_minutes=2640, max_minutes=2880, max_per_activity={"S": 5})
    problem = Problem(14, acts, [staff])
    ix = Index.build(problem)
    s, lg = ix.act_pos["S"], ix.act_pos["L"]
    row = [s, s, s, OFF, s, s, lg, OFF, OFF, OFF, OFF, OFF, OFF, OFF]
    assert sum(ix.minutes[a] for a in row if a != OFF) == 2880 + 120
    gains = [{a: 1.0 for a in ix.allowed[0][d]} for d in range(14)]
    assert fit_hours(ix, 0, row, gains, set())
    assert 2640 <= sum(ix.minutes[a] for a in row if a != OFF) <= 2880
    assert evaluate(problem, ix.to_roster([row])).feasible


def test_no_start_and_a_model_too_large_to_build_runs_no_full_model():
    ix = Index.build(parse(generate(60, 364, 8, 1).text()))
    limit = 10.0
    assert model_size(ix) > FULL_MODEL_VARS_PER_LIMIT_S * limit
    assert choose_strategy(ix, workers=2, has_start=False, time_limit=limit).name == "none"
    # With a start roster: LNS rounds with weekend phases, as on any year.
    s = choose_strategy(ix, workers=2, has_start=True, time_limit=limit)
    assert (s.name, s.full_model_threads) == ("+lns+weekends", 0)


def test_solve_returns_a_verified_roster_of_a_long_generated_instance_on_time():
    problem = parse(generate(40, 364, 16, 2).text())
    limit = 10.0
    started = time.monotonic()
    res = solve(problem, time_limit=limit, workers=2)
    wall = time.monotonic() - started
    # 40 × 364 is within the block bound's size (``BLOCK_BOUND_MAX_CELLS``).
    assert res.stats["strategy"] == "+lns+weekends+blockbound"
    assert res.roster is not None and evaluate(problem, res.roster).feasible
    # A generous guard only (parsing and the start included, shared machine).
    assert wall < limit + 4

"""The search strategy chosen for a model's size and horizon (see solver.choose_strategy)."""

from __future__ import annotations

import pytest

from yakuba.planner import Activity, Capacity, Problem, Staff, solver
from yakuba.planner.index import Index
from yakuba.planner.solver import FULL_MODEL_MAX_VARS, choose_strategy


def _index(staff: int, days: int, activities: int = 1) -> Index:
    acts = [Activity(f"A{i}") for i in range(activities)]
    return Index.build(Problem(days, acts, [Staff(f"S{k}") for k in range(staff)]))


def _long_horizon(days: int) -> tuple[str, int, bool, bool]:
    """Name, LNS threads and column generation (beside LNS, late) for 20 staff, 2 workers."""
    s = choose_strategy(_index(20, days, 3), workers=2, has_start=True)
    return (s.name, s.lns_threads, s.colgen, s.late_colgen)


def test_small_models_run_the_full_model_beside_lns():
    ix = _index(4, 14)
    s = choose_strategy(ix, workers=2, has_start=True)
    assert (s.name, s.full_model_threads, s.lns_threads, s.full_model_hinted) == (
        "full+lns",
        1,
        1,
        True,
    )
    assert choose_strategy(ix, workers=1, has_start=True).name == "full"


def test_four_week_models_above_the_full_model_size_run_the_portfolio(
    monkeypatch: pytest.MonkeyPatch,
):
    ix = _index(20, 28, 3)  # 1 680 variables
    assert sum(len(c) for row in ix.allowed for c in row) > FULL_MODEL_MAX_VARS
    s = choose_strategy(ix, workers=2, has_start=True)
    # Column generation and a dive first (the bound, a roster), then the portfolio.
    assert s.portfolio and s.name == "portfolio+dive" and s.lns_threads == 0
    assert s.dive and not s.late_colgen
    # Without the dive, column generation gives the bound at the end.
    monkeypatch.setattr(solver, "DIVE_END_SHARE", 0.0)
    s = choose_strategy(ix, workers=2, has_start=True)
    assert s.name == "portfolio+lpbound" and s.late_colgen and not s.dive
    # Rules the master does not express (a capacity): the portfolio alone.
    p = ix.problem
    capped = Problem(
        p.horizon, p.activities, p.staff, capacities=[Capacity("seats", frozenset({"A0"}), 3)]
    )
    s = choose_strategy(Index.build(capped), workers=2, has_start=True)
    assert (s.name, s.late_colgen, s.dive) == ("portfolio", False, False)
    # Without a start roster there is nothing to hint: the full model finds the first.
    assert choose_strategy(ix, workers=2, has_start=False).name == "full+lns"


def test_long_horizons_dive_first_then_run_lns_in_rounds_with_weekend_phases():
    # Six to twelve weeks: column generation and a dive from the start (the LP bound, a
    # roster) on one core beside LNS, then LNS rounds on both.
    for days in (42, 49, 56, 84):
        s = choose_strategy(_index(20, days, 3), workers=2, has_start=True)
        assert (s.name, s.full_model_threads, s.lns_threads, s.weekend_rounds) == (
            "colgen+dive+lns+weekends",
            0,
            2,
            True,
        )
        assert s.colgen and s.dive and not s.late_colgen
    # One worker: no core for the dive; six weeks keep column generation on its thread.
    s = choose_strategy(_index(20, 42, 3), workers=1, has_start=True)
    assert (s.name, s.lns_threads, s.colgen, s.dive) == ("colgen+lns+weekends", 1, True, False)
    for days in (49, 56):
        s = choose_strategy(_index(20, days, 3), workers=1, has_start=True)
        assert (s.name, s.late_colgen) == ("+lns+weekends", False)
    # Large offices: two master rounds fit, no whole-row bound; LNS on both threads, the
    # block bound late.
    s = choose_strategy(_index(100, 42, 3), workers=2, has_start=True)
    assert (s.name, s.lns_threads, s.colgen) == ("+lns+weekends+blockbound", 2, False)
    assert s.block_bound and not s.late_colgen
    # Half a year: pricing rows of 182 days costs seconds a round, no dive; the block
    # bound instead (two-week rows).
    assert _long_horizon(182) == ("+lns+weekends+blockbound", 2, False, False)
    # Beyond its size, or on one core: no bound at all.
    s = choose_strategy(_index(100, 364, 3), workers=2, has_start=True)
    assert (s.name, s.block_bound) == ("+lns+weekends", False)
    s = choose_strategy(_index(20, 182, 3), workers=1, has_start=True)
    assert (s.name, s.block_bound) == ("+lns+weekends", False)
    # Five weeks (too long for the portfolio, too short for column generation): LNS.
    s = choose_strategy(_index(40, 35, 3), workers=2, has_start=True)
    assert (s.name, s.lns_threads, s.colgen) == ("+lns", 2, False)


def test_without_the_dive_long_horizons_run_column_generation_beside_or_late(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(solver, "LONG_DIVE_END_SHARE", 0.0)
    s = choose_strategy(_index(20, 42, 3), workers=2, has_start=True)
    assert (s.name, s.lns_threads, s.colgen, s.dive) == ("colgen+lns+weekends", 1, True, False)
    # Longer: column generation beside LNS all along costs roster quality; it runs late
    # (from the first weekend phase), for the bound only, with two LNS threads till then.
    for days in (49, 56):
        assert _long_horizon(days) == ("+lns+weekends+lpbound", 2, False, True)
    # From twelve weeks on LNS still gains in those seconds (Instance18 lost 5 %): no
    # whole-row bound, the block bound instead.
    assert _long_horizon(84) == ("+lns+weekends+blockbound", 2, False, False)


def test_column_generation_only_where_the_master_expresses_every_rule():
    ix = _index(20, 42, 3)
    assert choose_strategy(ix, workers=2, has_start=True).colgen
    assert choose_strategy(ix, workers=2, has_start=True).dive
    ix.problem.capacities = [Capacity("seats", frozenset({"A0"}), 3)]
    s = choose_strategy(ix, workers=2, has_start=True)
    assert (s.name, s.colgen, s.lns_threads) == ("+lns+weekends", False, 2)


def test_large_four_week_models_above_the_portfolio_size_run_column_generation_never():
    # 4 weeks x 200 staff x 3 types: above the portfolio's size, LNS without colgen
    # (short horizons: CP-SAT's windows already cover the weekends).
    s = choose_strategy(_index(200, 28, 3), workers=2, has_start=True)
    assert s.name == "+lns" and not s.colgen


def test_a_forced_full_model_starts_from_scratch():
    s = choose_strategy(_index(20, 84, 3), workers=2, has_start=True, full_model=True)
    assert (s.name, s.full_model_hinted) == ("full+lns", False)


def test_by_size_builds_the_full_model_only_where_it_can_be_built_in_time():
    from yakuba.planner.solver import BY_SIZE, FULL_MODEL_VARS_PER_LIMIT_S, model_size

    # 600 staff × 31 days × 2 activities: about 37 000 variables.
    small = _index(600, 31, 2)
    s = choose_strategy(small, workers=2, has_start=True, full_model=BY_SIZE, time_limit=60)
    assert (s.name, s.full_model_threads, s.lns_threads) == ("full+lns", 1, 1)
    # The decomposed bound is computed beside the full model's (the better one is kept).
    assert s.decomposition_bound
    # 5 000 staff: no full model in 60 s; LNS on both cores, the decomposition's bound.
    big = _index(5000, 31, 2)
    assert model_size(big) > FULL_MODEL_VARS_PER_LIMIT_S * 60
    s = choose_strategy(big, workers=2, has_start=True, full_model=BY_SIZE, time_limit=60)
    assert (s.name, s.full_model_threads, s.lns_threads, s.decomposition_bound) == (
        "decomposition+lns",
        0,
        2,
        True,
    )
    # A shorter time limit moves the line: the small office's model is too large for 10 s.
    s = choose_strategy(small, workers=2, has_start=True, full_model=BY_SIZE, time_limit=10)
    assert s.name == "decomposition+lns"
    # Without a start roster only the full model can find one, whatever the size.
    s = choose_strategy(big, workers=2, has_start=False, full_model=BY_SIZE, time_limit=60)
    assert (s.name, s.decomposition_bound) == ("full+lns", True)

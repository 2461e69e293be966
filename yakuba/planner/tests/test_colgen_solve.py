"""Column generation inside ``solve()``: the integer roster chosen among the columns,
the LP bound reported as ``bound``, the time limit (issue 18, stage 2)."""

from __future__ import annotations

import threading
import time

import pytest

from yakuba.planner import Problem, evaluate, solve
from yakuba.planner import solver as solver_mod
from yakuba.planner.colgen import choose_columns, column_generation
from yakuba.planner.formats.curtois_qu import parse
from yakuba.planner.generate import generate
from yakuba.planner.index import Index


def _generated(staff: int, days: int, types: int, seed: int) -> Problem:
    return parse(generate(staff, days, types, seed).text(), name=f"g{staff}x{days}x{types}s{seed}")


@pytest.mark.parametrize(("staff", "days", "types", "seed"), [(4, 14, 2, 21), (5, 14, 3, 22)])
def test_integer_choice_among_columns_passes_the_evaluator(
    staff: int, days: int, types: int, seed: int
) -> None:
    problem = _generated(staff, days, types, seed)
    ix = Index.build(problem)
    res = column_generation(ix, time_limit=20)
    choice = choose_columns(ix, res.columns, 10.0)
    assert choice is not None
    ev = evaluate(problem, ix.to_roster(choice.grid))
    assert ev.feasible, ev.hard_violations
    assert ev.objective == choice.objective
    assert res.bound is not None and res.bound <= choice.objective
    if choice.optimal and res.integral:
        assert choice.objective == res.bound


def test_integer_choice_is_never_worse_than_its_incumbent() -> None:
    problem = _generated(5, 14, 3, 23)
    ix = Index.build(problem)
    incumbent = solve(problem, time_limit=3, workers=1)
    assert incumbent.roster is not None and incumbent.objective is not None
    # Only the construction's rows in the pool: the incumbent's rows join the choice.
    res = column_generation(ix, time_limit=0.01, final_share=0.0)
    choice = choose_columns(ix, res.columns, 5.0, incumbent=ix.from_roster(incumbent.roster))
    assert choice is not None and choice.objective <= incumbent.objective
    assert evaluate(problem, ix.to_roster(choice.grid)).objective == choice.objective


def test_integer_choice_without_a_column_for_somebody_is_none() -> None:
    problem = _generated(3, 14, 2, 24)
    ix = Index.build(problem)
    assert choose_columns(ix, [[], [], []], 1.0) is None


def test_solve_reports_the_lp_bound_below_the_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    # A tiny six-week instance, forced onto the column-generation strategy (by size it
    # would run the full model, which gives the optimum to compare with).
    problem = _generated(3, 42, 1, 25)
    opt = solve(problem, time_limit=30, workers=2)
    assert opt.status == "optimal" and opt.objective is not None
    assert opt.bound_source == "cp-sat"
    monkeypatch.setattr(solver_mod, "FULL_MODEL_MAX_VARS", 0)
    # ... and without the dive, which takes its place by default (test_colgen_dive.py).
    monkeypatch.setattr(solver_mod, "LONG_DIVE_END_SHARE", 0.0)
    seen: list[tuple[float, float, float]] = []
    res = solve(problem, time_limit=6, workers=2, on_progress=lambda *a: seen.append(a))
    assert res.stats["strategy"] == "colgen+lns+weekends"
    assert "colgen_iterations" in res.stats
    assert res.bound is not None and res.bound_source in ("lp", "cp-sat")
    assert res.bound <= opt.objective
    assert res.roster is not None and res.objective is not None
    ev = evaluate(problem, res.roster)
    assert ev.feasible and ev.objective == res.objective >= res.bound
    assert seen  # the progress callback still runs


def test_colgen_strategy_respects_the_time_limit_and_the_stop_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solver_mod, "LONG_DIVE_END_SHARE", 0.0)  # the choice, not the dive
    problem = _generated(20, 42, 3, 26)
    t0 = time.monotonic()
    res = solve(problem, time_limit=8, workers=2)
    assert time.monotonic() - t0 <= 8 + 2
    assert res.stats["strategy"] == "colgen+lns+weekends"
    assert res.roster is not None
    assert evaluate(problem, res.roster).objective == res.objective
    stop = threading.Event()
    threading.Timer(4.0, stop.set).start()
    t0 = time.monotonic()
    res = solve(problem, time_limit=30, workers=2, stop=stop)
    assert time.monotonic() - t0 <= 4.0 + 3
    assert res.roster is not None

"""Column generation late in the search, for the bound only (strategy
``+lns+weekends+lpbound``, issue 18 stage 4): horizons beyond six weeks, where column
generation beside LNS for the whole run cost roster quality."""

from __future__ import annotations

import threading
import time

import pytest

from yakuba.planner import Problem, evaluate, solve
from yakuba.planner import solver as solver_mod
from yakuba.planner.formats.curtois_qu import parse
from yakuba.planner.generate import generate


def _generated(staff: int, days: int, types: int, seed: int) -> Problem:
    return parse(generate(staff, days, types, seed).text(), name=f"g{staff}x{days}x{types}s{seed}")


@pytest.mark.parametrize(("staff", "days", "types", "seed"), [(3, 56, 1, 41), (3, 56, 2, 42)])
def test_late_column_generation_bound_is_below_the_optimum(
    monkeypatch: pytest.MonkeyPatch, staff: int, days: int, types: int, seed: int
) -> None:
    # Eight weeks of three people: by size the full model proves the optimum; forced off
    # it, LNS runs and column generation gives the bound late in the search.
    problem = _generated(staff, days, types, seed)
    opt = solve(problem, time_limit=30, workers=2)
    assert opt.status == "optimal" and opt.objective is not None
    monkeypatch.setattr(solver_mod, "FULL_MODEL_MAX_VARS", 0)
    # Without the dive, which takes its place up to twelve weeks (test_colgen_dive.py).
    monkeypatch.setattr(solver_mod, "LONG_DIVE_END_SHARE", 0.0)
    seen: list[tuple[float, float, float]] = []
    limit = 8.0
    res = solve(problem, time_limit=limit, workers=2, on_progress=lambda *a: seen.append(a))
    assert res.stats["strategy"] == "+lns+weekends+lpbound"
    # Not from the start: once the first LNS round is over (its threads stop up to their
    # slowest build before its end), at the first weekend phase.
    start = float(res.stats["colgen_start"])
    assert start >= solver_mod.WEEKEND_PHASE_AT[0] * limit - 0.5
    assert start >= float(res.stats["improve_time"])
    assert res.bound is not None and res.bound_source == "lp"
    assert res.bound <= opt.objective
    assert res.roster is not None and res.objective is not None
    ev = evaluate(problem, res.roster)
    assert ev.feasible and ev.objective == res.objective >= res.bound
    assert "colgen_choice" not in res.stats  # the bound only: no integer choice
    assert seen


def test_late_column_generation_respects_the_time_limit_and_the_stop_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solver_mod, "LONG_DIVE_END_SHARE", 0.0)
    problem = _generated(20, 56, 3, 43)
    t0 = time.monotonic()
    res = solve(problem, time_limit=10, workers=2)
    assert time.monotonic() - t0 <= 10 + 2
    assert res.stats["strategy"] == "+lns+weekends+lpbound"
    assert "colgen_start" in res.stats
    assert res.roster is not None
    ev = evaluate(problem, res.roster)
    assert ev.feasible and ev.objective == res.objective
    if res.bound is not None:
        assert res.bound <= res.objective
    # Stopped while column generation runs (it starts at 60 % of the limit).
    stop = threading.Event()
    threading.Timer(14.0, stop.set).start()
    t0 = time.monotonic()
    res = solve(problem, time_limit=20, workers=2, stop=stop)
    assert time.monotonic() - t0 <= 14.0 + 3
    assert res.roster is not None


def test_one_worker_keeps_lns_without_late_column_generation() -> None:
    problem = _generated(20, 56, 3, 44)
    res = solve(problem, time_limit=4, workers=1)
    assert res.stats["strategy"] == "+lns+weekends"
    assert "colgen_start" not in res.stats

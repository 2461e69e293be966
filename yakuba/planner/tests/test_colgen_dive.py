"""Diving on the master LP (``colgen.dive``) and the four-week strategy built on it
(``portfolio+dive``): rosters the evaluator accepts, never below the LP bound, complete
even when the time runs out, and inside ``solve()`` within its time limit."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from yakuba.planner import Cover, Problem, colgen_phases, evaluate, solve
from yakuba.planner.colgen import ColgenResult, column_generation, dive
from yakuba.planner.colgen.run import _Run
from yakuba.planner.colgen_phases import _worth_diving
from yakuba.planner.formats.curtois_qu import parse, read
from yakuba.planner.generate import generate
from yakuba.planner.index import Index


def _generated(staff: int, days: int, types: int, seed: int) -> Problem:
    return parse(generate(staff, days, types, seed).text(), name=f"g{staff}x{days}x{types}s{seed}")


@pytest.mark.parametrize(
    ("staff", "days", "types", "seed"), [(4, 14, 2, 21), (5, 14, 3, 22), (8, 28, 3, 51)]
)
def test_dive_gives_a_roster_of_pool_columns_above_the_bound(
    staff: int, days: int, types: int, seed: int
) -> None:
    problem = _generated(staff, days, types, seed)
    ix = Index.build(problem)
    res = column_generation(ix, time_limit=10, dive_time=20)
    assert res.dive is not None and not res.dive.cut_short
    ev = evaluate(problem, ix.to_roster(res.dive.grid))
    assert ev.feasible, ev.hard_violations
    assert res.bound is not None and ev.objective >= res.bound
    # Every row is one of the person's generated columns, the one the dive fixed.
    for e, row in enumerate(res.dive.grid):
        assert tuple(row) in {c.row for c in res.columns[e]}


@pytest.mark.parametrize("seed", [31, 32])
def test_dive_finds_the_optimum_where_the_lp_is_integral(seed: int) -> None:
    # One person, cover targets 0 or 1: one row is optimal in the LP, the dive fixes it.
    problem = _generated(1, 14, 2, seed)
    problem.cover = [
        Cover(c.day, c.activity, min(c.target, 1), c.weight_under, c.weight_over)
        for c in problem.cover
    ]
    ix = Index.build(problem)
    res = column_generation(ix, time_limit=20, exact=True, dive_time=10)
    assert res.dive is not None
    ev = evaluate(problem, ix.to_roster(res.dive.grid))
    assert ev.objective == res.bound


def test_a_dive_out_of_time_still_completes_the_roster() -> None:
    problem = _generated(6, 28, 3, 52)
    ix = Index.build(problem)
    run = _Run(ix, 5.0, None, 0.5, 12, False, 2.0, 1)
    run.seed([])
    run.loop(10_000, None, 0.0)
    done = dive(run, 0.0)
    assert done is not None and done.cut_short and done.steps == 1
    assert len(done.grid) == ix.n_staff
    ev = evaluate(problem, ix.to_roster(done.grid))
    assert ev.feasible, ev.hard_violations


def test_four_week_solve_dives_and_proves_instance10_optimal(bench: Path) -> None:
    # The LP of Instance10 equals its best known value (4 631) and the dive reaches it:
    # the roster is proven optimal by the LP bound, long before the time limit.
    problem = read(bench / "Instance10.txt")
    res = solve(problem, time_limit=30, workers=2)
    assert res.stats["strategy"] == "portfolio+dive"
    assert res.status == "optimal" and res.objective == 4631
    assert res.bound == 4631 and res.bound_source == "lp"
    assert res.wall_time < 30 and res.roster is not None
    assert evaluate(problem, res.roster).objective == 4631


@pytest.mark.parametrize(
    ("days", "seed", "limit", "strategy"),
    [
        # Four weeks: the dive beside a one-thread portfolio, then the portfolio restarts.
        (28, 53, 8, "portfolio+dive"),
        # Six weeks: column generation and a dive on one core from the start, LNS beside.
        (42, 54, 10, "colgen+dive+lns+weekends"),
    ],
)
def test_dive_strategies_keep_the_time_limit_and_report_the_bound(
    monkeypatch: pytest.MonkeyPatch, days: int, seed: int, limit: float, strategy: str
) -> None:
    # These small generated instances get no positive bound in so little time, so the
    # solver would skip the dive (tested below): here it dives whatever the LP.
    monkeypatch.setattr(colgen_phases, "_worth_diving", lambda s, res: True)
    problem = _generated(24, days, 3, seed)
    res = solve(problem, time_limit=limit, workers=2)
    assert res.stats["strategy"] == strategy
    assert res.wall_time <= limit + 2
    assert res.roster is not None and res.objective is not None
    ev = evaluate(problem, res.roster)
    assert ev.feasible and ev.objective == res.objective
    assert "dive_steps" in res.stats and "colgen_choice" not in res.stats
    assert res.bound is not None and res.bound <= res.objective
    if days > 28:  # no full model: the bound is the LP's
        assert res.bound_source == "lp"


@pytest.mark.parametrize(
    ("staff", "days", "strategy"),
    [(24, 28, "portfolio+dive"), (24, 42, "colgen+dive+lns+weekends")],
)
def test_a_stop_ends_the_dive_strategies_promptly_with_a_roster(
    staff: int, days: int, strategy: str
) -> None:
    problem = _generated(staff, days, 3, 55)
    stop = threading.Event()
    threading.Timer(3.0, stop.set).start()
    t0 = time.monotonic()
    res = solve(problem, time_limit=40, workers=2, stop=stop)
    assert time.monotonic() - t0 <= 3.0 + 3
    assert res.stats["strategy"] == strategy
    assert res.roster is not None
    assert evaluate(problem, res.roster).objective == res.objective


def test_dive_if_decides_from_the_lp_outcome() -> None:
    problem = _generated(5, 14, 3, 56)
    ix = Index.build(problem)
    seen: list[ColgenResult] = []

    def never(res: ColgenResult) -> bool:
        seen.append(res)
        return False

    res = column_generation(ix, time_limit=5, dive_time=5, dive_if=never)
    assert res.dive is None and seen == [res]


@pytest.mark.parametrize(
    ("lp_value", "bound", "incumbent", "dives"),
    [
        (100.4, 98, 120, True),
        # The LP above the incumbent: far from converged, a dive would not beat it.
        (1984.8, 5, 100, False),
        # No positive bound: the duals say nothing yet.
        (90.0, 0, 120, False),
    ],
)
def test_the_solver_dives_only_from_an_lp_below_the_incumbent(
    lp_value: float, bound: int, incumbent: int, dives: bool
) -> None:
    res = ColgenResult(lp_value, float(bound), bound, [], [], [], False, 1.0)
    search = SimpleNamespace(best_obj=incumbent, stats={})
    assert _worth_diving(search, res) is dives  # type: ignore[arg-type]
    assert search.stats.get("dive_skipped", False) is not dives

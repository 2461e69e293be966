"""Constructive start: the weekend price in the row DP and row-by-row re-planning."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings

from yakuba.planner import Activity, Cover, Problem, Staff, evaluate
from yakuba.planner.construct import Marginals, build_row, construct, improve_rows
from yakuba.planner.formats.curtois_qu import parse, read
from yakuba.planner.generate import generate
from yakuba.planner.index import OFF, Index
from yakuba.planner.solver import breakdown

from .test_property import problems


def _weekend_problem(max_weekends: int) -> Problem:
    # Four weeks, one person who must work 10-12 days; weekend cover is worth far more
    # than weekday cover, so the best row works as many whole weekends as allowed.
    staff = [
        Staff(
            "A",
            min_minutes=480 * 10,
            max_minutes=480 * 12,
            max_consecutive=5,
            min_consecutive=2,
            min_consecutive_off=2,
            max_weekends=max_weekends,
        )
    ]
    cover = [Cover(d, "D", 1, 100 if d % 7 >= 5 else 5, 1) for d in range(28)]
    return Problem(28, [Activity("D", 480)], staff, cover=cover)


def test_row_keeps_to_the_weekend_limit_and_works_whole_weekends():
    # The weekend price is a Lagrangian price: the row never exceeds the limit, prefers
    # whole weekends (the second day is free once the first is paid), but may stop short
    # of the limit where the price search cannot close the duality gap.
    for limit in (1, 2, 3):
        ix = Index.build(_weekend_problem(limit))
        row = build_row(ix, 0, Marginals(ix), fallback=False)
        assert row is not None
        worked = [days for days in ix.weekends if any(row[d] != OFF for d in days)]
        assert 1 <= len(worked) <= limit
        assert all(all(row[d] != OFF for d in days) for days in worked)


def test_improve_rows_lowers_the_objective_on_a_benchmark_instance(bench):
    p = read(bench / "Instance7.txt")
    ix = Index.build(p)
    grid, failed = construct(ix)
    assert not failed
    before = breakdown(ix, grid)[0]
    changed = improve_rows(ix, grid, time.monotonic() + 30)
    after = breakdown(ix, grid)[0]
    assert changed > 0
    assert after < before
    ev = evaluate(p, ix.to_roster(grid))
    assert ev.feasible, ev.hard_violations
    assert ev.objective == after


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_improve_rows_never_breaks_a_rule_or_raises_cover_and_request_costs(p: Problem):
    ix = Index.build(p)
    grid, failed = construct(ix, workers=1)
    if failed:
        return
    before = evaluate(p, ix.to_roster(grid))
    assert before.feasible
    improve_rows(ix, grid, time.monotonic() + 5)
    after = evaluate(p, ix.to_roster(grid))
    assert after.feasible, after.hard_violations

    # Rows are kept only when cover, requests and stability (what the marginals price)
    # get cheaper; other soft rules (fairness) are the caller's to check.
    def priced(ev):
        return sum(v for k, v in ev.breakdown.items() if k != "fairness")

    assert priced(after) <= priced(before)


def test_improve_rows_stops_after_two_sweeps_that_gain_little():
    # A generated instance whose re-planning needs nine sweeps (no CP-SAT rows: the
    # result does not depend on the clock). With every sweep counted as "small" (a share
    # of 1 of the objective) it ends after exactly two: the roster of two passes.
    p = parse(generate(20, 56, 4, 1).text())
    ix = Index.build(p)
    start, failed = construct(ix, workers=1)
    assert not failed
    start_obj = breakdown(ix, start)[0]
    two_passes = [r[:] for r in start]
    improve_rows(ix, two_passes, time.monotonic() + 30, passes=2)
    early = [r[:] for r in start]
    changed = improve_rows(
        ix, early, time.monotonic() + 30, objective=start_obj, min_sweep_gain=1.0
    )
    fixed_point = [r[:] for r in start]
    changed_to_fixed_point = improve_rows(ix, fixed_point, time.monotonic() + 30)
    assert early == two_passes
    assert changed < changed_to_fixed_point
    assert breakdown(ix, fixed_point)[0] < breakdown(ix, early)[0] < start_obj
    ev = evaluate(p, ix.to_roster(early))
    assert ev.feasible, ev.hard_violations

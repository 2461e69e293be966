"""Search phases on their own: the weekend phase and merging a stale LNS result."""

from __future__ import annotations

from yakuba.planner import Activity, Cover, Problem, Staff, evaluate, solve
from yakuba.planner.index import OFF, Index
from yakuba.planner.phases import weekend_phase
from yakuba.planner.search import Clock, Search
from yakuba.planner.solver import breakdown


def _weekends_problem() -> tuple[Problem, Index]:
    # Eight weeks; two people are needed on every Saturday and Sunday and each person may
    # work four weekends, so the four of them must split the weekends two and two.
    staff = [Staff(s, max_weekends=4) for s in "ABCD"]
    weekend_days = [d for d in range(56) if d % 7 >= 5]
    cover = [Cover(d, "D", 2, 100, 1) for d in weekend_days]
    p = Problem(56, [Activity("D")], staff, cover=cover)
    return p, Index.build(p)


def _search(ix: Index, grid: list[list[int]]) -> Search:
    s = Search(ix, Clock(30), 2, 0, None)
    s.offer(grid, breakdown(ix, grid)[0])
    return s


def _first_four_weekends_for_everybody() -> list[list[int]]:
    """Four people, eight weeks: everybody works the first four weekends (double cover
    there), nobody the last four."""
    grid = [[OFF] * 56 for _ in range(4)]
    for e in range(4):
        for d in range(28):
            if d % 7 >= 5:
                grid[e][d] = 0
    return grid


def test_weekend_phase_hands_weekend_duty_to_whoever_has_weekends_left():
    p, ix = _weekends_problem()
    s = _search(ix, _first_four_weekends_for_everybody())
    assert s.best_obj == 8 * 100 * 2 + 8 * 2  # 16 days short by two, 8 days over by two
    gain = weekend_phase(s, 10.0)
    assert s.best is not None
    roster = ix.to_roster(s.best)
    ev = evaluate(p, roster)
    assert ev.feasible, ev.hard_violations
    assert ev.objective == s.best_obj == 0
    assert gain == 8 * 100 * 2 + 8 * 2
    for d in range(56):
        if d % 7 >= 5:
            assert sum(roster[x][d] == "D" for x in "ABCD") == 2


def test_long_horizons_run_lns_in_rounds_with_weekend_phases_between():
    # Ten people, eight weeks, two activities: too large for the full model, too long
    # for the portfolio, so LNS runs, paused for a weekend phase.
    staff = [Staff(f"S{i}", max_weekends=4, max_consecutive=5) for i in range(10)]
    cover = [Cover(d, a, 3, 100, 1) for d in range(56) for a in ("E", "L")]
    p = Problem(56, [Activity("E"), Activity("L")], staff, cover=cover)
    res = solve(p, time_limit=4.0, workers=2, seed=0)
    # (colgen+dive: column generation and a dive first, on one core; see
    # test_colgen_dive.py)
    assert res.stats["strategy"] == "colgen+dive+lns+weekends"
    assert int(res.stats["weekend_phases"]) >= 1
    assert res.roster is not None
    ev = evaluate(p, res.roster)
    assert ev.feasible and ev.objective == res.objective


def test_a_stale_lns_result_is_laid_over_the_new_incumbent_when_still_valid():
    _, ix = _weekends_problem()
    empty = [[OFF] * 56 for _ in range(4)]
    s = _search(ix, empty)
    _, _, version = s.snapshot()
    # Meanwhile another thread covered the first weekend...
    newer = [r[:] for r in empty]
    newer[0][5] = newer[0][6] = newer[1][5] = newer[1][6] = 0
    assert s.offer(newer, breakdown(ix, newer)[0], version)
    # ... and this thread, started from the empty roster, re-solved the second weekend.
    mine = [r[:] for r in empty]
    mine[2][12] = mine[2][13] = mine[3][12] = mine[3][13] = 0
    free = [[d in (12, 13) for d in range(56)] for _ in range(4)]
    assert s.offer_region(mine, breakdown(ix, mine)[0], version, free)
    assert s.best is not None
    assert s.best_obj == breakdown(ix, s.best)[0] == 12 * 200
    assert s.best[0][5] == 0 and s.best[2][12] == 0  # both changes kept


def test_a_stale_lns_result_that_breaks_a_rule_over_the_new_incumbent_is_dropped():
    p, ix = _weekends_problem()
    # A may work one weekend only.
    p.staff[0].max_weekends = 1
    ix = Index.build(p)
    empty = [[OFF] * 56 for _ in range(4)]
    s = _search(ix, empty)
    _, _, version = s.snapshot()
    newer = [r[:] for r in empty]
    newer[0][5] = 0  # another thread gave A the first weekend
    assert s.offer(newer, breakdown(ix, newer)[0], version)
    mine = [r[:] for r in empty]
    mine[0][12] = 0  # this one gave A the second: together more than A may work
    free = [[e == 0 and d == 12 for d in range(56)] for e in range(4)]
    assert not s.offer_region(mine, breakdown(ix, mine)[0], version, free)
    assert s.best == newer


def test_weekend_phase_margin_frees_the_days_around_each_weekend():
    # A works exactly four days, all on Fridays; Saturdays need somebody. Only with the
    # Friday freed beside each weekend can the work move to Saturday.
    staff = [Staff("A", min_minutes=480 * 4, max_minutes=480 * 4)]
    cover = [Cover(d, "D", 1, 100, 1) for d in range(28) if d % 7 == 5]
    p = Problem(28, [Activity("D")], staff, cover=cover)
    ix = Index.build(p)
    fridays = [[0 if d % 7 == 4 else OFF for d in range(28)]]
    s = _search(ix, fridays)
    assert s.best_obj == 400
    assert weekend_phase(s, 5.0, margin=0) == 0
    assert weekend_phase(s, 5.0, margin=1) == 400
    assert s.best is not None
    assert evaluate(p, ix.to_roster(s.best)).objective == 0


def test_weekend_phase_in_small_chunks_still_moves_weekend_duty():
    # Chunks of two weekends (the smallest): each re-decides two weekends for everybody;
    # where a chunk pairs a doubly covered weekend with an empty one, two people move.
    p, ix = _weekends_problem()
    s = _search(ix, _first_four_weekends_for_everybody())
    start = s.best_obj
    assert start is not None
    gain = weekend_phase(s, 10.0, 0, cells=1)
    assert int(s.stats["weekend_phases"]) == 1
    assert s.best is not None and s.best_obj is not None
    ev = evaluate(p, ix.to_roster(s.best))
    assert ev.feasible, ev.hard_violations
    assert ev.objective == s.best_obj == start - gain
    assert gain > 0

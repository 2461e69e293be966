"""Column generation: pricing against brute force, the bound against CP-SAT optima.

Every instance here is tiny (a few people, one or two weeks) so that all rows of a person
can be enumerated and CP-SAT proves the optimum in seconds.
"""

from __future__ import annotations

import itertools
import math
import threading
from pathlib import Path

import numpy as np
import pytest

from yakuba.planner import Activity, Capacity, Cover, Problem, Request, Staff, evaluate, solve
from yakuba.planner.colgen import (
    STATE_BUDGET,
    DualGains,
    Iteration,
    Master,
    Person,
    RowDP,
    Unsupported,
    _Run,
    column_generation,
    price_cpsat,
    price_dp,
)
from yakuba.planner.construct import Marginals, Prices
from yakuba.planner.formats.curtois_qu import parse, read
from yakuba.planner.generate import generate
from yakuba.planner.index import OFF, Index


def _rows(ix: Index, e: int) -> list[tuple[int, ...]]:
    """Every row of person ``e`` that the independent evaluator accepts (brute force:
    the person alone, no cover, so only the per-person hard rules decide)."""
    p = ix.problem
    st = p.staff[e]
    alone = Problem(horizon=p.horizon, activities=p.activities, staff=[st])
    options = [OFF, *range(len(ix.act_ids))]
    out = []
    for row in itertools.product(options, repeat=ix.horizon):
        roster = {st.id: [None if a == OFF else ix.act_ids[a] for a in row]}
        if evaluate(alone, roster).feasible:
            out.append(row)
    return out


def _small_problem() -> Problem:
    """Ten days, two shifts with a forbidden succession, per-type limit, weekend limit,
    hours window, run rules, a day off and requests: every rule the pricing DP knows."""
    acts = [
        Activity("E", 480),
        Activity("L", 600, forbidden_next=frozenset({"E"})),
    ]
    staff = [
        Staff(
            "A",
            max_per_activity={"E": 6, "L": 2},
            min_minutes=4 * 480,
            max_minutes=6 * 480,
            max_consecutive=4,
            min_consecutive=2,
            min_consecutive_off=2,
            max_weekends=1,
            days_off=frozenset({3}),
        ),
        Staff(
            "B",
            max_per_activity={"E": 0, "L": 10},
            min_minutes=3 * 600,
            max_minutes=5 * 600,
            max_consecutive=3,
            min_consecutive=1,
            min_consecutive_off=1,
            max_weekends=2,
        ),
    ]
    cover = [Cover(d, a.id, 1 if d % 3 else 2, 100, 1) for d in range(10) for a in acts]
    requests = [
        Request("A", 5, "E", 2, on=True),
        Request("A", 1, "L", 3, on=False),
        Request("B", 6, "L", 1, on=True),
    ]
    return Problem(horizon=10, activities=acts, staff=staff, cover=cover, requests=requests)


def _generated(staff: int, days: int, types: int, seed: int) -> Problem:
    return parse(generate(staff, days, types, seed).text(), name=f"g{staff}x{days}x{types}s{seed}")


PRICING_CASES = [
    ("small", lambda: _small_problem()),
    ("gen-7x2", lambda: _generated(3, 7, 2, 11)),
    ("gen-14x1", lambda: _generated(3, 14, 1, 12)),
]


@pytest.mark.parametrize(("name", "make"), PRICING_CASES)
def test_pricing_matches_brute_force(name: str, make: object) -> None:
    assert callable(make)
    problem: Problem = make()
    ix = Index.build(problem)
    marg = Marginals(ix)
    rng = np.random.default_rng(7)
    wu = np.array([c.weight_under for c in problem.cover], dtype=float)
    wo = np.array([c.weight_over for c in problem.cover], dtype=float)
    run = _Run(ix, 30.0, None, 0.5, 12, True, 10.0, 1)
    for e in range(ix.n_staff):
        person = Person(ix, e, marg)
        rows = _rows(ix, e)
        assert rows, f"{name}: person {e} has no feasible row"
        for _trial in range(4):
            pi = rng.uniform(-wo, wu)
            g = person.values(pi)
            best = min(person.f(g, r) for r in rows)
            # The DP bound is a lower bound at any multipliers, and its rows are feasible,
            # with weekends and hours counted in the state (default here) or priced.
            for budget in (STATE_BUDGET, 0):
                person.dp = RowDP(ix, e, budget)
                dp = price_dp(person, g, Prices(), 40)
                assert dp.lower <= best + 1e-6
                for fr, row in dp.rows:
                    assert row in rows and fr >= best - 1e-6
                if dp.exact:
                    assert dp.rows[0][0] == pytest.approx(best, abs=1e-3)
            # The stage's pricing in exact mode returns the minimum.
            pr = run.price(person, g)
            assert pr.exact and pr.lower <= best + 1e-6
            assert pr.rows[0][0] == pytest.approx(best, abs=1e-6) and pr.rows[0][1] in rows
            # The one-row CP-SAT model is exact.
            cp = price_cpsat(person, g, 10.0)
            assert cp.exact
            assert cp.rows[0][0] == pytest.approx(best, abs=1e-6)
            assert cp.lower <= best + 1e-6
            assert cp.lower >= best - problem.horizon / 1000 - 1e-6  # duals rounded up


def test_row_dp_is_exact_without_resource_limits() -> None:
    """With hours, weekends and per-type limits out of the way, the DP alone is exact
    (successions, runs, rests and days off are in its state)."""
    problem = _small_problem()
    for st in problem.staff:
        st.min_minutes, st.max_minutes, st.max_weekends = 0, None, None
        st.max_per_activity = {a: (0 if n == 0 else 10) for a, n in st.max_per_activity.items()}
    ix = Index.build(problem)
    marg = Marginals(ix)
    rng = np.random.default_rng(3)
    for e in range(ix.n_staff):
        person = Person(ix, e, marg)
        rows = _rows(ix, e)
        for _trial in range(5):
            g = person.values(rng.uniform(-1, 100, len(problem.cover)))
            v = g.copy()
            v[~person.allowed] = -math.inf
            out = RowDP(ix, e).best(v, 0.0)
            assert out is not None
            value, row = out
            assert row in rows
            assert person.base - value == pytest.approx(min(person.f(g, r) for r in rows))


def test_dual_gains_drive_the_row_builder_like_the_pricing_values() -> None:
    problem = _small_problem()
    ix = Index.build(problem)
    pi = np.linspace(-1, 90, len(problem.cover))
    gains = DualGains(ix, pi)
    person = Person(ix, 0, Marginals(ix))
    g = person.values(pi)
    for d in range(ix.horizon):
        for a in ix.allowed[0][d]:
            assert gains.gain(0, d, a) == pytest.approx(g[d, a])


def _optimum(problem: Problem) -> int:
    res = solve(problem, time_limit=30, workers=2)
    assert res.status == "optimal", res.status
    assert res.objective is not None
    return res.objective


BOUND_CASES = [
    ("small", _small_problem),
    ("gen-4x14x2", lambda: _generated(4, 14, 2, 21)),
    ("gen-5x14x3", lambda: _generated(5, 14, 3, 22)),
]


@pytest.mark.parametrize(("name", "make"), BOUND_CASES)
@pytest.mark.parametrize("exact", [True, False])
def test_bound_below_optimum_at_every_iteration(name: str, make: object, exact: bool) -> None:
    assert callable(make)
    problem: Problem = make()
    opt = _optimum(problem)
    seen: list[Iteration] = []
    res = column_generation(
        Index.build(problem), time_limit=30, exact=exact, on_iteration=seen.append
    )
    assert seen and all(it.lagrangian <= opt + 1e-6 for it in seen)
    assert res.bound is not None and res.bound <= opt
    assert res.converged
    # Converged: the bound is the LP value rounded up, and the LP is a relaxation.
    assert res.bound == math.ceil(res.lp_value - 1e-6)
    assert res.lp_value <= opt + 1e-6
    if res.integral:
        grid = res.grid()
        assert grid is not None
        ev = evaluate(problem, Index.build(problem).to_roster(grid))
        assert ev.feasible and ev.objective == res.bound == opt


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_single_person_lp_is_integral_and_bound_equals_optimum(seed: int) -> None:
    # One person, cover targets 0 or 1: the LP objective is linear in the row weights,
    # so a single row is optimal and the bound must equal the optimum.
    problem = _generated(1, 14, 2, seed)
    problem.cover = [
        Cover(c.day, c.activity, min(c.target, 1), c.weight_under, c.weight_over)
        for c in problem.cover
    ]
    opt = _optimum(problem)
    res = column_generation(Index.build(problem), time_limit=30, exact=True)
    assert res.bound == opt


def test_master_duals_give_zero_reduced_cost_to_basic_columns() -> None:
    problem = _generated(4, 14, 2, 41)
    ix = Index.build(problem)
    res = column_generation(ix, time_limit=20, exact=True)
    master = Master(ix)
    marg = Marginals(ix)
    for cols in res.columns:
        for col in cols:
            master.add(col)
    value, pi, sigma = master.solve()
    # The pool holds the last round's columns too (the run may stop once the rounded bound
    # meets the last LP value): its LP is at most that value, never below the bound.
    assert res.lagrangian - 1e-6 <= value <= res.lp_value + 1e-6
    sol = master.solution()
    for e, cols in enumerate(res.columns):
        person = Person(ix, e, marg)
        g = person.values(pi)
        for j, col in enumerate(cols):
            rc = person.f(g, col.row) - sigma[e]
            assert rc >= -1e-6
            if sol[e].get(j, 0.0) > 1e-6:
                assert rc == pytest.approx(0.0, abs=1e-6)


def test_curtois_qu_instances_1_and_2(bench: Path) -> None:
    for name, best in (("Instance1", 607), ("Instance2", 828)):
        problem = read(bench / f"{name}.txt")
        seen: list[Iteration] = []
        res = column_generation(Index.build(problem), time_limit=40, on_iteration=seen.append)
        assert res.converged, name
        assert all(it.lagrangian <= best for it in seen)
        assert res.bound is not None and res.bound <= best
        assert res.bound == math.ceil(res.lp_value - 1e-6)


def test_stop_event_and_time_limit() -> None:
    problem = _generated(6, 28, 3, 51)
    stop = threading.Event()
    stop.set()
    res = column_generation(Index.build(problem), time_limit=30, stop=stop)
    assert res.iterations == [] and res.bound is None and not res.converged
    assert sum(map(len, res.columns)) > 0  # the construction's rows are in the pool
    res = column_generation(Index.build(problem), time_limit=0.5)
    assert res.elapsed < 5.0


def test_unsupported_global_rules_are_refused() -> None:
    problem = _small_problem()
    problem.capacities = [Capacity("seats", frozenset({"E"}), 1)]
    with pytest.raises(Unsupported):
        column_generation(Index.build(problem), time_limit=5)

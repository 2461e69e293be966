"""Column generation, stage 3: warm starts at the best multipliers, the automatic Wentges
smoothing, the stall stop. The bound must stay below the optimum and the LP value must
not depend on the smoothing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from yakuba.planner import Problem
from yakuba.planner.colgen import Iteration, Person, RowDP, _Run, column_generation, price_dp
from yakuba.planner.construct import Marginals, Prices
from yakuba.planner.index import Index

from .test_colgen import BOUND_CASES, _generated, _optimum


@pytest.mark.parametrize("seed", [61, 62, 63])
def test_the_next_pricing_starts_at_the_best_bound_reached(seed: int) -> None:
    # Hours and weekends priced (no state budget): the subgradient moves the multipliers
    # and its last iterate is generally not its best. The next round's first step must
    # start from the best, so that a round of few steps never starts far off.
    ix = Index.build(_generated(3, 28, 2, seed))
    marg = Marginals(ix)
    rng = np.random.default_rng(seed)
    wu = np.array([c.weight_under for c in ix.problem.cover], dtype=float)
    wo = np.array([c.weight_over for c in ix.problem.cover], dtype=float)
    for e in range(ix.n_staff):
        person = Person(ix, e, marg)
        person.dp = RowDP(ix, e, 0)
        for _trial in range(3):
            g = person.values(rng.uniform(-wo, wu))
            prices = Prices()
            first = price_dp(person, g, prices, 25)
            again = price_dp(person, g, prices, 1)
            assert again.lower == pytest.approx(first.lower, abs=1e-9)


def test_automatic_smoothing_moves_alpha_with_the_subgradient() -> None:
    center = np.array([1.0, 1.0])
    pi_rmp = np.array([3.0, 1.0])
    # The Lagrangian rises towards the master's duals: smooth less.
    assert _Run.adjust_alpha(0.5, np.array([1.0, 0.0]), pi_rmp, center) == pytest.approx(0.4)
    # It falls that way: smooth more.
    assert _Run.adjust_alpha(0.5, np.array([-1.0, 0.0]), pi_rmp, center) == pytest.approx(0.55)
    assert _Run.adjust_alpha(0.05, np.array([1.0, 0.0]), pi_rmp, center) == 0.0
    assert _Run.adjust_alpha(0.99, np.array([-1.0, 0.0]), pi_rmp, center) <= 0.99
    # No subgradient (somebody without a row): unchanged.
    assert _Run.adjust_alpha(0.7, None, pi_rmp, center) == 0.7


def test_subgradient_is_cover_minus_the_rows_counts_projected_on_the_price_box() -> None:
    problem = _generated(4, 14, 2, 21)
    ix = Index.build(problem)
    run = _Run(ix, 30.0, None, 0.5, 12, False, 1.0, 1)
    run.seed([], True)
    rows = [run.master.columns[e][0].row for e in range(ix.n_staff)]
    targets = np.array([float(c.target) for c in problem.cover])
    counted = np.zeros(len(problem.cover))
    for e in range(ix.n_staff):
        for i in run.master.columns[e][0].lines:
            counted[i] += 1
    inside = np.zeros(len(problem.cover))
    assert run.subgradient(inside, rows) == pytest.approx(targets - counted)
    # At the box's edges the subgradient does not point out of it.
    at_edges = np.where(targets - counted > 0, run.pi_hi, run.pi_lo)
    assert run.subgradient(at_edges, rows) == pytest.approx(np.zeros(len(targets)))
    assert run.subgradient(inside, [None, *rows[1:]]) is None


@pytest.mark.parametrize(("name", "make"), BOUND_CASES)
def test_automatic_smoothing_keeps_the_bound_and_the_lp_value(name: str, make: object) -> None:
    assert callable(make)
    problem: Problem = make()
    opt = _optimum(problem)
    values = []
    for auto in (True, False):
        seen: list[Iteration] = []
        res = column_generation(
            Index.build(problem), time_limit=30, on_iteration=seen.append, auto_alpha=auto
        )
        assert all(it.lagrangian <= opt + 1e-6 for it in seen), name
        assert res.bound is not None and res.bound <= opt
        assert res.converged
        assert res.bound == math.ceil(res.lp_value - 1e-6)
        values.append(res.lp_value)
    # The LP optimum does not depend on how the duals were stabilised.
    assert values[0] == pytest.approx(values[1], abs=1e-6)


def test_stalled_rounds_are_those_where_neither_bound_nor_lp_moved() -> None:
    ix = Index.build(_generated(4, 14, 2, 21))
    run = _Run(ix, 30.0, None, 0.5, 12, False, 1.0, 1)
    flat = [(990, 1000.0)] * 4
    assert not run.stalled(flat)  # stall_rounds 0: never
    run.stall_rounds = 3
    assert run.stalled(flat)
    assert not run.stalled(flat[:3])  # not enough rounds yet
    assert not run.stalled([(980, 1000.0), *flat[1:]])  # the bound rose by 1 %
    assert not run.stalled([(990, 1010.0), *flat[1:]])  # the LP fell by 1 %
    assert run.stalled([(990, 1000.5), *flat[1:]])  # 0.05 %: no progress


def test_stall_stop_ends_early_with_a_valid_bound() -> None:
    problem = _generated(5, 14, 3, 22)
    opt = _optimum(problem)
    res = column_generation(Index.build(problem), time_limit=30, stall_rounds=1)
    assert res.bound is not None and res.bound <= opt

"""Batched pricing (issue 18, stage 2): one ``RowDP`` call for the persons of a contract
gives exactly the rows and values of one call per person."""

from __future__ import annotations

import numpy as np
import pytest

from yakuba.planner import Problem
from yakuba.planner.colgen import NEG_INF, Person, RowDP, _Run
from yakuba.planner.construct import Marginals
from yakuba.planner.formats.curtois_qu import parse
from yakuba.planner.generate import generate
from yakuba.planner.index import Index

from .test_colgen import _small_problem


def _generated(staff: int, days: int, types: int, seed: int) -> Problem:
    return parse(generate(staff, days, types, seed).text(), name=f"g{staff}x{days}x{types}s{seed}")


CASES = [
    ("small", _small_problem),
    ("gen-6x14x2", lambda: _generated(6, 14, 2, 61)),
    ("gen-8x28x3", lambda: _generated(8, 28, 3, 62)),
]


@pytest.mark.parametrize(("name", "make"), CASES)
@pytest.mark.parametrize("budget", [500_000, 0])
def test_best_batch_equals_one_call_per_person(name: str, make: object, budget: int) -> None:
    assert callable(make)
    ix = Index.build(make())
    rng = np.random.default_rng(7)
    marg = Marginals(ix)
    for e in range(ix.n_staff):
        dp = RowDP(ix, e, budget)
        allowed = Person(ix, e, marg).allowed
        vs = rng.normal(0.0, 5.0, size=(5, ix.horizon, len(ix.act_ids)))
        vs[:, ~allowed] = NEG_INF
        if e == 0:
            vs[2] = NEG_INF  # nothing possible for one of them
        mus = rng.uniform(0.0, 10.0, size=5)
        batch = dp.best_batch(vs, mus)
        single = [dp.best(vs[b], float(mus[b])) for b in range(5)]
        assert batch == single


@pytest.mark.parametrize(("name", "make"), CASES)
def test_batched_rounds_price_exactly_like_per_person_rounds(name: str, make: object) -> None:
    assert callable(make)
    ix = Index.build(make())
    pis = np.random.default_rng(3).uniform(-1.0, 100.0, size=(3, len(ix.problem.cover)))
    results = []
    for batched in (False, True):
        run = _Run(ix, 60.0, None, 0.5, 8, False, 2.0, 1)
        run.batch = batched
        run.seed([])
        rounds = []
        for pi in pis:
            priced = run.price_all(pi)
            rounds.append([(p.lower, p.rows, p.exact) for p in priced])
        results.append(rounds)
    assert results[0] == results[1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hours_bound_is_below_every_feasible_row(seed: int) -> None:
    from .test_colgen import _rows

    ix = Index.build(_small_problem())
    marg = Marginals(ix)
    rng = np.random.default_rng(seed)
    for e in range(ix.n_staff):
        person = Person(ix, e, marg)
        rows = _rows(ix, e)
        for _ in range(4):
            pi = rng.uniform(-1.0, 100.0, size=len(ix.problem.cover))
            g = person.values(pi)
            best = min(person.f(g, r) for r in rows)
            assert person.hours_bound(g) <= best + 1e-9


def test_a_pricing_message_answers_like_pricing_in_process() -> None:
    # The message a task worker on another process or machine would get: plain data,
    # through JSON and back; the answer equals pricing here.
    import dataclasses
    import json

    from yakuba.planner.colgen import (
        PricingAnswer,
        PricingTask,
        PricingWorker,
        price_dp_batch,
        pricing_task,
    )
    from yakuba.planner.construct import Prices

    ix = Index.build(_generated(8, 28, 3, 63))
    marg = Marginals(ix)
    people = [Person(ix, e, marg) for e in range(ix.n_staff)]
    pi = np.random.default_rng(5).uniform(-1.0, 100.0, size=len(ix.problem.cover))
    groups: dict[object, list[int]] = {}
    for p in people:
        assert p.dp is not None
        groups.setdefault(p.dp.signature(), []).append(p.e)
    worker = PricingWorker(ix)
    for es in groups.values():
        start = [Prices(0.5, 1.0, {0: 2.0}) for _ in es]
        task = pricing_task("g8x28x3s63", es, pi, start, 6)
        raw = json.loads(json.dumps(dataclasses.asdict(task)))
        again = PricingTask(
            raw["instance"],
            tuple(raw["persons"]),
            tuple(raw["pi"]),
            tuple((h, w, tuple((a, x) for a, x in acts)) for h, w, acts in raw["multipliers"]),
            raw["iterations"],
        )
        assert again == task
        answer = worker.answer(again)
        assert isinstance(answer, PricingAnswer)
        assert json.loads(json.dumps(dataclasses.asdict(answer)))["persons"] == list(es)
        here_prices = [Prices(0.5, 1.0, {0: 2.0}) for _ in es]
        here = price_dp_batch(
            [people[e] for e in es], [people[e].values(pi) for e in es], here_prices, 6
        )
        assert list(answer.lower) == [pr.lower for pr in here]
        assert [list(r) for r in answer.rows] == [pr.rows for pr in here]
        assert list(answer.exact) == [pr.exact for pr in here]
        assert [m[:2] for m in answer.multipliers] == [(p.hours, p.weekends) for p in here_prices]

"""Pricing in worker processes (issue 18): the pool's answers are in-process pricing's,
the time limit holds while tasks are in flight, and no process outlives the pool."""

from __future__ import annotations

import multiprocessing as mp
import time
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest

from yakuba.planner import Problem
from yakuba.planner.colgen import (
    NEG_INF,
    PricingAnswer,
    PricingPool,
    PricingTask,
    _Run,
    column_generation,
    pricing_task,
)
from yakuba.planner.construct import Prices
from yakuba.planner.formats.curtois_qu import parse, read
from yakuba.planner.generate import generate
from yakuba.planner.index import Index

from .test_colgen import _small_problem


def _generated(staff: int, days: int, types: int, seed: int) -> Problem:
    return parse(generate(staff, days, types, seed).text(), name=f"g{staff}x{days}x{types}s{seed}")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize(
    ("name", "make"),
    [("small", _small_problem), ("gen-8x28x3", lambda: _generated(8, 28, 3, 62))],
)
def test_pooled_rounds_price_exactly_like_in_process_rounds(
    name: str, make: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three rounds in a row: the warm starts of each round come from the previous one,
    # so the multipliers sent back by the workers must be the in-process ones too.
    assert callable(make)
    ix = Index.build(make())
    pis = np.random.default_rng(3).uniform(-1.0, 100.0, size=(3, len(ix.problem.cover)))
    results = []
    sent: list[PricingTask] = []
    with PricingPool(ix.problem, 2) as pool:
        submit = pool.submit

        def counted(task: PricingTask) -> Future[PricingAnswer]:
            sent.append(task)
            return submit(task)

        monkeypatch.setattr(pool, "submit", counted)
        for pooled in (False, True):
            run = _Run(ix, 60.0, None, 0.5, 8, False, 2.0, 1)
            run.pool = pool if pooled else None
            run.seed([])
            rounds = []
            for pi in pis:
                priced = run.price_all(pi)
                assert priced is not None
                rounds.append([(p.lower, p.rows, p.exact) for p in priced])
            assert bool(sent) == pooled  # the pool priced, every round
            assert len(sent) % 3 == 0
            prices = [(p.hours, p.weekends, p.activities) for p in run.prices]
            results.append((rounds, prices))
    assert results[0] == results[1]
    if name != "small":  # priced exactly by the DP's state there: no multipliers
        assert any(p != (0.0, 0.0, {}) for p in results[1][1])  # warm starts did move


def test_pool_refuses_a_task_of_another_instance() -> None:
    ix = Index.build(_generated(4, 14, 2, 21))
    pi = np.zeros(len(ix.problem.cover))
    with PricingPool(ix.problem, 1) as pool:
        task = pricing_task("another", [0], pi, [Prices()], 3)
        with pytest.raises(ValueError, match="another"):
            pool.submit(task).result()


def test_in_flight_tasks_stop_with_the_time_limit_and_no_process_outlives_the_pool() -> None:
    ix = Index.build(_generated(12, 56, 3, 71))  # most persons need many steps
    pi = np.random.default_rng(1).uniform(-1.0, 100.0, size=len(ix.problem.cover))
    groups: dict[object, list[int]] = {}
    for e in range(ix.n_staff):
        run_dp = _Run(ix, 1.0, None, 0.5, 8, False, 2.0, 1).people[e].dp
        assert run_dp is not None
        groups.setdefault(run_dp.signature(), []).append(e)
    before = {p.pid for p in mp.active_children() if p.pid is not None}
    with PricingPool(ix.problem, 2) as pool:
        # Far more steps than the time allows: the answers come when cancelled.
        tasks = [
            pricing_task(pool.key, es, pi, [Prices() for _ in es], 100_000)
            for es in groups.values()
        ]
        quick = [
            pricing_task(pool.key, es, pi, [Prices() for _ in es], 1) for es in groups.values()
        ]
        assert pool.answer_all(quick, lambda: False, False) is not None  # the workers are up
        children = {p.pid for p in mp.active_children() if p.pid is not None} - before
        assert len(children) == 2
        t0 = time.monotonic()
        assert pool.answer_all(tasks, lambda: time.monotonic() - t0 > 0.5, False) is None
        assert time.monotonic() - t0 < 1.0
        t0 = time.monotonic()
        answers = pool.answer_all(tasks, lambda: time.monotonic() - t0 > 0.5, True)
        assert answers is not None and time.monotonic() - t0 < 3.0
        started = [a for a in answers if a is not None]
        assert any(not a.complete for a in started)
        assert any(low > NEG_INF for a in started for low in a.lower)  # partial bounds
        # A task's own deadline stops it without the pool's cancellation.
        late = [
            pricing_task(pool.key, es, pi, [Prices() for _ in es], 100_000, time.time() + 0.3)
            for es in groups.values()
        ]
        t0 = time.monotonic()
        answers = pool.answer_all(late, lambda: False, True)
        assert time.monotonic() - t0 < 2.0
        assert answers is not None and all(a is not None for a in answers)
        assert any(a is not None and not a.complete for a in answers)
    assert children and not any(_alive(pid) for pid in children)
    assert not ({p.pid for p in mp.active_children() if p.pid is not None} - before)


@pytest.mark.parametrize("seed", [21, 22])
def test_column_generation_in_processes_reaches_the_in_process_bound(seed: int) -> None:
    ix = Index.build(_generated(5, 14, 3, seed))
    here = column_generation(ix, time_limit=30)
    pooled = column_generation(ix, time_limit=30, processes=2)
    assert here.converged and pooled.converged
    assert pooled.bound == here.bound
    assert pooled.lp_value == pytest.approx(here.lp_value, abs=1e-6)


def test_column_generation_in_processes_keeps_its_time_limit_and_stop() -> None:
    import threading

    ix = Index.build(_generated(30, 28, 3, 72))
    before = {p.pid for p in mp.active_children() if p.pid is not None}
    t0 = time.monotonic()
    res = column_generation(ix, time_limit=2.0, processes=2, seed_construction=False)
    assert time.monotonic() - t0 < 4.0 and res.elapsed < 3.5
    stop = threading.Event()
    stop.set()
    res = column_generation(ix, time_limit=30, processes=2, stop=stop, seed_construction=False)
    assert res.iterations == [] and res.bound is None
    assert not ({p.pid for p in mp.active_children() if p.pid is not None} - before)


def test_a_contract_is_split_into_even_batches_for_the_processes() -> None:
    from yakuba.planner.colgen.run import _even_parts

    parts = _even_parts(list(range(18)), 11)
    assert sorted(map(len, parts)) == [9, 9]
    assert sorted(e for p in parts for e in p) == list(range(18))
    assert [len(p) for p in _even_parts([1, 2, 3, 4], 11)] == [4]
    assert sorted(map(len, _even_parts(list(range(40)), 30))) == [20, 20]


def test_curtois_qu_instances_1_and_2_in_processes_run_as_in_process(bench: Path) -> None:
    # Same inputs, same pricing: the same rounds, to the bound of every round.
    for name in ("Instance1", "Instance2"):
        ix = Index.build(read(bench / f"{name}.txt"))
        here = column_generation(ix, time_limit=40)
        pooled = column_generation(ix, time_limit=40, processes=2)
        assert here.converged and pooled.converged, name
        assert pooled.bound == here.bound
        assert [it.lagrangian for it in pooled.iterations] == [
            it.lagrangian for it in here.iterations
        ]

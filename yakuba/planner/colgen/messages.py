"""Pricing as plain-data messages, for task workers in other processes or machines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..construct import Marginals, Prices
from ..index import Index
from .common import FloatArray, Row
from .pricing import Person, price_dp_batch


@dataclass(frozen=True)
class PricingTask:
    """One pricing message, plain data (picklable, JSON-able): what a task worker on
    another process or machine needs besides the instance itself, which it builds once
    and keeps under ``instance`` (e.g. ``fingerprint`` of the problem file). The persons
    should share one contract (:meth:`RowDP.signature`) so that the worker batches them.
    """

    instance: str
    persons: tuple[int, ...]
    #: Cover prices π, one per cover line.
    pi: tuple[float, ...]
    #: Per person: the warm-start multipliers (hours, weekends, {activity: price}).
    multipliers: tuple[tuple[float, float, tuple[tuple[int, float], ...]], ...]
    iterations: int


@dataclass(frozen=True)
class PricingAnswer:
    """The worker's answer: per person a lower bound on ``min f_e``, rows with their
    ``f_e`` (best first), whether the bound is exact, and the multipliers reached (the
    master keeps them as the next task's warm start)."""

    persons: tuple[int, ...]
    lower: tuple[float, ...]
    rows: tuple[tuple[tuple[float, Row], ...], ...]
    exact: tuple[bool, ...]
    multipliers: tuple[tuple[float, float, tuple[tuple[int, float], ...]], ...]


def _multipliers(p: Prices) -> tuple[float, float, tuple[tuple[int, float], ...]]:
    return (p.hours, p.weekends, tuple(sorted(p.activities.items())))


def pricing_task(
    instance: str, persons: Sequence[int], pi: FloatArray, prices: Sequence[Prices], iterations: int
) -> PricingTask:
    """The message for ``persons`` (``prices``: their warm starts, in the same order)."""
    return PricingTask(
        instance,
        tuple(persons),
        tuple(float(x) for x in pi),
        tuple(_multipliers(p) for p in prices),
        iterations,
    )


class PricingWorker:
    """A pricing task worker: the static pricing data of one instance, built once
    (:class:`Person`, the DPs); answers :class:`PricingTask` messages."""

    def __init__(self, ix: Index) -> None:
        marg = Marginals(ix)
        self.people = [Person(ix, e, marg) for e in range(ix.n_staff)]

    def answer(self, task: PricingTask) -> PricingAnswer:
        persons = [self.people[e] for e in task.persons]
        if any(p.dp is None for p in persons):
            raise ValueError("a pricing task holds DP persons only (CP-SAT ones stay home)")
        pi = np.array(task.pi)
        prices = [Prices(h, w, dict(acts)) for h, w, acts in task.multipliers]
        done = price_dp_batch(persons, [p.values(pi) for p in persons], prices, task.iterations)
        return PricingAnswer(
            task.persons,
            tuple(pr.lower for pr in done),
            tuple(tuple(pr.rows) for pr in done),
            tuple(pr.exact for pr in done),
            tuple(_multipliers(p) for p in prices),
        )

"""Pricing as plain-data messages, for task workers in other processes or machines."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..construct import Marginals, Prices
from ..index import Index
from .common import FloatArray, Row
from .pricing import Person, _Subgradient, step_until


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
    #: Wall-clock time (``time.time()``) after which the worker stops stepping and
    #: answers with what it has (valid bounds, ``complete`` False); None: no limit.
    deadline: float | None = None


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
    #: False if the worker stopped before every subgradient was done (deadline or
    #: cancelled): the bounds are still valid, the best values of the steps taken.
    complete: bool = True


def _multipliers(p: Prices) -> tuple[float, float, tuple[tuple[int, float], ...]]:
    return (p.hours, p.weekends, tuple(sorted(p.activities.items())))


def pricing_task(
    instance: str,
    persons: Sequence[int],
    pi: FloatArray,
    prices: Sequence[Prices],
    iterations: int,
    deadline: float | None = None,
) -> PricingTask:
    """The message for ``persons`` (``prices``: their warm starts, in the same order)."""
    return PricingTask(
        instance,
        tuple(persons),
        tuple(float(x) for x in pi),
        tuple(_multipliers(p) for p in prices),
        iterations,
        deadline,
    )


def prices_of(multipliers: tuple[float, float, tuple[tuple[int, float], ...]]) -> Prices:
    """The :class:`Prices` of a message's multipliers (the inverse of the message's form)."""
    hours, weekends, acts = multipliers
    return Prices(hours, weekends, dict(acts))


class PricingWorker:
    """A pricing task worker: the static pricing data of one instance, built once
    (:class:`Person`, the DPs); answers :class:`PricingTask` messages."""

    def __init__(self, ix: Index) -> None:
        marg = Marginals(ix)
        self.people = [Person(ix, e, marg) for e in range(ix.n_staff)]

    def answer(
        self, task: PricingTask, cancelled: Callable[[], bool] | None = None
    ) -> PricingAnswer:
        """:func:`price_dp_batch` of the task's persons; between two subgradient steps
        it stops at the task's deadline or once ``cancelled()`` (partial answer)."""
        persons = [self.people[e] for e in task.persons]
        if any(p.dp is None for p in persons):
            raise ValueError("a pricing task holds DP persons only (CP-SAT ones stay home)")
        pi = np.array(task.pi)
        prices = [prices_of(m) for m in task.multipliers]
        sgs = [
            _Subgradient(p, p.values(pi), pr, task.iterations)
            for p, pr in zip(persons, prices, strict=True)
        ]

        def stop() -> bool:
            late = task.deadline is not None and time.time() >= task.deadline
            return late or (cancelled is not None and cancelled())

        complete = step_until(sgs, stop)
        done = [sg.result() for sg in sgs]
        return PricingAnswer(
            task.persons,
            tuple(pr.lower for pr in done),
            tuple(tuple(pr.rows) for pr in done),
            tuple(pr.exact for pr in done),
            tuple(_multipliers(p) for p in prices),
            complete,
        )

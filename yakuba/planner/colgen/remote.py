"""Column generation for the bound only, in a process of its own.

The solver runs column generation late, for its bound only, beside phases that run one
CP-SAT worker (the weekend phases), so that it takes the core those leave idle. In a
thread of the solver's process it does not: its Python holds the GIL that the phase's
own Python (building each weekend chunk's model, reading its solution) needs, and the
phase gains less — measured on Instance12's closing weekend phases (7.2 s from the same
roster): 616 gained alone, 0, 91 and 0 with column generation in a thread beside them
(BENCHMARK.md "Column generation in its own process"). A process shares no GIL.

:class:`BoundProcess` starts the process early (it imports the planner and builds the
index while the search runs), then :meth:`BoundProcess.run` sends the seeds and the
time and :meth:`BoundProcess.result` waits for a :class:`BoundSummary`. A stop (the
solver's stop event: a user's cancel, an optimal roster) reaches the process through a
shared event, read where column generation reads its stop event.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing as mp
import queue
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as ProcessEvent
from typing import Any

from ..index import Grid, Index
from ..model import Problem
from .common import Unsupported

#: Seconds :meth:`BoundProcess.result` waits past the agreed end for the summary (the
#: final bound of a pricing round in flight) before giving up on it.
RESULT_GRACE_S = 2.0


@dataclass(frozen=True)
class BoundSummary:
    """What the solver reports of a bound-only column generation."""

    bound: int | None
    lp_value: float
    iterations: int
    columns: int
    converged: bool
    elapsed: float
    rounds_elapsed: float
    #: The master cannot express the problem's rules (:class:`Unsupported`).
    unsupported: bool = False


@dataclass(frozen=True)
class _Order:
    seeds: list[Grid]
    time_limit: float
    final_share: float
    stall_rounds: int


def _serve(problem: Problem, orders: Any, answers: Any, stop: ProcessEvent) -> None:
    """The process: build the index, wait for one order, answer it."""
    from . import column_generation

    ix = Index.build(problem)
    order: _Order | None = orders.get()
    if order is None:
        return
    try:
        res = column_generation(
            ix,
            time_limit=order.time_limit,
            stop=stop,
            initial=order.seeds,
            seed_construction=False,
            final_share=order.final_share,
            stall_rounds=order.stall_rounds,
        )
    except Unsupported:
        answers.put(BoundSummary(None, math.inf, 0, 0, False, 0.0, 0.0, unsupported=True))
        return
    answers.put(
        BoundSummary(
            res.bound,
            res.lp_value,
            len(res.iterations),
            sum(len(c) for c in res.columns),
            res.converged,
            res.elapsed,
            res.rounds_elapsed,
        )
    )


class BoundProcess:
    """One column generation for the bound, in a process started now (``forkserver``:
    never ``fork``, CP-SAT's threads may be running). A caller's script must guard its
    top level with ``if __name__ == "__main__":`` (the child imports the main module)."""

    def __init__(self, problem: Problem, start_method: str = "forkserver") -> None:
        ctx: Any = mp.get_context(start_method)
        self._orders: Any = ctx.Queue()
        self._answers: Any = ctx.Queue()
        self._stop: ProcessEvent = ctx.Event()
        self._deadline = math.inf
        self._process: BaseProcess = ctx.Process(
            target=_serve,
            args=(problem, self._orders, self._answers, self._stop),
            daemon=True,
            name="yakuba-colgen-bound",
        )
        self._process.start()

    def run(
        self, seeds: list[Grid], time_limit: float, final_share: float, stall_rounds: int
    ) -> None:
        """Start the column generation (once), seeded with ``seeds`` (rosters)."""
        self._deadline = time.monotonic() + time_limit
        self._orders.put(_Order(seeds, time_limit, final_share, stall_rounds))

    def stop(self) -> None:
        self._stop.set()

    def result(self) -> BoundSummary | None:
        """The summary, waiting until the agreed end (plus ``RESULT_GRACE_S``); None if
        none came (never asked, stopped before it began, or the process failed)."""
        if self._deadline == math.inf:
            return None
        wait = max(0.0, self._deadline - time.monotonic()) + RESULT_GRACE_S
        try:
            got: BoundSummary = self._answers.get(timeout=min(wait, 3600.0))
        except (queue.Empty, OSError, ValueError):  # nothing came, or closed already
            return None
        return got

    def close(self) -> None:
        """End the process: stop what runs, tell an idle one there is nothing to do,
        and terminate it if it does not end within a second."""
        self._stop.set()
        with contextlib.suppress(OSError, ValueError):  # the queue may be closed already
            self._orders.put(None)
        self._process.join(timeout=1.0)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=1.0)
        self._orders.close()
        self._answers.close()

    def __enter__(self) -> BoundProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Pricing in other processes (issue 18): pricing is independent per person, so the DP
pricing of a round goes out as one :class:`PricingTask` per contract batch to a
:class:`PricingPool` of worker processes and the answers are merged back
(``column_generation(processes=N)``, :meth:`_Run.dp_batched`).

Each worker process gets the pickled :class:`Problem` once (the pool's initializer),
builds its :class:`PricingWorker` (the index, every person's DP) and keeps it under the
pool's instance key; from then on a task carries only what changes between rounds: the
cover prices π, the persons' warm-start multipliers, the number of subgradient steps and
a wall-clock deadline. The answer carries the bounds, the rows, their exactness and the
multipliers reached, which the master keeps as the next round's warm start. The
outcome is the in-process pricing's, to the bit (floats pickle exactly).

The processes are started by ``forkserver`` (never ``fork``: CP-SAT's threads may run
in the parent); ``spawn`` works too, and both start two workers in about 1 s (the
import of the planner and numpy in each). As with every non-fork start, a script that
uses the pool must guard its top level with ``if __name__ == "__main__":`` (the children
import the main module). Time: tasks stop stepping at their deadline on
their own, and :meth:`PricingPool.answer_all` cancels what is in flight when the caller
runs out of time (a shared epoch counter that the workers read between two DP steps).

**Several machines**: the same messages go to task workers elsewhere unchanged, since a
task and its answer are plain data (tuples of numbers, JSON-able). A machine's worker
builds its :class:`PricingWorker` once per instance, keyed by the instance's
fingerprint (e.g. a hash of the problem file, set by the master as ``instance`` in
each task) and fetched from shared storage on the first task with an unknown key; the
master would send each contract batch to any free worker and merge the answers as
here. Only the in-flight cancellation is local (the shared counter): remote workers
stop at the task's deadline instead, which needs roughly synchronised clocks.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from multiprocessing.sharedctypes import Synchronized
from types import TracebackType

from ..index import Index
from ..model import Problem
from .messages import PricingAnswer, PricingTask, PricingWorker

#: Seconds between two looks at the caller's clock and stop event while tasks run.
POLL_S = 0.02
#: Seconds a cancelled task may take to answer with its partial outcome (a worker
#: notices the cancellation after its current DP step).
CANCEL_GRACE_S = 2.0

# The worker process's state, set once by :func:`_start`.
_worker: tuple[str, PricingWorker] | None = None
_epoch: Synchronized[int] | None = None


def instance_key(problem: Problem) -> str:
    """A key identifying ``problem`` for the workers of one pool."""
    return hashlib.sha256(pickle.dumps(problem)).hexdigest()[:16]


def _start(problem: Problem, key: str, epoch: Synchronized[int]) -> None:
    global _worker, _epoch
    _worker = (key, PricingWorker(Index.build(problem)))
    _epoch = epoch


def _answer(task: PricingTask, epoch: int) -> PricingAnswer:
    """A task in a worker process; it stops stepping once the pool's epoch moves on."""
    assert _worker is not None and _epoch is not None
    key, worker = _worker
    if task.instance != key:
        raise ValueError(f"task for instance {task.instance}, this worker has {key}")
    shared = _epoch
    return worker.answer(task, lambda: shared.value != epoch)


def _ready() -> None:
    """A task that does nothing: submitted once per process at start so that every
    worker builds its pricing data while the master builds its own."""


class PricingPool:
    """Worker processes answering :class:`PricingTask` messages for one problem; a
    context manager (the processes end with it)."""

    def __init__(self, problem: Problem, processes: int, start_method: str = "forkserver") -> None:
        if processes < 1:
            raise ValueError("a pricing pool needs at least one process")
        ctx = mp.get_context(start_method)
        self.key = instance_key(problem)
        self.processes = processes
        self._epoch: Synchronized[int] = ctx.Value("q", 0)
        self._executor = ProcessPoolExecutor(
            processes, mp_context=ctx, initializer=_start, initargs=(problem, self.key, self._epoch)
        )
        # The executor starts a process per task submitted while none is idle.
        for _ in range(processes):
            self._executor.submit(_ready)

    def __enter__(self) -> PricingPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def cancel(self) -> None:
        """Tasks in flight stop after their current DP step (partial answers)."""
        with self._epoch.get_lock():
            self._epoch.value += 1

    def close(self) -> None:
        """Cancel what runs and end the processes (waits for them)."""
        self.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def submit(self, task: PricingTask) -> Future[PricingAnswer]:
        return self._executor.submit(_answer, task, self._epoch.value)

    def answer_all(
        self, tasks: Sequence[PricingTask], out_of_time: Callable[[], bool], partial: bool
    ) -> list[PricingAnswer | None] | None:
        """The answers to ``tasks``, in order. If ``out_of_time()`` becomes true while
        tasks run, they are cancelled and the result is None, or with ``partial`` the
        partial answers they give (None for a task that gave none within
        ``CANCEL_GRACE_S``)."""
        futures = [self.submit(t) for t in tasks]
        pending = set(futures)
        while pending:
            if out_of_time():
                self.cancel()
                for f in pending:
                    f.cancel()
                if not partial:
                    return None
                wait(pending, timeout=CANCEL_GRACE_S)
                break
            _, pending = wait(pending, timeout=POLL_S)
        return [f.result() if f.done() and not f.cancelled() else None for f in futures]

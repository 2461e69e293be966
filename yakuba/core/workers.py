"""Task workers that die: heartbeats, and putting their unfinished tasks back in the queue.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when
the task returns. A worker killed in between (SIGKILL, power cut, OOM killer, a host
rebooted) leaves the task RUNNING for ever: nothing in the library looks at it again.

So every ``manage.py db_worker`` (our subclass of the library's command) keeps a
`WorkerBeat` row: its id, host and process id, and the time of its last heartbeat
(every ``TASK_WORKER_HEARTBEAT_SECONDS``). A worker is *gone* when its row is missing,
its heartbeat is older than ``TASK_WORKER_LEASE_SECONDS``, or it ran on this host and its
process no longer exists (known at once, without waiting for the lease).

`recover_tasks` puts the RUNNING tasks of gone workers back to READY, so a live worker
runs them again; a task whose workers died ``MAX_TASK_RUNS`` times is marked FAILED
instead (a task that kills its worker must not kill every worker in turn). It runs when
a worker starts and as the scheduled job ``core.recover_tasks`` (every minute).

Running a task again is only safe because every task is idempotent: each one re-reads
its state and does only what is not done yet (a roster version is written in one
transaction, an import is applied and marked applied in one transaction, a delivery is
claimed before it is sent, a catch-up is marked sent with its notification). A task
that needs to know it is the *same* run delivered again reads `current_task_id()`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_TASK_RUNS = 5

_current_task: contextvars.ContextVar[str] = contextvars.ContextVar("yakuba_task", default="")


def current_task_id() -> str:
    """The id of the task result being run (a worker or the immediate backend), or ""."""
    return _current_task.get()


def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _current_task.set(str(task_result.id))


def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _current_task.set("")


def connect_signals() -> None:
    from django_tasks_db.compat import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="yakuba.core.workers.started")
    task_finished.connect(_task_finished, dispatch_uid="yakuba.core.workers.finished")


def heartbeat_seconds() -> float:
    return float(getattr(settings, "TASK_WORKER_HEARTBEAT_SECONDS", 10))


def lease_seconds() -> float:
    return float(getattr(settings, "TASK_WORKER_LEASE_SECONDS", 60))


def hostname() -> str:
    return socket.gethostname()[:100]


def beat(worker_id: str) -> None:
    from yakuba.core.models import WorkerBeat

    now = timezone.now()
    updated = WorkerBeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerBeat.objects.create(
            worker_id=worker_id, host=hostname(), pid=os.getpid(), started_at=now, beat_at=now
        )


def forget(worker_id: str) -> None:
    from yakuba.core.models import WorkerBeat

    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def alive_workers(now: dt.datetime | None = None) -> set[str]:
    """Ids of the workers whose heartbeat is within the lease (and, on this host, whose
    process exists)."""
    from yakuba.core.models import WorkerBeat

    now = now or timezone.now()
    here = hostname()
    alive: set[str] = set()
    fresh = WorkerBeat.objects.filter(beat_at__gte=now - dt.timedelta(seconds=lease_seconds()))
    for worker_id, host, pid in fresh.values_list("worker_id", "host", "pid"):
        if host == here and not _process_exists(pid):
            continue
        alive.add(worker_id)
    return alive


def recover_tasks(now: dt.datetime | None = None) -> dict[str, int]:
    """Put the RUNNING tasks of gone workers back in the queue (or fail them after
    `MAX_TASK_RUNS` runs); forget the heartbeats of gone workers. Returns the counts."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from yakuba.core.models import WorkerBeat

    now = now or timezone.now()
    alive = alive_workers(now)
    requeued = failed = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
        for result in running:
            last = result.worker_ids[-1] if result.worker_ids else ""
            if last in alive:
                continue
            if len(result.worker_ids) >= MAX_TASK_RUNS:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = "yakuba.core.workers.WorkerDied"
                result.traceback = (
                    f"the worker running this task died {len(result.worker_ids)} times"
                )
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                failed += 1
                logger.error("task %s failed: its workers died %s times", result.pk, failed)
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            requeued += 1
            logger.warning(
                "task %s (%s) requeued: worker %s is gone", result.pk, result.task_path, last
            )
        gone = WorkerBeat.objects.exclude(worker_id__in=alive)
        forgotten, _ = gone.delete()
    return {"requeued": requeued, "failed": failed, "workers_gone": forgotten}


class WorkerDied(Exception):
    """Recorded (by path) on a task whose workers kept dying."""


class Heartbeat:
    """A daemon thread that beats for ``worker_id`` until `stop`; its own DB connection."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="yakuba-heartbeat", daemon=True)

    def start(self) -> None:
        beat(self.worker_id)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(heartbeat_seconds()):
            try:
                close_old_connections()
                beat(self.worker_id)
            except Exception:  # a database hiccup: try again at the next beat
                logger.exception("worker heartbeat failed")
        connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

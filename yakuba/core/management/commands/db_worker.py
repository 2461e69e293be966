"""`manage.py db_worker`: django-tasks-db's worker, with a heartbeat and crash recovery.

This app is listed before ``django_tasks_db`` in INSTALLED_APPS, so this command replaces
the library's one of the same name (same options). Before the first task it puts back in
the queue the tasks of workers that are gone (`yakuba.core.workers.recover_tasks`), then
it beats every ``TASK_WORKER_HEARTBEAT_SECONDS`` while it runs; its beat is removed when
it stops cleanly. A worker killed outright leaves a beat that stops moving, or (on the
same host) names a process that no longer exists: the next recovery requeues its task.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as LibraryCommand

from yakuba.core import workers


class Command(LibraryCommand):
    help = "Run a database background worker (with heartbeat and crash recovery)"

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        recovered = workers.recover_tasks()
        if recovered["requeued"] or recovered["failed"]:
            self.stdout.write(
                f"requeued {recovered['requeued']} task(s) of stopped workers, "
                f"failed {recovered['failed']}"
            )
        heartbeat = workers.Heartbeat(worker_id)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            workers.forget(worker_id)

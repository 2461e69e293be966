"""Drill mails go out in tasks (ids only): a slow mail server never holds a request."""

from __future__ import annotations

from django_tasks import task

from yakuba.drills import sending


@task()
def send_batch(recipient_ids: list[int]) -> dict[str, int]:
    from yakuba.core.workers import current_task_id

    return sending.send_batch(recipient_ids, runner=current_task_id() or "")

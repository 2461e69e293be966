"""Sending happens in tasks (ids only): a slow or dead chat server never blocks a request."""

from __future__ import annotations

from django_tasks import task

from yakuba.notifications.services import attempt_delivery


@task()
def deliver(delivery_id: int) -> None:
    attempt_delivery(delivery_id)

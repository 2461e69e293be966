"""Re-sending failed chat and e-mail deliveries, registered with the core scheduler.

Each delivery waiting for its next attempt is one step, keyed by the delivery and its
attempt number, so every attempt is enqueued once; `attempt_delivery` itself refuses to
send twice (it claims the attempt under a row lock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Set

from yakuba.core.scheduling import Due, Job, register
from yakuba.notifications.models import Delivery, DeliveryStatus


def due_retries(now: dt.datetime, claimed: Set[str]) -> Iterator[Due]:
    waiting = Delivery.objects.filter(
        status=DeliveryStatus.RETRYING, next_attempt_at__lte=now
    ).values_list("pk", "attempts")[:500]
    for pk, attempts in waiting:
        yield Due(f"{pk}:{attempts}", (pk,))


def retry_delivery(delivery_id: int) -> None:
    from yakuba.notifications.services import attempt_delivery

    attempt_delivery(delivery_id)


RETRIES = register(
    Job(
        name="notifications.retries",
        due=due_retries,
        run=retry_delivery,
        description="send again the chat posts and e-mails whose retry time has come",
    )
)

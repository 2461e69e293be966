"""Re-sending failed chat and e-mail deliveries, registered with the core scheduler.

Each delivery waiting for its next attempt is one step, keyed by the delivery and its
attempt number, so every attempt is enqueued once; `attempt_delivery` itself refuses to
send twice (it claims the attempt under a row lock). A delivery still SENDING after its
lease was being sent by a run that died: it is picked up too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Set

from yakuba.core.scheduling import Due, Job, register
from yakuba.notifications.models import Delivery, DeliveryStatus


def due_retries(now: dt.datetime, claimed: Set[str]) -> Iterator[Due]:
    waiting = Delivery.objects.filter(
        status__in=(DeliveryStatus.RETRYING, DeliveryStatus.SENDING), next_attempt_at__lte=now
    ).values_list("pk", "attempts", "status")[:500]
    for pk, attempts, status in waiting:
        # SENDING past its lease: the run sending it died (attempt_delivery decides what
        # a send of unknown outcome becomes).
        suffix = ":sending" if status == DeliveryStatus.SENDING else ""
        yield Due(f"{pk}:{attempts}{suffix}", (pk,))


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

"""A real task worker killed in the one window that cannot be closed — the server has the
mail, the row is not yet recorded — and restarted: the mail is not sent a second time,
the other recipient's mail goes out once, and the row ends as "outcome unknown" (shown,
never re-sent by itself). Real `manage.py db_worker` processes, a real SMTP server."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from yakuba.demo.faultbench import SmtpSink
from yakuba.drills import sending, tokens
from yakuba.drills.models import DrillRecipient, SendStatus
from yakuba.drills.tests.factories import make_drill
from yakuba.rosters.audience import Audience

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


def _wait(condition, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_killed_between_send_and_record_sends_nothing_twice(task_worker, org) -> None:
    sink = SmtpSink()
    try:
        drill = make_drill(audience=Audience(unit_ids=(org["shimin"].pk,)))
        ids = list(drill.recipients.order_by("pk").values_list("pk", flat=True))
        mail_env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
        }
        first = task_worker(YAKUBA_FAULT_PAUSES="drills.before_record=60", **mail_env)
        sending._enqueue([ids])
        first.start()
        assert first.paused.wait(60), "the worker never reached the pause"
        first.kill()
        # The server has the first mail; the database still says "sending".
        assert sum(sink.received.values()) == 1
        assert DrillRecipient.objects.get(pk=ids[0]).status == SendStatus.SENDING

        second = task_worker(**mail_env)
        second.start()  # puts the killed worker's task back in the queue and runs it
        _wait(lambda: DrillRecipient.objects.get(pk=ids[1]).status == SendStatus.SENT)
        second.stop()
        assert DrillRecipient.objects.get(pk=ids[0]).status == SendStatus.SENDING
        sending.release_due(timezone.now() + sending.SEND_LEASE * 2)
        unknown = DrillRecipient.objects.get(pk=ids[0])
        assert unknown.status == SendStatus.UNKNOWN
        assert sink.received == {
            tokens.message_id(ids[0]): 1,
            tokens.message_id(ids[1]): 1,
        }
    finally:
        sink.stop()

"""A task worker killed mid-task and restarted: nothing lost, nothing twice, nothing half.

Each test runs real `manage.py db_worker` processes on the test database (the
``task_worker`` fixture), SIGKILLs them in the middle of the work (at a pause point the
worker announces, `yakuba.core.faults`, or while the optimizer runs), checks the database
right after every kill, restarts the worker and lets it finish: the new worker puts the
killed task back in the queue (`yakuba.core.workers`). The scenarios are the ones of
`make bench-faults` (`yakuba.demo.faultbench`), on a smaller city.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time

import pytest
from django.core.management import call_command

from yakuba.demo import faultbench
from yakuba.demo.faultbench import ChatSink, SmtpSink, worker_env
from yakuba.rosters.tests.conftest import roster_setup  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


@pytest.fixture
def sinks():
    smtp, chat = SmtpSink(), ChatSink()
    yield smtp, chat
    smtp.stop()
    chat.stop()


def _seed(*commands: str) -> None:
    for command in commands:
        args = ["--no-sign-ins"] if command == "seed_demo" else []
        call_command(command, *args, stdout=io.StringIO())


def _clean(outcome: faultbench.Outcome) -> None:
    assert outcome.expected > 0, outcome
    assert (outcome.lost, outcome.duplicated, outcome.half_written) == (0, 0, 0), outcome.notes
    assert outcome.uncertain == 0, outcome.notes


def test_digest_delivery_killed_between_recipients(task_worker, sinks) -> None:
    """Every report window's digest: the chat post and the heads' e-mails each arrive
    exactly once although the worker is killed twice right after a send."""
    smtp, chat = sinks
    _seed("seed_demo", "seed_reports_demo")
    worker = task_worker(**worker_env(smtp, chat, faultbench.PAUSES))
    outcome = faultbench.scenario_digest(worker, chat, smtp, 2, random.Random(1))
    assert outcome.kills == 2
    _clean(outcome)
    assert sum(smtp.received.values()) and sum(chat.received.values())


def test_catchups_killed_between_people(task_worker, sinks) -> None:
    """A meeting's catch-ups sent again from scratch, the worker killed twice between two
    people: each absent invitee gets one catch-up, one notice and one e-mail."""
    smtp, chat = sinks
    _seed("seed_demo", "seed_meetings_demo")
    worker = task_worker(**worker_env(smtp, chat, faultbench.PAUSES))
    outcome = faultbench.scenario_catchups(worker, chat, smtp, 2, random.Random(2))
    assert outcome.kills == 2
    _clean(outcome)


def test_import_killed_inside_its_transaction(task_worker, sinks, org, make_user) -> None:
    """Killed after every row is written but before the batch is marked done: right after
    the kill no row is there; the restarted worker applies the file once."""
    from yakuba.org.models import ImportBatch, ImportStatus

    smtp, chat = sinks
    make_user("sysadmin")
    worker = task_worker(**worker_env(smtp, chat, faultbench.PAUSES))
    outcome = faultbench.scenario_import(worker, 1, 15, random.Random(3))
    assert outcome.kills == 1
    _clean(outcome)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.DONE and batch.result["staff_created"] == 15


def test_roster_solve_killed_mid_solve_and_while_writing(
    task_worker,
    sinks,
    roster_setup,  # noqa: F811
    make_user,
) -> None:
    """Killed while the optimizer runs (when it runs long enough to be caught) and inside
    the transaction that writes the cells: never a version with some cells, and the same
    version ends solved once (no second version)."""
    from yakuba.rosters.models import Assignment, RosterPeriod, RosterVersion, VersionStatus
    from yakuba.rosters.tests.conftest import MONDAY

    smtp, chat = sinks
    admin = make_user("sysadmin")
    period = RosterPeriod.objects.create(
        unit=roster_setup["org"]["madoguchi"],
        name="12月",
        start_date=MONDAY,
        end_date=MONDAY + dt.timedelta(days=6),
        created_by=admin,
    )
    worker = task_worker(**worker_env(smtp, chat, faultbench.PAUSES))
    outcome = faultbench.scenario_roster(worker, 1, 3, random.Random(4))
    assert outcome.kills >= 1  # the kill inside the write transaction always happens
    _clean(outcome)
    version = RosterVersion.objects.get(period=period)
    assert version.status == VersionStatus.SOLVED and version.finished_at is not None
    cells = Assignment.objects.filter(version=version)
    assert cells.count() == cells.values("staff").distinct().count() * 7 > 0


def _kill_in_the_unknown_window(worker) -> None:
    """Wait for the pause between a send and its record, kill there, restart, wait until
    the queue is empty."""
    worker.start()
    assert worker.paused.wait(90), "the worker never reached the send"
    worker.kill()
    worker.start()
    deadline = time.monotonic() + 90
    while faultbench.queue_busy() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not faultbench.queue_busy()
    worker.stop()


def test_a_chat_post_of_unknown_outcome_is_not_posted_again(task_worker, sinks, org) -> None:
    """Killed after the chat accepted the post, before it was recorded: chat is at most
    once — the requeued task does not post again; the delivery is marked failed with the
    reason, for the unit's heads to check the chat."""
    from yakuba.notifications import services
    from yakuba.notifications.models import Channel, Delivery, DeliveryStatus
    from yakuba.notifications.payloads import Message

    smtp, chat = sinks
    channel = Channel(unit=org["shimin"], name="窓口", kind="mattermost")
    channel.set_url(f"http://127.0.0.1:{chat.port}/hooks/x")
    channel.save()
    services.post_to_channel(channel, Message(title="本日のまとめ", text="3 件"))
    worker = task_worker(**worker_env(smtp, chat, {"notifications.before_record": 30.0}))
    _kill_in_the_unknown_window(worker)
    delivery = Delivery.objects.get()
    assert sum(chat.received.values()) == 1
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == str(services.UNCERTAIN_CHAT)


def test_an_email_of_unknown_outcome_is_sent_again_with_the_same_message_id(
    task_worker, sinks, make_user
) -> None:
    """The same crash for an e-mail: at least once — sent again, with the same Message-ID,
    so the copy is recognisable; recorded as sent."""
    from yakuba.notifications import services
    from yakuba.notifications.models import Delivery, DeliveryStatus

    smtp, chat = sinks
    user = make_user("staff")
    user.email = "taro@example.jp"
    user.save()
    services.notify([user], subject="会議の共有", body="本文", channels=(services.EMAIL,))
    worker = task_worker(**worker_env(smtp, chat, {"notifications.before_record": 30.0}))
    worker.start()
    assert worker.paused.wait(90)
    worker.kill()
    # The requeued run would pause again at the same point: this time let it record.
    worker.env = {**worker.env, "YAKUBA_FAULT_PAUSES": ""}
    worker.start()
    deadline = time.monotonic() + 90
    while faultbench.queue_busy() and time.monotonic() < deadline:
        time.sleep(0.3)
    worker.stop()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert dict(smtp.received) == {services.message_id(delivery): 2}

"""Sending against a real local SMTP server (the root conftest's aiosmtpd): each
recipient's mail recorded once, refusals retried and shown, unknown outcomes never sent
again by themselves, the release job idempotent."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from yakuba.core import scheduling
from yakuba.drills import jobs, sending, services
from yakuba.drills.models import DrillRecipient, SendStatus
from yakuba.drills.tests.factories import make_drill
from yakuba.rosters.audience import Audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill(org, infosec):
    # 市民課 and its section: 山田 (s1001) and 佐藤 (s1002) have addresses.
    return make_drill(actor=infosec, audience=Audience(unit_ids=(org["shimin"].pk,)))


def _ids(drill) -> list[int]:
    return list(drill.recipients.order_by("pk").values_list("pk", flat=True))


def test_launch_fixes_the_people_with_an_address_once(drill, org, infosec) -> None:
    rows = drill.recipients.all()
    assert {r.staff_id for r in rows} == {org["staff"]["1001"].pk, org["staff"]["1002"].pk}
    assert drill.skipped_without_address == 0
    assert all(r.status == SendStatus.SCHEDULED for r in rows)
    with pytest.raises(Exception, match="既に送信"):
        services.launch(actor=infosec, drill=drill)
    assert drill.recipients.count() == 2


def test_each_mail_goes_out_once_with_the_persons_links(drill, smtp_server) -> None:
    outcome = sending.send_batch(_ids(drill))
    assert outcome["sent"] == 2
    assert len(smtp_server.messages) == 2
    mail = smtp_server.to("s1001@example.jp")[0]
    assert mail["From"] == "情報システム管理室 <it-support@city-mail-admin.example>"
    body = smtp_server.body(mail)
    assert "山田 太郎 様" in body
    click = re.search(r"/t/c/([A-Za-z0-9_-]+)", body)
    report = re.search(r"/t/r/([A-Za-z0-9_-]+)", body)
    assert click and report and click.group(1) == report.group(1)
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert f"/t/o/{click.group(1)}.gif" in html
    row = DrillRecipient.objects.get(staff__staff_number="1001", drill=drill)
    assert row.status == SendStatus.SENT and row.delivered_at is not None
    # The same batch handed over again (a task delivered twice) sends nothing.
    assert sending.send_batch(_ids(drill))["skipped"] == 2
    assert len(smtp_server.messages) == 2


def test_a_transient_refusal_is_retried_with_the_same_message_id(drill, smtp_server) -> None:
    smtp_server.refuse_next("451 4.3.0 mailbox busy")
    first = sending.send_batch(_ids(drill))
    assert first == {"sent": 1, "refused": 1, "unknown": 0, "skipped": 0}
    refused = DrillRecipient.objects.get(drill=drill, status=SendStatus.RETRYING)
    assert "451" in refused.last_error and refused.attempts == 1
    assert refused.next_attempt_at is not None and refused.next_attempt_at > timezone.now()
    # Not released before its backoff; released after it, then sent.
    assert sending.release_due(timezone.now()) == 0
    later = refused.next_attempt_at + dt.timedelta(seconds=1)
    assert sending.release_due(later) == 1
    sending.send_batch([refused.pk])
    refused.refresh_from_db()
    assert refused.status == SendStatus.SENT and refused.attempts == 2 and not refused.last_error
    ids = [m["Message-ID"] for m in smtp_server.to(refused.email)]
    assert len(ids) == 1 and ids[0] == sending.tokens.message_id(refused.pk)


def test_a_permanent_refusal_is_failed_shown_and_can_be_resent(
    drill, smtp_server, client_for, infosec
) -> None:
    smtp_server.refuse_next("550 5.1.1 no such user", "550 5.1.1 no such user")
    sending.send_batch(_ids(drill))
    failed = DrillRecipient.objects.filter(drill=drill, status=SendStatus.FAILED)
    assert failed.count() == 2
    from django.test import Client

    from conftest import verified_client

    page = verified_client(Client(), infosec).get(f"/security/drills/{drill.pk}/")
    text = page.content.decode()
    assert "送信失敗" in text and "550" in text and "再送する" in text
    assert services.resend(actor=infosec, drill=drill) == 2
    sending.send_batch(_ids(drill))
    assert DrillRecipient.objects.filter(drill=drill, status=SendStatus.SENT).count() == 2


def test_gives_up_after_max_attempts_and_says_why(drill, smtp_server) -> None:
    row = drill.recipients.order_by("pk").first()
    for _attempt in range(sending.MAX_ATTEMPTS):
        smtp_server.refuse_next("451 4.3.0 try later")
        DrillRecipient.objects.filter(pk=row.pk, status=SendStatus.RETRYING).update(
            next_attempt_at=timezone.now()
        )
        sending.send_batch([row.pk])
    row.refresh_from_db()
    assert row.status == SendStatus.FAILED and row.attempts == sending.MAX_ATTEMPTS
    assert "451" in row.last_error
    assert smtp_server.to(row.email) == []


def test_an_unreachable_server_is_retried_not_lost(drill, settings) -> None:
    from yakuba.core.benchserver import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    outcome = sending.send_batch(_ids(drill))
    assert outcome["refused"] == 2
    rows = list(drill.recipients.all())
    assert all(r.status == SendStatus.RETRYING and "connect" in r.last_error for r in rows)


def test_a_run_that_died_mid_send_leaves_an_unknown_never_resent(drill, smtp_server) -> None:
    row = drill.recipients.order_by("pk").first()
    # The state a worker killed between handing over the mail and recording it leaves.
    long_ago = timezone.now() - sending.SEND_LEASE - dt.timedelta(seconds=5)
    DrillRecipient.objects.filter(pk=row.pk).update(
        status=SendStatus.SENDING, attempts=1, sending_since=long_ago
    )
    # The same task run again (worker found dead) does not send it.
    assert sending.send_batch([row.pk])["skipped"] == 1
    sending.release_due(timezone.now())
    row.refresh_from_db()
    assert row.status == SendStatus.UNKNOWN and "自動では再送しません" in row.last_error
    # Released and sent batches never pick it up again.
    sending.send_batch(_ids(drill))
    assert smtp_server.to(row.email) == []
    row.refresh_from_db()
    assert row.status == SendStatus.UNKNOWN


def test_the_release_job_claims_and_hands_over_once(
    drill, smtp_server, django_capture_on_commit_callbacks
) -> None:
    now = timezone.now() + dt.timedelta(seconds=1)
    assert list(jobs.due_releases(now, frozenset()))
    with django_capture_on_commit_callbacks(execute=True):
        result = scheduling.tick(now=now, jobs=[jobs.RELEASE])
    assert len(result.claimed) == 1
    # The tests' task backend runs tasks inline: the release ran, then the sends.
    assert len(smtp_server.messages) == 2
    with django_capture_on_commit_callbacks(execute=True):
        again = scheduling.tick(now=now, jobs=[jobs.RELEASE])
    assert again.claimed == [] and len(smtp_server.messages) == 2
    assert list(jobs.due_releases(now + dt.timedelta(minutes=1), frozenset())) == []


def test_finishing_cancels_what_is_not_sent_and_sends_follow_up_once(drill, infosec) -> None:
    from yakuba.security.signals import follow_up_needed

    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    follow_up_needed.connect(receiver)
    try:
        first = drill.recipients.order_by("pk").first()
        DrillRecipient.objects.filter(pk=first.pk).update(
            status=SendStatus.SENT, delivered_at=timezone.now(), clicked_at=timezone.now()
        )
        assert services.finish(actor=infosec, drill=drill) is True
        assert services.finish(actor=infosec, drill=drill) is False
        jobs.run_finish(drill.pk)
    finally:
        follow_up_needed.disconnect(receiver)
    assert len(calls) == 1
    assert calls[0]["staff_ids"] == [first.staff_id]
    assert calls[0]["topic"] == "phishing" and calls[0]["source"] == f"drills.drill:{drill.pk}"
    statuses = set(drill.recipients.exclude(pk=first.pk).values_list("status", flat=True))
    assert statuses == {SendStatus.CANCELLED}


def test_the_finish_job_ends_drills_at_their_end(drill) -> None:
    later = drill.ends_at + dt.timedelta(minutes=1)
    assert [d.key for d in jobs.due_finishes(later, frozenset())] == [f"finish:{drill.pk}"]
    assert list(jobs.due_finishes(drill.ends_at - dt.timedelta(minutes=1), frozenset())) == []
    jobs.run_finish(drill.pk)
    drill.refresh_from_db()
    assert drill.finished_at is not None and drill.follow_up_sent_at is not None

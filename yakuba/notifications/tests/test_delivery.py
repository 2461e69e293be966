"""Delivery: encrypted webhook URLs, retry with backoff against a real local HTTP server."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import logging
import threading
from collections.abc import Iterator

import pytest
import time_machine
from django.core import mail
from django.db import connection

from yakuba.core import scheduling
from yakuba.notifications import crypto, jobs, selectors, services
from yakuba.notifications.models import Channel, Delivery, DeliveryStatus, Notice
from yakuba.notifications.payloads import Message, Section


class Receiver(http.server.BaseHTTPRequestHandler):
    statuses: list[int] = []
    received: list[dict] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.received.append(json.loads(body))
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[Receiver]]]:
    handler = type("R", (Receiver,), {"statuses": [], "received": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/secret-token-xyz", handler
    server.shutdown()
    server.server_close()


def _channel(org, url: str, kind: str = "mattermost") -> Channel:
    channel = Channel(unit=org["shimin"], name="市民課", kind=kind)
    channel.set_url(url)
    channel.save()
    return channel


@pytest.mark.django_db
def test_webhook_url_is_stored_encrypted_and_shown_masked(org) -> None:
    url = "https://chat.example.lg.jp/hooks/abcdefghijklmnop1234"
    channel = _channel(org, url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT url_encrypted, url_hint FROM notifications_channel")
        stored, hint = cursor.fetchone()
    assert "abcdefghijklmnop" not in stored and "chat.example" not in stored
    assert hint == "https://chat.example.lg.jp/…1234"
    assert Channel.objects.get(pk=channel.pk).get_url() == url
    assert crypto.decrypt("not-a-token") is None


@pytest.mark.django_db(transaction=True)
def test_retry_after_receiver_failure_then_success(org, receiver, caplog) -> None:
    url, handler = receiver
    handler.statuses = [500]  # first attempt fails, the retry succeeds
    channel = _channel(org, url)
    message = Message(title="まとめ", sections=(Section("困りごと", ("コピー機",)),))
    start = dt.datetime(2026, 4, 1, 8, 45, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False), caplog.at_level(logging.DEBUG):
        [delivery] = services.post_to_channel(channel, message, purpose="test")
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.RETRYING
        assert delivery.attempts == 1
        assert delivery.last_error == "HTTP 500"
        assert delivery.next_attempt_at == start + services.backoff(1)
        assert retry_tick() == []  # not before the backoff
    assert "secret-token-xyz" not in caplog.text
    assert "secret-token-xyz" not in delivery.last_error
    with time_machine.travel(start + dt.timedelta(seconds=31), tick=False):
        assert retry_tick() == [f"{delivery.pk}:1"]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert handler.received == [delivery.payload]
    assert handler.received[0]["text"].startswith("### まとめ")


@pytest.mark.django_db(transaction=True)
def test_gives_up_after_max_attempts_and_never_resends(org, receiver, make_user) -> None:
    head = make_user("unit_head")
    url, handler = receiver
    handler.statuses = [503] * 10
    channel = _channel(org, url, kind="slack")
    now = dt.datetime(2026, 4, 1, 0, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False) as traveller:
        [delivery] = services.post_to_channel(channel, Message(title="x"))
        for _ in range(Delivery.MAX_ATTEMPTS):
            traveller.shift(dt.timedelta(hours=2))
            retry_tick()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == Delivery.MAX_ATTEMPTS
    assert services.attempt_delivery(delivery.pk).attempts == Delivery.MAX_ATTEMPTS
    # The unit head is told in-app, without the URL.
    notice = Notice.objects.get(recipient=head)
    assert "送信に失敗しました" in notice.subject and "secret" not in notice.body


def retry_tick() -> list[str]:
    """One scheduler tick of the retry job: the (delivery:attempt) keys it claimed (the
    test task backend runs each at once)."""
    return scheduling.tick(jobs=[jobs.RETRIES]).keys("notifications.retries")


def test_backoff_grows() -> None:
    waits = [services.backoff(n) for n in range(1, 8)]
    assert waits == sorted(waits)
    assert waits[0] == dt.timedelta(seconds=30)


@pytest.mark.django_db(transaction=True)
def test_notify_in_app_and_email(org, make_user) -> None:
    user = make_user("staff")
    user.email = "staff@example.jp"
    user.save()
    services.notify([user], subject="受付開始", body="8:30–8:45", url="/reports/today/",
                    channels=("in_app", "email"))  # fmt: skip
    assert Notice.objects.get(recipient=user).subject == "受付開始"
    assert selectors.unread_count(user) == 1
    assert [m.to for m in mail.outbox] == [["staff@example.jp"]]
    assert "/reports/today/" in mail.outbox[0].body
    assert Delivery.objects.get(kind="email").status == DeliveryStatus.SENT

"""Delivery: encrypted webhook URLs, retry with backoff against a real local HTTP server, and
the outbound policy applied again at the moment of sending."""

from __future__ import annotations

import datetime as dt
import http.server
import logging
import ssl
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from yakuba.core import scheduling
from yakuba.notifications import crypto, jobs, selectors, services
from yakuba.notifications.models import Channel, Delivery, DeliveryStatus, Notice
from yakuba.notifications.payloads import Message, Section
from yakuba.notifications.tests.conftest import self_signed_certificate, start_receiver


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
    url, handler = receiver.url, receiver
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
    url, handler = receiver.url, receiver
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


# --- the outbound policy at the moment of sending ------------------------------------------


def _sent_once(channel: Channel) -> Delivery:
    [delivery] = services.post_to_channel(channel, Message(title="まとめ"), purpose="test")
    delivery.refresh_from_db()
    return delivery


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed(org, receiver, status) -> None:
    """The chat server (or anyone in between) answering "go elsewhere" does not make Yakuba
    call elsewhere — not even another allowed address on this machine."""
    elsewhere, server = start_receiver()
    try:
        receiver.statuses = [status]
        receiver.headers = {"Location": f"http://127.0.0.1:{elsewhere.port}/steal"}
        delivery = _sent_once(_channel(org, receiver.url))
    finally:
        server.shutdown()
        server.server_close()
    assert elsewhere.requests == []
    assert [method for method, _path, _host in receiver.requests] == ["POST"]
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error == f"HTTP {status} (redirects are not followed)"


@pytest.mark.django_db(transaction=True)
def test_delivery_applies_the_settings_in_force_not_those_at_saving(
    org, receiver, settings
) -> None:
    channel = _channel(org, receiver.url)
    settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS = []  # the administrator withdrew the allowance
    delivery = _sent_once(channel)
    assert receiver.requests == []
    assert delivery.status == DeliveryStatus.RETRYING
    assert "ループバックアドレス" in delivery.last_error
    assert "secret-token" not in delivery.last_error and "/hooks" not in delivery.last_error
    settings.OUTBOUND_WEBHOOK_HOSTS = []
    with time_machine.travel(delivery.next_attempt_at, tick=False):
        services.attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert "OUTBOUND_WEBHOOK_HOSTS" in delivery.last_error and receiver.requests == []


@pytest.mark.django_db(transaction=True)
def test_a_name_that_now_resolves_inside_is_refused_at_delivery(org, settings, dns) -> None:
    """Saved while chat.example.jp was public; by the time of sending its DNS answer is an
    office address (DNS rebinding): nothing is sent."""
    settings.OUTBOUND_WEBHOOK_HOSTS = ["chat.example.jp"]
    dns["chat.example.jp"] = ["93.184.215.14"]
    channel = services.create_channel(
        actor=None, unit=org["shimin"], name="chat", kind="slack",
        url="https://chat.example.jp/hooks/T0/B0/secret",
    )  # fmt: skip
    for inside, words in (
        (["93.184.215.14", "10.0.0.5"], "プライベートアドレス"),  # every answer counts
        (["169.254.169.254"], "リンクローカルアドレス"),
        (["::ffff:127.0.0.1"], "ループバックアドレス"),
    ):
        dns["chat.example.jp"] = inside
        delivery = _sent_once(channel)
        assert delivery.status == DeliveryStatus.RETRYING, inside
        assert words in delivery.last_error and "chat.example.jp" in delivery.last_error
        assert delivery.attempts == 1  # refused, not a network error


@pytest.mark.django_db(transaction=True)
def test_a_metadata_url_stored_past_the_form_is_never_contacted(org, settings) -> None:
    """Even listed by mistake, a link-local target stays refused unless its network is."""
    settings.OUTBOUND_WEBHOOK_HOSTS = ["169.254.169.254"]
    settings.OUTBOUND_WEBHOOK_ALLOW_HTTP = True
    delivery = _sent_once(_channel(org, "http://169.254.169.254/latest/meta-data/"))
    assert delivery.status == DeliveryStatus.RETRYING
    assert "リンクローカルアドレス" in delivery.last_error


@pytest.mark.django_db(transaction=True)
def test_a_host_name_is_sent_to_the_address_that_was_checked(org, receiver, settings) -> None:
    settings.OUTBOUND_WEBHOOK_HOSTS = [f"localhost:{receiver.port}"]
    settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS = ["127.0.0.0/8", "::1/128"]
    delivery = _sent_once(_channel(org, f"http://localhost:{receiver.port}/hooks/abc?x=1"))
    assert delivery.status == DeliveryStatus.SENT
    assert receiver.requests == [("POST", "/hooks/abc?x=1", f"localhost:{receiver.port}")]


@pytest.mark.django_db(transaction=True)
def test_https_certificates_are_verified(org, settings, tmp_path) -> None:
    """A server whose certificate no trusted authority signed gets nothing."""
    cert, key = self_signed_certificate(tmp_path, "localhost")
    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.OUTBOUND_WEBHOOK_HOSTS = [f"localhost:{server.server_port}"]
        settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS = ["127.0.0.0/8", "::1/128"]
        url = f"https://localhost:{server.server_port}/hooks/abc"
        delivery = _sent_once(_channel(org, url))
    finally:
        server.shutdown()
        server.server_close()
    assert received == []
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error.startswith("connection failed")

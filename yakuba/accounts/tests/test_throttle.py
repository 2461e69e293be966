"""Sign-in throttling: an account is locked for the address that failed, an address that
fails over many user names is locked for everyone, and both leave audit entries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from yakuba.accounts.models import User
from yakuba.audit.models import AuditEntry

PASSWORD = "correct-horse-battery-staple"
OFFICE = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


@pytest.fixture
def yamada(db):
    return User.objects.create_user("yamada", password=PASSWORD, role="staff")


def sign_in(client, username: str, password: str, ip: str, **headers: str):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **headers,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_an_account_locked_from_one_address_still_signs_in_from_another(
    client, client_factory, yamada
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "yamada", "wrong", ELSEWHERE)
    refused = sign_in(client, "yamada", PASSWORD, ELSEWHERE)
    assert refused.status_code == 429
    assert "アカウントが一時的にロックされました" in refused.content.decode()
    assert not signed_in(client)

    # The owner, at their own desk, is not locked out by someone else's guesses.
    owner = client_factory()
    response = sign_in(owner, "yamada", PASSWORD, OFFICE)
    assert response.status_code == 302
    assert signed_in(owner)

    # One entry when the lock fell, one for the refused attempt while it held.
    locks = AuditEntry.objects.filter(action="locked_out")
    assert [(e.actor_label, e.ip_address, e.changes) for e in locks] == 2 * [
        ("yamada", ELSEWHERE, {"lock": "account"})
    ]
    failed = AuditEntry.objects.filter(action="login_failed", actor_label="yamada")
    assert set(failed.values_list("ip_address", flat=True)) == {ELSEWHERE}
    assert failed.count() == settings.AXES_FAILURE_LIMIT + 1  # the refused right password too


def test_failures_over_many_names_lock_the_address(client, client_factory, yamada) -> None:
    limit = settings.SIGNIN_IP_FAILURE_LIMIT
    assert limit == 20
    # One password tried against the staff list: never the same name twice.
    for n in range(limit - 1):
        response = sign_in(client, f"guess-{n:02d}", "Summer2026!", ELSEWHERE)
        assert response.status_code == 200, n
    last = sign_in(client, "guess-last", "Summer2026!", ELSEWHERE)
    assert last.status_code == 429
    assert "この接続元からのサインインが一時的にロックされました" in last.content.decode()

    # Now even a real account with its right password is refused from that address…
    refused = sign_in(client, "yamada", PASSWORD, ELSEWHERE)
    assert refused.status_code == 429
    assert not signed_in(client)
    # …and only from that address.
    other = client_factory()
    assert sign_in(other, "yamada", PASSWORD, OFFICE).status_code == 302
    assert signed_in(other)

    locks = AuditEntry.objects.filter(action="locked_out").order_by("seq")
    assert [(e.actor_label, e.ip_address, e.changes) for e in locks] == [
        ("guess-last", ELSEWHERE, {"lock": "address"}),
        ("yamada", ELSEWHERE, {"lock": "address"}),
    ]
    assert AuditEntry.objects.filter(action="login_failed", ip_address=ELSEWHERE).count() == 21


def test_the_address_lock_lifts_after_the_cool_off(client, yamada) -> None:
    start = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(settings.SIGNIN_IP_FAILURE_LIMIT):
            sign_in(client, f"guess-{n:02d}", "x", ELSEWHERE)
        assert sign_in(client, "yamada", PASSWORD, ELSEWHERE).status_code == 429
        traveller.shift(dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
        assert sign_in(client, "yamada", PASSWORD, ELSEWHERE).status_code == 302


@override_settings(SIGNIN_IP_FAILURE_LIMIT=0)
def test_the_address_limit_can_be_turned_off(client, yamada) -> None:
    for n in range(25):
        sign_in(client, f"guess-{n:02d}", "x", ELSEWHERE)
    assert sign_in(client, "yamada", PASSWORD, ELSEWHERE).status_code == 302


def test_a_forwarded_header_is_ignored_without_a_trusted_proxy(client, yamada) -> None:
    """Otherwise every guess could claim a fresh address and never be counted together."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "yamada", "wrong", ELSEWHERE, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert sign_in(client, "yamada", PASSWORD, ELSEWHERE).status_code == 429
    assert set(
        AuditEntry.objects.filter(action="login_failed").values_list("ip_address", flat=True)
    ) == {ELSEWHERE}


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.9.0.0/24"])
def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(
    client, client_factory, yamada
) -> None:
    proxy = "127.0.0.1"
    # The left-most entry is whatever the sender wrote; the proxies append the real peer.
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            client,
            "yamada",
            "wrong",
            proxy,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, {ELSEWHERE}, 10.9.0.4",
        )
    assert (
        sign_in(client, "yamada", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE).status_code
        == 429
    )
    entry = AuditEntry.objects.filter(action="locked_out").latest("seq")
    assert entry.ip_address == ELSEWHERE
    # The owner comes through the same proxy from another address.
    owner = client_factory()
    assert sign_in(owner, "yamada", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OFFICE).status_code == 302
    assert AuditEntry.objects.filter(action="login").latest("seq").ip_address == OFFICE
    # A connection that does not come from the proxy cannot name its address.
    direct = client_factory()
    sign_in(direct, "nobody", "x", OFFICE, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert AuditEntry.objects.filter(action="login_failed").latest("seq").ip_address == OFFICE

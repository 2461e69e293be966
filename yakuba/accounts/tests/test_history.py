"""Sign-in history: written by sign-in POSTs, shown to the person on their security page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yakuba.accounts import history
from yakuba.accounts.models import SignInEvent, User
from yakuba.org.models import Staff

PASSWORD = "Midorino-Shiyakusho-2025!"
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def person(org) -> User:
    user = User.objects.create_user("hanako", password=PASSWORD, role="staff")
    Staff.objects.filter(pk=org["staff"]["1002"].pk).update(user=user)
    return user


def sign_in(client: Client, username: str, password: str, *, ua: str = EDGE, ip: str = "10.1.2.3"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        HTTP_USER_AGENT=ua,
        REMOTE_ADDR=ip,
    )


def test_device_labels_are_readable() -> None:
    assert history.device_label(EDGE) == "Edge 131 · Windows 10"
    assert history.device_label(IPHONE) == "Mobile Safari 17.5 · iOS 17.5 · iPhone"
    assert history.device_label("") == ""
    assert history.device_label("curl/8.5.0").startswith("curl")
    # A hostile megabyte of User-Agent is cut before parsing.
    assert len(history.device_label("Mozilla/5.0 " + "x" * 1_000_000)) <= 200


@pytest.mark.django_db
def test_success_and_failures_are_recorded_without_the_password(client, person) -> None:
    sign_in(client, "hanako", "wrong-password-1", ip="203.0.113.9", ua=IPHONE)
    assert sign_in(client, "hanako", PASSWORD).status_code == 302
    events = list(SignInEvent.objects.filter(user=person).order_by("at", "pk"))
    assert [(e.outcome, e.method, e.ip_address, e.device) for e in events] == [
        ("failure", "local", "203.0.113.9", "Mobile Safari 17.5 · iOS 17.5 · iPhone"),
        ("success", "local", "10.1.2.3", "Edge 131 · Windows 10"),
    ]
    stored = repr(list(SignInEvent.objects.values()))
    assert "wrong-password-1" not in stored and PASSWORD not in stored


@pytest.mark.django_db
def test_unknown_user_names_are_not_recorded(client, person) -> None:
    sign_in(client, "nobody-here", "whatever-password")
    assert not SignInEvent.objects.exists()


@pytest.mark.django_db
def test_a_locked_account_records_locked_attempts(client, person, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "hanako", "wrong-password")
    assert sign_in(client, "hanako", PASSWORD).status_code == 429
    outcomes = list(
        SignInEvent.objects.filter(user=person)
        .order_by("at", "pk")
        .values_list("outcome", flat=True)
    )
    # The failure that reaches the limit and the refused right password show as locked.
    assert outcomes == ["failure"] * (settings.AXES_FAILURE_LIMIT - 1) + ["locked", "locked"]


@pytest.mark.django_db
def test_second_factor_marks_the_sign_in(client, org) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from yakuba.core.tests.browser_support import totp_code

    admin = User.objects.create_user("admin-2fa", password=PASSWORD, role="sysadmin")
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    sign_in(client, "admin-2fa", PASSWORD)
    event = SignInEvent.objects.get(user=admin)
    assert not event.second_factor
    client.post(reverse("accounts:otp_verify"), {"token": totp_code(device.bin_key)})
    event.refresh_from_db()
    assert event.second_factor


@pytest.mark.django_db
def test_security_page_shows_history_and_failures_since_previous_sign_in(client, person) -> None:
    with time_machine.travel(dt.datetime(2026, 5, 1, 0, 30, tzinfo=dt.UTC), tick=False):
        sign_in(client, "hanako", PASSWORD)
        client.logout()
    with time_machine.travel(dt.datetime(2026, 5, 2, 1, 0, tzinfo=dt.UTC), tick=False):
        other = Client()
        sign_in(other, "hanako", "guessing-1", ip="198.51.100.7")
        sign_in(other, "hanako", "guessing-2", ip="198.51.100.7")
    with time_machine.travel(dt.datetime(2026, 5, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        home = client.get(sign_in(client, "hanako", PASSWORD)["Location"])
        # Told on the first page after signing in…
        assert "サインインの失敗が 2 回ありました" in home.content.decode()
        body = client.get(reverse("accounts:security")).content.decode()
    # 2 failures since the previous sign-in at 2026-05-01 09:30 (Japan time).
    assert "前回のサインイン（2026-05-01 09:30）以降" in body
    assert "失敗が 2 回ありました" in body
    assert "情報政策課（システム管理者）に連絡してください" in body
    assert "2026-05-02 10:00:00" in body  # the latest sign-in, in Japan time
    assert "198.51.100.7" in body and "Edge 131 · Windows 10" in body
    assert body.count("失敗（パスワード誤り）") == 2


@pytest.mark.django_db
def test_the_security_page_shows_only_ones_own_history(client_for, person) -> None:
    history.record_event(None, person, "failure")
    staff_client = client_for("staff")
    body = staff_client.get(reverse("accounts:security")).content.decode()
    assert "失敗（パスワード誤り）" not in body


@pytest.mark.django_db
def test_reading_the_history_writes_nothing(client, person) -> None:
    sign_in(client, "hanako", PASSWORD)
    before = SignInEvent.objects.count()
    for _ in range(3):
        assert client.get(reverse("accounts:security")).status_code == 200
        assert client.get(reverse("accounts:security") + "?page=99").status_code == 200
    assert SignInEvent.objects.count() == before


@pytest.mark.django_db
def test_purge_keeps_the_configured_days(person, settings) -> None:
    settings.SIGNIN_HISTORY_DAYS = 30
    now = timezone.now()
    old = history.record_event(None, person, "success")
    SignInEvent.objects.filter(pk=old.pk).update(at=now - dt.timedelta(days=31))
    recent = history.record_event(None, person, "success")
    assert history.purge_expired(now) == 1
    assert list(SignInEvent.objects.values_list("pk", flat=True)) == [recent.pk]

"""Self-service password change: local accounts only, validators, sessions, the limit."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from yakuba.accounts.models import AuthSource, SignInEvent, User
from yakuba.audit.models import AuditEntry

PASSWORD = "Midorino-Shiyakusho-2025!"
NEW = "Aozora-Sakura-Kaido-77"
URL = "/accounts/me/password/"


@pytest.fixture
def person(org) -> User:
    return User.objects.create_user("hanako", password=PASSWORD, role="staff")


def signed_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302
    return client


def change(client: Client, old: str, new: str, again: str | None = None):
    return client.post(
        URL, {"old_password": old, "new_password1": new, "new_password2": again or new}
    )


def test_the_url_is_the_named_one() -> None:
    assert reverse("accounts:password_change") == URL


@pytest.mark.django_db
def test_change_keeps_this_session_and_ends_the_others(person) -> None:
    desk, laptop = signed_in("hanako"), signed_in("hanako")
    response = change(desk, PASSWORD, NEW)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:security")
    person.refresh_from_db()
    assert person.check_password(NEW)
    # This browser is still signed in…
    assert desk.get(reverse("accounts:security")).status_code == 200
    # …the other one is signed out at its next request (session auth hash).
    response = laptop.get(reverse("accounts:security"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    entry = AuditEntry.objects.filter(action="update", object_id=str(person.pk)).latest("seq")
    assert entry.actor == person and entry.changes == {"password": "(changed)"}
    assert NEW not in repr(list(AuditEntry.objects.values()))
    # The new password signs in, the old one no longer.
    signed_in("hanako", NEW)
    bad = Client().post(reverse("accounts:login"), {"username": "hanako", "password": PASSWORD})
    assert bad.status_code == 200


@pytest.mark.django_db
def test_the_password_validators_apply(person) -> None:
    User.objects.filter(pk=person.pk).update(email="hanako.midorino@example.jp")
    client = signed_in("hanako")
    for weak, message in [
        ("short-1", "短すぎ"),  # Django's own Japanese catalogue
        ("12345678901234", "数字だけ"),
        ("hanako.midorino", "似すぎ"),
    ]:
        response = change(client, PASSWORD, weak)
        assert response.status_code == 200, weak
        assert message in response.content.decode(), weak
    assert change(client, PASSWORD, NEW, NEW + "x").status_code == 200
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    # A new password that fails validation is not a wrong current password.
    assert not SignInEvent.objects.filter(kind="password_check").exists()


@pytest.mark.django_db
def test_wrong_current_passwords_are_limited(person, settings) -> None:
    settings.PASSWORD_CHANGE_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 0.25  # a quarter of an hour (less than the session's idle end)
    client = signed_in("hanako")
    start = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for attempt in range(1, 3):
            response = change(client, f"guess-{attempt}", NEW)
            assert response.status_code == 200
            assert "現在のパスワードが正しくありません" in response.content.decode()
        response = change(client, "guess-3", NEW)
        assert response.status_code == 429
        assert "10:15 までパスワードを変更できません" in response.content.decode()
        # Closed: even the right password is not checked now.
        assert change(client, PASSWORD, NEW).status_code == 429
        assert client.get(URL).status_code == 429
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    failures = SignInEvent.objects.filter(user=person, kind="password_check", outcome="failure")
    assert failures.count() == 3
    assert (
        AuditEntry.objects.filter(
            action="login_failed", changes__reason="password_change_wrong_current"
        ).count()
        == 3
    )
    assert (
        AuditEntry.objects.filter(action="locked_out", changes__lock="password_change").count() == 1
    )
    # The window passes: the form opens again.
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert change(client, PASSWORD, NEW).status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW)


@pytest.mark.django_db
def test_directory_accounts_are_told_to_change_it_in_the_directory(client_for, org) -> None:
    client = client_for("staff")
    user = User.objects.get(username="u-staff")
    User.objects.filter(pk=user.pk).update(auth_source=AuthSource.DIRECTORY)
    body = client.get(URL).content.decode()
    assert "ディレクトリ（Active Directory）で管理されています" in body
    assert 'name="old_password"' not in body
    assert change(client, "x", NEW).status_code == 403
    assert AuditEntry.objects.filter(action="denied").exists()
    security = client.get(reverse("accounts:security")).content.decode()
    assert "ディレクトリ（Active Directory）で管理されています" in security
    assert reverse("accounts:password_change") not in security


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client) -> None:
    response = client.post(URL, {"old_password": "x"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

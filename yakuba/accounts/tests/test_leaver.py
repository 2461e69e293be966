"""The leaver path: one service disables the account and ends its sessions and tokens."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from yakuba.accounts import services
from yakuba.accounts.models import ApiToken, User
from yakuba.accounts.tests.ldap_server import USER_PASSWORD
from yakuba.audit.models import AuditEntry
from yakuba.org.models import Staff

PASSWORD = "leaver-password-2027"


def test_a_disabled_persons_session_and_api_token_stop_at_the_next_request(make_user, org) -> None:
    admin = make_user("sysadmin", username="admin")
    person = make_user("unit_head", username="leaving")
    person.set_password(PASSWORD)
    person.save()
    browser = Client()
    assert (
        browser.post(
            reverse("accounts:login"), {"username": "leaving", "password": PASSWORD}
        ).status_code
        == 302
    )
    other_browser = Client()
    other_browser.post(reverse("accounts:login"), {"username": "leaving", "password": PASSWORD})
    _token, raw = services.create_api_token(actor=admin, name="sync", owner=person)
    api = {"Authorization": f"Bearer {raw}"}
    assert browser.get(reverse("org:staff_list")).status_code == 200
    assert Client().get("/api/v1/units", headers=api).status_code == 200

    services.disable_leaver(actor=admin, user=person, reason="退職")

    for session in (browser, other_browser):
        response = session.get(reverse("org:staff_list"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    assert Client().get("/api/v1/units", headers=api).status_code == 401
    # Signing in again is refused.
    again = Client().post(reverse("accounts:login"), {"username": "leaving", "password": PASSWORD})
    assert "_auth_user_id" not in again.client.session
    # The records are kept: the account, the staff record, the token (revoked).
    person.refresh_from_db()
    assert not person.is_active
    assert Staff.objects.get(user=person).staff_number
    assert ApiToken.objects.get(owner=person).revoked_at is not None
    entry = AuditEntry.objects.get(action="update", object_id=str(person.pk), actor=admin)
    assert entry.changes["is_active"] == [True, False]
    assert entry.changes["sessions_ended"] == 2
    assert entry.changes["api_tokens_revoked"] == 1


def test_other_peoples_sessions_are_untouched(make_user) -> None:
    stays = make_user("staff", username="stays")
    leaves = make_user("staff", username="leaves")
    stays_browser = Client()
    stays_browser.force_login(stays)
    services.disable_leaver(actor=None, user=leaves, reason="退職")
    assert stays_browser.get(reverse("accounts:profile")).status_code == 200


def test_disabling_twice_records_once(make_user) -> None:
    person = make_user("staff", username="twice")
    services.disable_leaver(actor=None, user=person, reason="退職")
    services.disable_leaver(actor=None, user=person, reason="退職")
    assert AuditEntry.objects.filter(object_id=str(person.pk), action="update").count() == 1


def test_a_directory_persons_session_ends_too(client, directory) -> None:
    client.post(reverse("accounts:login"), {"username": "yamada", "password": USER_PASSWORD})
    user = User.objects.get(username="yamada")
    assert client.get(reverse("accounts:profile")).status_code == 200
    services.disable_leaver(actor=None, user=user, reason="退職")
    assert client.get(reverse("accounts:profile")).status_code == 302
    # Still valid in the directory, but the Yakuba account is disabled.
    response = client.post(
        reverse("accounts:login"), {"username": "yamada", "password": USER_PASSWORD}
    )
    assert "このアカウントは無効です" in response.content.decode()

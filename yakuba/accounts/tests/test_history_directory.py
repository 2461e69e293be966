"""Directory sign-ins in the person's history, against the real slapd (conftest)."""

from __future__ import annotations

from django.urls import reverse

from yakuba.accounts.ldap_testserver import USER_PASSWORD, free_port
from yakuba.accounts.models import SignInEvent, User


def sign_in(client, username: str, password: str = USER_PASSWORD):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        REMOTE_ADDR="10.9.8.7",
    )


def test_directory_sign_ins_failures_and_outages_are_in_the_history(
    client, directory, settings
) -> None:
    assert sign_in(client, "yamada").status_code == 302
    yamada = User.objects.get(username="yamada")
    client.logout()
    sign_in(client, "yamada", "not-the-password")
    # The user principal name finds the same account.
    sign_in(client, "yamada@midorino.local", "still-not-it")
    settings.LDAP_SERVER_URI = f"ldap://127.0.0.1:{free_port()}"  # nobody listens there
    response = sign_in(client, "yamada")
    assert "ディレクトリ（Active Directory）に接続できない" in response.content.decode()
    events = list(SignInEvent.objects.filter(user=yamada).order_by("at", "pk"))
    assert [(e.outcome, e.method) for e in events] == [
        ("success", "directory"),
        ("failure", "directory"),
        ("failure", "directory"),
        ("unreachable", "directory"),
    ]
    assert {e.ip_address for e in events} == {"10.9.8.7"}
    assert events[0].device == "Firefox 128 · Linux"
    # A directory person without an account (no staff record) leaves no history.
    settings.LDAP_SERVER_URI = directory.uri
    sign_in(client, "newbie")
    assert SignInEvent.objects.count() == 4

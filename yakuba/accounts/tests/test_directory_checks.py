"""The LDAP_* settings are checked at start (system check and the WSGI entry point)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from yakuba.accounts.checks import directory_settings_problems, validate_directory_settings
from yakuba.accounts.tests import ldap_server

GOOD = {
    "LDAP_SERVER_URI": "ldaps://dc1.midorino.local",
    "LDAP_BIND_DN": "CN=svc-yakuba,OU=Service,DC=midorino,DC=local",
    "LDAP_BIND_PASSWORD": "secret",
    "LDAP_SEARCH_BASE": "OU=Staff,DC=midorino,DC=local",
    "LDAP_START_TLS": False,
    "LDAP_ALLOW_PLAINTEXT": False,
    "LDAP_ROLE_GROUPS": "",
    "LDAP_USER_FILTER": "",
    "LDAP_TIMEOUT_SECONDS": 5,
}


@pytest.fixture
def ca_file(tmp_path):
    ca, _cert, _key = ldap_server._write_certificates(tmp_path)
    return ca


def configure(settings, **values):
    for name, value in {**GOOD, **values}.items():
        setattr(settings, name, value)


def ids(settings) -> set[str | None]:
    return {e.id for e in directory_settings_problems()}


def test_no_directory_no_problem(settings) -> None:
    settings.LDAP_SERVER_URI = ""
    assert ids(settings) == set()


def test_ldaps_with_a_ca_file_passes(settings, ca_file) -> None:
    configure(settings, LDAP_CA_FILE=str(ca_file))
    assert ids(settings) == set()
    validate_directory_settings()


def test_start_tls_with_a_ca_file_passes(settings, ca_file) -> None:
    configure(
        settings,
        LDAP_SERVER_URI="ldap://dc1.midorino.local",
        LDAP_START_TLS=True,
        LDAP_CA_FILE=str(ca_file),
    )
    assert ids(settings) == set()


def test_plain_ldap_is_refused_unless_allowed(settings) -> None:
    configure(settings, LDAP_SERVER_URI="ldap://dc1.midorino.local", LDAP_CA_FILE="")
    assert ids(settings) == {"yakuba.E103"}
    settings.LDAP_ALLOW_PLAINTEXT = True
    assert ids(settings) == set()


def test_tls_without_a_ca_file_is_refused(settings) -> None:
    configure(settings, LDAP_CA_FILE="")
    assert ids(settings) == {"yakuba.E110"}


def test_a_missing_or_non_pem_ca_file_is_refused(settings, tmp_path) -> None:
    configure(settings, LDAP_CA_FILE=str(tmp_path / "missing.pem"))
    assert ids(settings) == {"yakuba.E111"}
    der = tmp_path / "ca.cer"
    der.write_bytes(b"\x30\x82\x01\x0a not a pem file")
    settings.LDAP_CA_FILE = str(der)
    assert ids(settings) == {"yakuba.E112"}


def test_an_expired_ca_file_is_refused(settings, tmp_path) -> None:
    expired, _cert, _key = ldap_server._write_certificates(tmp_path, expired=True)
    configure(settings, LDAP_CA_FILE=str(expired))
    assert ids(settings) == {"yakuba.E113"}


def test_start_tls_on_ldaps_and_bad_scheme_are_refused(settings, ca_file) -> None:
    configure(settings, LDAP_START_TLS=True, LDAP_CA_FILE=str(ca_file))
    assert ids(settings) == {"yakuba.E102"}
    configure(settings, LDAP_SERVER_URI="https://dc1", LDAP_CA_FILE=str(ca_file))
    assert "yakuba.E101" in ids(settings)


def test_search_base_filter_bind_and_roles_are_checked(settings, ca_file) -> None:
    configure(
        settings,
        LDAP_CA_FILE=str(ca_file),
        LDAP_SEARCH_BASE="",
        LDAP_USER_FILTER="(sAMAccountName=tanaka)",
        LDAP_BIND_PASSWORD="",
        LDAP_ROLE_GROUPS="superuser=CN=Admins,DC=midorino,DC=local",
        LDAP_TIMEOUT_SECONDS=0,
    )
    assert ids(settings) == {
        "yakuba.E104",
        "yakuba.E105",
        "yakuba.E106",
        "yakuba.E107",
        "yakuba.E108",
    }


def test_bad_settings_stop_manage_py_and_the_wsgi_start(settings) -> None:
    configure(settings, LDAP_CA_FILE="")
    with pytest.raises(SystemCheckError, match="LDAP_CA_FILE"):
        call_command("check")
    with pytest.raises(ImproperlyConfigured, match="LDAP_CA_FILE"):
        validate_directory_settings()

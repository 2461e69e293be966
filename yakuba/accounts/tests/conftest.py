"""A real OpenLDAP directory for the accounts tests, started once per test process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from yakuba.accounts.tests.ldap_server import LdapServer, slapd_available


@pytest.fixture(scope="session")
def ldap_server() -> Iterator[LdapServer]:
    if not slapd_available():
        pytest.skip(
            "OpenLDAP slapd is not installed (/usr/sbin/slapd): "
            "`apt-get install slapd ldap-utils` (.ci/run installs it)"
        )
    server = LdapServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def directory(ldap_server: LdapServer, settings, org) -> LdapServer:
    """Yakuba pointed at the test directory (plain LDAP on loopback), with the `org`
    staff records (1001, 1002, 2001) the directory people link to."""
    for name, value in ldap_server.settings().items():
        setattr(settings, name, value)
    return ldap_server

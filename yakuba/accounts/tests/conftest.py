"""Accounts test fixtures: a real OpenLDAP directory (started once per test process), staff
who get activation sheets, and the links printed on a sheet PDF."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

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


def pdf_links(data: bytes) -> list[str]:
    """The link annotations of a PDF (an activation sheet's QR code and printed address)."""
    links = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                links.append(str(action["/URI"]))
    return links


@pytest.fixture
def no_email_staff(org: dict[str, Any]) -> list[Any]:
    """Two more people in 窓口係 without an e-mail address (they get sheets)."""
    from yakuba.org.models import Staff

    people = []
    for number, name in [("3001", "田中 次郎"), ("3002", "高橋 三郎")]:
        person = Staff(staff_number=number, name=name, name_kana="タナカ", unit=org["madoguchi"])
        person.save()
        people.append(person)
    return people

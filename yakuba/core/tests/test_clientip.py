"""The client address: REMOTE_ADDR unless the connection comes from a trusted proxy."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory, override_settings

from yakuba.core.clientip import client_ip


def ip(remote: str | None, forwarded: str | None = None, **meta: str) -> str | None:
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    if remote is not None:
        request.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    request.META.update(meta)
    return client_ip(request)


def test_without_trusted_proxies_only_the_connection_counts() -> None:
    assert ip("192.0.2.1", "203.0.113.5") == "192.0.2.1"
    assert ip("::ffff:192.0.2.1") == "192.0.2.1"
    assert ip("2001:db8::1") == "2001:db8::1"
    assert ip(None) is None
    assert ip("not-an-address") is None


@override_settings(TRUSTED_PROXIES=["10.0.0.1", "10.9.0.0/24"])
def test_a_trusted_proxy_is_read_from_the_right() -> None:
    assert ip("10.0.0.1", "203.0.113.5") == "203.0.113.5"
    # Forged entries on the left are never reached: the first untrusted hop is the client.
    assert ip("10.0.0.1", "1.2.3.4, 203.0.113.5, 10.9.0.7") == "203.0.113.5"
    # Garbage stops the walk at the last trusted hop rather than trusting what is left of it.
    assert ip("10.0.0.1", "203.0.113.5, bogus, 10.9.0.7") == "10.9.0.7"
    assert ip("10.0.0.1", "") == "10.0.0.1"
    # An untrusted peer's header is ignored.
    assert ip("192.0.2.1", "203.0.113.5") == "192.0.2.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.1"], CLIENT_IP_HEADER="X-Real-IP")
def test_the_header_is_configurable() -> None:
    assert ip("10.0.0.1", "203.0.113.5", HTTP_X_REAL_IP="198.51.100.2") == "198.51.100.2"


@pytest.mark.parametrize("bad", [["10.0.0.300"], ["proxy.example"]])
def test_an_invalid_trusted_proxy_is_refused_at_start_up(bad: list[str]) -> None:
    with override_settings(TRUSTED_PROXIES=bad):
        errors = [e for e in run_checks() if e.id == "yakuba.E003"]
    assert errors and "TRUSTED_PROXIES" in errors[0].msg

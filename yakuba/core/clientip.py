"""The address a request came from, for sign-in throttling and the audit trail.

By default that is ``REMOTE_ADDR``, the peer of the TCP connection, and any forwarded
header is ignored: anyone can send ``X-Forwarded-For: 10.0.0.1`` and would otherwise
choose the address their failures are counted against (and recorded under).

Behind a reverse proxy every connection comes from the proxy, so every sign-in would
share one address. ``TRUSTED_PROXIES`` (addresses or networks, e.g. ``127.0.0.1`` or
``10.1.2.0/28``) names the proxies; only when the connection comes from one of them is
the forwarded header (``CLIENT_IP_HEADER``, by default ``X-Forwarded-For``) read. Its list
is walked from the right, skipping the trusted proxies, and the first address that is
not one of them is the client: the left part of the list was written by whoever sent the
request and proves nothing. An entry that is not an IP address ends the walk at the last
trusted hop.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from yakuba.core.conf import setting

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse_address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:192.0.2.1) is the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. "
                "127.0.0.1 or 10.1.2.0/28)."
            ) from exc
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    entries = setting("TRUSTED_PROXIES", [])
    if isinstance(entries, str):
        entries = entries.split(",")
    return _networks(tuple(e for e in entries if str(e).strip()))


def trusted_proxy_problems() -> list[str]:
    try:
        trusted_proxies()
    except ImproperlyConfigured as exc:
        return [str(exc)]
    return []


def _header_key() -> str:
    name = str(setting("CLIENT_IP_HEADER", "X-Forwarded-For"))
    return "HTTP_" + name.strip().upper().replace("-", "_")


def _is_trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as text, or None when the connection has none (a test client
    without REMOTE_ADDR, a Unix socket)."""
    remote = _parse_address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = trusted_proxies()
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get(_header_key(), "")
    client = remote
    for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
        hop = _parse_address(entry)
        if hop is None:
            break
        client = hop
        if not _is_trusted(hop, networks):
            break
    return str(client)

"""Where Yakuba may send chat webhooks, checked when a channel is saved and at every delivery.

A webhook URL is typed in by a unit head, and the server then POSTs to it: without limits
that is a way to make the server call itself (``http://127.0.0.1…``), the cloud metadata
service (``http://169.254.169.254/…``) or any machine of the office network. The system
administrator therefore decides, in the environment (like ``ALLOWED_HOSTS``, outside the
reach of any account in the app):

* ``OUTBOUND_WEBHOOK_HOSTS``: the hosts a webhook may name (``hooks.slack.com``,
  ``*.logic.azure.com``, ``mattermost.city.lg.jp:8065``). Empty: no chat webhook at all.
* ``OUTBOUND_WEBHOOK_ALLOW_HTTP``: plain ``http://`` too (off: https only).
* ``OUTBOUND_WEBHOOK_PRIVATE_NETWORKS``: networks (CIDR) an allowed host may resolve to
  although they are not public, e.g. the office's own Mattermost at ``10.20.30.40/32``.
  Loopback, private, link-local, multicast and reserved addresses are refused otherwise.

`check_webhook_url` applies the whole policy; `post_json` applies it again at the moment of
sending and then connects to the very addresses it checked (no second DNS lookup that could
answer differently), never following a redirect. Refusals are `WebhookRefused`, a
ValidationError with one clear message per reason; nothing here ever puts the URL's path or
query (the secret part) into a message.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import socket
import urllib.parse
from dataclasses import dataclass
from typing import Any

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

HTTP_TIMEOUT_SECONDS = 5
DEFAULT_PORTS = {"https": 443, "http": 80}

# Address ranges that are internal although Python's `is_private` is not the whole story:
# RFC 1918, shared address space (carrier-grade NAT), unique-local and site-local IPv6.
_INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
) + tuple(ipaddress.ip_network(n) for n in ("fc00::/7", "fec0::/10"))
# NAT64 (RFC 6052): the last 32 bits are the IPv4 address the gateway will connect to.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# A last label that a browser or resolver would read as a number (WHATWG "ends in a
# number"): 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 are all 127.0.0.1 somewhere.
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")

MESSAGES = {
    "invalid": _("Webhook URL の形式が正しくありません。"),
    "scheme": _("Webhook URL は https:// で始まるものを入力してください。"),
    "http": _(
        "暗号化されない http:// の送信先は使えません。https:// で始まる URL を入力してください。"
    ),
    "credentials": _("URL にユーザー名やパスワードを含めないでください。"),
    "ip_form": _(
        "送信先 %(host)s は IP アドレスとして認められない書き方です"
        "（数字だけ・8進数・16進数・省略形のアドレスは使えません）。"
    ),
    "no_allow_list": _(
        "チャットの送信先がまだ許可されていません。システム管理者に、"
        "送信先のホストを OUTBOUND_WEBHOOK_HOSTS に設定するよう依頼してください。"
    ),
    "host": _(
        "送信先 %(host)s はシステム管理者が許可した送信先ではありません。"
        "追加はシステム管理者に依頼してください。"
    ),
    "unresolvable": _(
        "送信先 %(host)s のアドレスを調べられませんでした（名前解決の失敗）。"
        "URL を確かめてください。"
    ),
    "loopback": _(
        "送信先 %(host)s はこのサーバー自身（ループバックアドレス）を指しているため使えません。"
    ),
    "private": _(
        "送信先 %(host)s は内部ネットワークのアドレス（プライベートアドレス）を指しているため"
        "使えません。庁内のチャットサーバーであれば、システム管理者に"
        " OUTBOUND_WEBHOOK_PRIVATE_NETWORKS での許可を依頼してください。"
    ),
    "link_local": _(
        "送信先 %(host)s はリンクローカルアドレス（クラウドのメタデータサービスなど）を"
        "指しているため使えません。"
    ),
    "multicast": _("送信先 %(host)s はマルチキャストアドレスを指しているため使えません。"),
    "reserved": _("送信先 %(host)s は予約済み・特殊用途のアドレスを指しているため使えません。"),
}


class WebhookRefused(ValidationError):
    """The URL may not be used; `code` says why (a key of MESSAGES)."""

    def __init__(self, code: str, host: str = "") -> None:
        super().__init__(MESSAGES[code], code=code, params={"host": host})


class DeliveryError(Exception):
    """A send failed; the message is safe to store (it never contains the URL's secret part)."""


# --- the administrator's settings ---------------------------------------------------------


@dataclass(frozen=True)
class HostRule:
    """One entry of OUTBOUND_WEBHOOK_HOSTS: a host name, ``*.domain`` (any name below it)
    or an IP address, with a port or, without one, the scheme's default port only."""

    host: str
    wildcard: bool = False
    port: int | None = None
    ip: IPAddress | None = None

    @classmethod
    def parse(cls, text: str) -> HostRule:
        text = text.strip().lower()
        port: int | None = None
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            if rest:
                port = _port(rest.removeprefix(":"))
        elif text.count(":") == 1:
            host, _, port_text = text.partition(":")
            port = _port(port_text)
        else:
            host = text
        host = host.rstrip(".")
        wildcard = host.startswith("*.")
        if wildcard:
            host = host[2:]
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None
        if ip is not None and wildcard:
            raise ValueError("a wildcard needs a domain name")
        if ip is None and not _is_host_name(host):
            raise ValueError(f"not a host name: {text!r}")
        return cls(host=host, wildcard=wildcard, port=port, ip=ip)

    def matches(self, host: str, ip: IPAddress | None, port: int, scheme: str) -> bool:
        if port != (self.port if self.port is not None else DEFAULT_PORTS[scheme]):
            return False
        if self.ip is not None or ip is not None:
            return self.ip is not None and ip is not None and _unwrap(ip) == _unwrap(self.ip)
        return host.endswith("." + self.host) if self.wildcard else host == self.host


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"not a port: {text!r}")
    return int(text)


@dataclass(frozen=True)
class Policy:
    rules: tuple[HostRule, ...]
    allow_http: bool
    private_networks: tuple[IPNetwork, ...]

    @classmethod
    def from_settings(cls) -> Policy:
        """The policy in force (read each time, so a changed setting applies at once).

        A malformed entry allows nothing (it is skipped; `manage.py check` names it).
        """
        rules = []
        for entry in settings.OUTBOUND_WEBHOOK_HOSTS:
            try:
                rules.append(HostRule.parse(entry))
            except ValueError:
                logger.error("OUTBOUND_WEBHOOK_HOSTS: ignoring malformed entry %r", entry)
        networks = []
        for entry in settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS:
            try:
                networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                logger.error("OUTBOUND_WEBHOOK_PRIVATE_NETWORKS: ignoring malformed %r", entry)
        return cls(
            rules=tuple(rules),
            allow_http=bool(settings.OUTBOUND_WEBHOOK_ALLOW_HTTP),
            private_networks=tuple(networks),
        )

    def allows_address(self, ip: IPAddress) -> bool:
        """Whether the administrator allowed `ip` although it is not a public address."""
        candidates = {ip, _unwrap(ip)}
        return any(
            a in network
            for a in candidates
            for network in self.private_networks
            if a.version == network.version
        )


def settings_problems() -> list[str]:
    """What is wrong with the three settings (start-up check); empty when they parse."""
    problems = []
    for entry in settings.OUTBOUND_WEBHOOK_HOSTS:
        try:
            HostRule.parse(entry)
        except ValueError:
            problems.append(f"OUTBOUND_WEBHOOK_HOSTS: {entry!r} is not host, *.domain or host:port")
    for entry in settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            problems.append(f"OUTBOUND_WEBHOOK_PRIVATE_NETWORKS: {entry!r} is not a network")
    return problems


# --- addresses ----------------------------------------------------------------------------


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 form carries (``::ffff:127.0.0.1``, 6to4, NAT64), else `ip`."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def forbidden_kind(ip: IPAddress) -> str | None:
    """Why a connection to `ip` is refused by default (a key of MESSAGES), or None."""
    ip = _unwrap(ip)
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified or ip.is_reserved:
        return "reserved"
    if any(ip in n for n in _INTERNAL_NETWORKS if n.version == ip.version):
        return "private"
    if ip.is_private or not ip.is_global:
        return "reserved"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (what a connection could end up using)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def _is_host_name(host: str) -> bool:
    labels = host.split(".")
    return bool(host) and len(host) <= 253 and all(_LABEL.match(label) for label in labels)


# --- the check ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A checked webhook: where to connect (the checked addresses only) and what to ask for."""

    scheme: str
    host: str  # ASCII (IDNA), lower case, no trailing dot; an IP address without brackets
    port: int
    path: str  # path and query
    addresses: tuple[IPAddress, ...]

    @property
    def display_host(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def check_webhook_url(url: str, *, lookup: bool = True, policy: Policy | None = None) -> Target:
    """The URL's target if the policy allows it, else WebhookRefused.

    `lookup=False` checks everything but the addresses the name resolves to (for showing
    which saved channels the current settings refuse, without a DNS query per row).
    """
    policy = policy or Policy.from_settings()
    url = url.strip()
    if not url or any(ord(c) <= 0x20 or c in "\\\x7f" for c in url):
        raise WebhookRefused("invalid")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookRefused("invalid") from None
    scheme = parts.scheme.lower()
    if scheme == "http" and not policy.allow_http:
        raise WebhookRefused("http")
    if scheme not in DEFAULT_PORTS:
        raise WebhookRefused("scheme")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise WebhookRefused("credentials")
    host, ip = _host_of(parts)
    port = port if port is not None else DEFAULT_PORTS[scheme]
    shown = Target(scheme, host, port, "", ()).display_host
    if not policy.rules:
        raise WebhookRefused("no_allow_list")
    if not any(rule.matches(host, ip, port, scheme) for rule in policy.rules):
        raise WebhookRefused("host", shown)
    addresses: list[IPAddress] = [ip] if ip is not None else []
    if ip is None and lookup:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError, ValueError):
            addresses = []
        if not addresses:
            raise WebhookRefused("unresolvable", shown)
    for address in addresses:
        kind = forbidden_kind(address)
        if kind is not None and not policy.allows_address(address):
            raise WebhookRefused(kind, shown)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme, host, port, path, tuple(addresses))


def _host_of(parts: urllib.parse.SplitResult) -> tuple[str, IPAddress | None]:
    """The host in ASCII and, for an IP literal, its address; odd spellings are refused."""
    raw = parts.hostname or ""
    if not raw or "%" in raw:  # no host, a percent-encoded one or an IPv6 zone
        raise WebhookRefused("invalid")
    if parts.netloc.rsplit("@", 1)[-1].startswith("["):
        try:
            return raw, ipaddress.IPv6Address(raw)
        except ValueError:
            raise WebhookRefused("invalid") from None
    try:
        host = raw.encode("idna").decode("ascii").lower().removesuffix(".")
    except UnicodeError:
        raise WebhookRefused("invalid") from None
    try:
        return host, ipaddress.IPv4Address(host)  # only the plain dotted-quad form
    except ValueError:
        pass
    if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        raise WebhookRefused("ip_form", raw)
    if not _is_host_name(host):
        raise WebhookRefused("invalid")
    return host, None


# --- sending ------------------------------------------------------------------------------


def post_json(url: str, payload: dict[str, Any], *, timeout: float = HTTP_TIMEOUT_SECONDS) -> None:
    """POST `payload` to `url` if the policy still allows it, to the addresses just checked.

    Redirects are answered as failures: a webhook that moved is re-entered by its unit
    head, never followed to wherever the chat server (or someone in between) points.
    """
    try:
        target = check_webhook_url(url)
    except WebhookRefused as exc:
        raise DeliveryError(str(exc.messages[0])) from None
    body = json.dumps(payload, ensure_ascii=False).encode()
    host_header = target.display_host
    headers = {"Host": host_header, "Content-Type": "application/json; charset=utf-8"}
    last_error = "no address"
    for address in target.addresses:
        try:
            status = _post_to(target, address, body, headers, timeout)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            # The exception text can echo the URL; keep only its class.
            last_error = f"connection failed ({type(exc).__name__})"
            continue
        if 200 <= status < 300:
            return
        if 300 <= status < 400:
            raise DeliveryError(f"HTTP {status} (redirects are not followed)")
        raise DeliveryError(f"HTTP {status}")
    raise DeliveryError(last_error)


def _post_to(
    target: Target, address: IPAddress, body: bytes, headers: dict[str, str], timeout: float
) -> int:
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        # Connect to the checked address; verify the certificate for the host name (SNI too).
        pool = urllib3.HTTPSConnectionPool(
            str(address),
            target.port,
            timeout=limits,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(str(address), target.port, timeout=limits, retries=False)
    with pool:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            response.read(1024)
        finally:
            response.release_conn()
        return response.status


def allowed_hosts() -> list[str]:
    """The administrator's allow-list as entered (shown on the channel page)."""
    return [h.strip() for h in settings.OUTBOUND_WEBHOOK_HOSTS if h.strip()]


def refusal(url: str | None) -> str:
    """Why the current settings refuse a saved URL (without a DNS query), or ""."""
    if url is None:
        return ""
    try:
        check_webhook_url(url, lookup=False)
    except WebhookRefused as exc:
        return str(exc.messages[0])
    return ""

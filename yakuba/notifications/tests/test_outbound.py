"""The outbound webhook policy: https only, the administrator's hosts only, public addresses
only (unless a network is allowed), every resolved address checked, odd spellings refused."""

from __future__ import annotations

import pytest
from django.core import checks

from yakuba.notifications import outbound
from yakuba.notifications.outbound import Policy, WebhookRefused, check_webhook_url

LISTED = [
    "hooks.slack.com",
    "*.logic.azure.com",
    "chat.example.jp",
    "localhost",
    "127.0.0.1:8065",
    "169.254.169.254",
    "10.1.2.3",
    "224.0.0.1",
    "0.0.0.0",  # noqa: S104 - a host to refuse, nothing binds
    "[fd00::1]",
    "[2002:7f00:1::]",
    "[64:ff9b::a9fe:a9fe]",
    "[::ffff:127.0.0.1]:8065",
]


@pytest.fixture
def policy(settings, dns) -> None:
    settings.OUTBOUND_WEBHOOK_HOSTS = LISTED
    settings.OUTBOUND_WEBHOOK_ALLOW_HTTP = False
    settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS = []
    dns["hooks.slack.com"] = ["52.192.0.10"]
    dns["prod-01.japaneast.logic.azure.com"] = ["20.46.0.1", "2603:1040::1"]
    dns["chat.example.jp"] = ["93.184.215.14"]


def refusal(url: str) -> WebhookRefused:
    with pytest.raises(WebhookRefused) as refused:
        check_webhook_url(url)
    return refused.value


@pytest.mark.usefixtures("policy")
@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.slack.com/services/T/B/X", "http"),
        ("ftp://hooks.slack.com/x", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://127.0.0.1:8065/", "scheme"),
        ("https://user:pass@hooks.slack.com/services/T/B/X", "credentials"),
        ("https://hooks.slack.com@127.0.0.1:8065/", "credentials"),
        ("https://evil.example.com/hook", "host"),
        ("https://hooks.slack.com.evil.example.com/hook", "host"),
        ("https://logic.azure.com/x", "host"),  # *.domain: names below it, not the domain
        ("https://hooks.slack.com:8443/x", "host"),  # no port listed: 443 only
        ("https://[::1]/x", "host"),
        ("https://127.0.0.1:8065/x", "loopback"),
        ("https://localhost/x", "loopback"),  # a name that resolves to this machine
        ("https://[::ffff:127.0.0.1]:8065/x", "loopback"),  # IPv4-mapped IPv6
        ("https://[2002:7f00:1::]/x", "loopback"),  # 6to4 around 127.0.0.1
        ("https://169.254.169.254/latest/meta-data/", "link_local"),
        ("https://[64:ff9b::a9fe:a9fe]/x", "link_local"),  # NAT64 around 169.254.169.254
        ("https://10.1.2.3/x", "private"),
        ("https://[fd00::1]/x", "private"),
        ("https://224.0.0.1/x", "multicast"),
        ("https://0.0.0.0/x", "reserved"),
        ("https://2130706433/x", "ip_form"),  # 127.0.0.1 as one number
        ("https://0x7f000001/x", "ip_form"),
        ("https://0177.0.0.1/x", "ip_form"),  # octal
        ("https://0x7f.0.0.1/x", "ip_form"),
        ("https://127.1/x", "ip_form"),  # short form
        ("https://%31%32%37.0.0.1/x", "invalid"),
        ("https://[fe80::1%25eth0]/x", "invalid"),
        ("https://hooks.slack.com\\@127.0.0.1/x", "invalid"),
        ("https:///x", "invalid"),
        ("https://hooks.slack.com:99999/x", "invalid"),
        ("https://hooks .slack.com/x", "invalid"),
    ],
)
def test_refused(url: str, code: str) -> None:
    refused = refusal(url)
    assert refused.code == code, refused.messages
    [message] = refused.messages
    assert message.endswith("。")  # a sentence for the person, in Japanese
    assert "meta-data" not in message and "/x" not in message  # never the secret part


@pytest.mark.usefixtures("policy")
@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T0/B0/abcdef",
        "https://HOOKS.slack.com./services/T0/B0/abcdef",  # case and the root dot
        "https://prod-01.japaneast.logic.azure.com:443/workflows/abc/triggers/manual",
        "https://chat.example.jp/hooks/abc",
    ],
)
def test_allowed(url: str) -> None:
    target = check_webhook_url(url)
    assert target.scheme == "https" and target.port == 443
    assert target.addresses and all(outbound.forbidden_kind(a) is None for a in target.addresses)


def test_messages_name_the_reason_and_the_host(policy) -> None:
    assert refusal("http://hooks.slack.com/x").messages == [
        "暗号化されない http:// の送信先は使えません。https:// で始まる URL を入力してください。"
    ]
    assert refusal("https://127.0.0.1:8065/hooks/secret").messages == [
        "送信先 127.0.0.1:8065 はこのサーバー自身（ループバックアドレス）を指しているため"
        "使えません。"
    ]
    assert "169.254.169.254" in refusal("https://169.254.169.254/x").messages[0]
    assert "OUTBOUND_WEBHOOK_PRIVATE_NETWORKS" in refusal("https://10.1.2.3/x").messages[0]
    assert "2130706433" in refusal("https://2130706433/").messages[0]


def test_every_address_of_a_name_is_checked(policy, dns) -> None:
    """DNS may answer a public address and an office one: one bad answer refuses the name."""
    dns["chat.example.jp"] = ["93.184.215.14", "10.0.0.5"]
    assert refusal("https://chat.example.jp/hooks/abc").code == "private"
    dns["chat.example.jp"] = ["93.184.215.14", "fd12::5"]
    assert refusal("https://chat.example.jp/hooks/abc").code == "private"
    dns["chat.example.jp"] = []
    assert refusal("https://chat.example.jp/hooks/abc").code == "unresolvable"


def test_nothing_is_allowed_until_the_administrator_lists_hosts(settings, dns) -> None:
    settings.OUTBOUND_WEBHOOK_HOSTS = []
    dns["hooks.slack.com"] = ["52.192.0.10"]
    refused = refusal("https://hooks.slack.com/services/T/B/X")
    assert refused.code == "no_allow_list" and "OUTBOUND_WEBHOOK_HOSTS" in refused.messages[0]


def test_plain_http_only_when_allowed(settings, dns) -> None:
    settings.OUTBOUND_WEBHOOK_HOSTS = ["chat.example.jp"]
    dns["chat.example.jp"] = ["93.184.215.14"]
    assert refusal("http://chat.example.jp/hook").code == "http"
    settings.OUTBOUND_WEBHOOK_ALLOW_HTTP = True
    target = check_webhook_url("http://chat.example.jp/hook")
    assert (target.scheme, target.port) == ("http", 80)


def test_an_on_premise_chat_server_is_allowed_by_its_network(settings, dns) -> None:
    """The office's own Mattermost (LGWAN, private address) works once its network is listed;
    nothing else private does, and the allowance opens no host that is not listed."""
    settings.OUTBOUND_WEBHOOK_HOSTS = ["mm.city.example.lg.jp:8065", "other.city.example.lg.jp"]
    settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS = ["10.20.0.0/16"]
    dns["mm.city.example.lg.jp"] = ["10.20.30.40"]
    dns["other.city.example.lg.jp"] = ["10.21.0.1"]
    target = check_webhook_url("https://mm.city.example.lg.jp:8065/hooks/abc")
    assert [str(a) for a in target.addresses] == ["10.20.30.40"]
    assert target.display_host == "mm.city.example.lg.jp:8065"
    assert refusal("https://mm.city.example.lg.jp/hooks/abc").code == "host"  # other port
    assert refusal("https://other.city.example.lg.jp/hooks/abc").code == "private"
    assert refusal("https://10.20.30.41/hooks/abc").code == "host"


def test_malformed_settings_allow_nothing_and_fail_the_start_up_check(settings, dns) -> None:
    settings.OUTBOUND_WEBHOOK_HOSTS = ["hooks.slack.com:https", "*.", "chat.example.jp"]
    settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS = ["10.20.0.0/33"]
    dns["chat.example.jp"] = ["10.20.30.40"]
    assert len(Policy.from_settings().rules) == 1
    assert Policy.from_settings().private_networks == ()
    assert refusal("https://hooks.slack.com/x").code == "host"
    assert refusal("https://chat.example.jp/x").code == "private"
    errors = [e for e in checks.run_checks() if e.id == "notifications.E001"]
    assert len(errors) == 3
    assert "'hooks.slack.com:https'" in errors[0].msg and "10.20.0.0/33" in errors[2].msg


def test_saved_urls_are_rechecked_without_a_dns_query(settings) -> None:
    """The channel page marks channels the current settings refuse (no DNS per row)."""
    settings.OUTBOUND_WEBHOOK_HOSTS = ["hooks.slack.com"]
    assert outbound.refusal("https://hooks.slack.com/services/T/B/X") == ""
    assert "OUTBOUND" not in outbound.refusal("https://other.example.jp/x")
    assert outbound.refusal("https://other.example.jp/x").startswith("送信先 other.example.jp")
    assert outbound.refusal(None) == ""

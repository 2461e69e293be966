"""Notice inbox, the header badge, and channel management (scoped, URL never shown back)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.notifications.models import Channel, Notice
from yakuba.notifications.services import notify


@pytest.mark.django_db
def test_badge_shows_unread_count_and_inbox_marks_read(client, make_user) -> None:
    user = make_user("staff")
    notify([user], subject="締切が近づいています", url="/reports/today/")
    c = verified_client(client, user)
    html = c.get(reverse("core:home")).content.decode()
    assert "未読 1 件" in html
    inbox = c.get(reverse("notifications:inbox")).content.decode()
    assert "締切が近づいています" in inbox
    c.post(reverse("notifications:mark_read"))
    assert "未読 1 件" not in c.get(reverse("core:home")).content.decode()


@pytest.mark.django_db
def test_unit_head_adds_channel_url_is_masked_and_audited(
    client, make_user, org, settings, dns
) -> None:
    settings.OUTBOUND_WEBHOOK_HOSTS = ["mm.example.lg.jp"]
    dns["mm.example.lg.jp"] = ["93.184.215.14"]
    head = verified_client(client, make_user("unit_head"))
    url = "https://mm.example.lg.jp/hooks/very-secret-hook-id-9876"
    response = head.post(
        reverse("notifications:channel_list"),
        {"unit": org["shimin"].pk, "name": "市民課", "kind": "mattermost", "url": url},
    )
    assert response.status_code == 302
    page = head.get(reverse("notifications:channel_list")).content.decode()
    assert "very-secret-hook-id" not in page
    assert "https://mm.example.lg.jp/…9876" in page
    entry = AuditEntry.objects.filter(object_type="notifications.channel").latest("seq")
    assert "very-secret" not in str(entry.changes)


@pytest.mark.django_db
def test_unit_head_cannot_use_or_delete_channels_of_other_units(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head"))  # 市民課
    other = Channel(unit=org["zeimu"], name="税務課", kind="slack")
    other.set_url("https://hooks.slack.com/services/T/B/X")
    other.save()
    response = head.post(
        reverse("notifications:channel_list"),
        {"unit": org["zeimu"].pk, "name": "x", "kind": "slack", "url": "https://a.example/x"},
    )
    assert response.status_code == 200  # the unit is not a valid choice
    assert not Channel.objects.filter(name="x").exists()
    assert head.post(reverse("notifications:channel_delete", args=[other.pk])).status_code == 404
    assert Channel.objects.filter(pk=other.pk).exists()
    assert "税務課" not in head.get(reverse("notifications:channel_list")).content.decode()


@pytest.mark.django_db
def test_marking_notices_read_is_audited_once_per_click(client, make_user) -> None:
    user = make_user("staff")
    notify([user, make_user("staff", username="other")], subject="まとめ", url="/")
    c = verified_client(client, user)
    c.post(reverse("notifications:mark_read"))
    c.post(reverse("notifications:mark_read"))  # nothing left unread: nothing to record
    entries = AuditEntry.objects.filter(object_type="notifications.notice")
    assert [(e.actor, e.changes) for e in entries] == [(user, {"read": 1})]
    assert Notice.objects.get(recipient__username="other").read_at is None


@pytest.mark.django_db
def test_no_get_request_writes_domain_data(client, make_user, org) -> None:
    """Opening the inbox does not mark anything read; no page of this app writes on GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yakuba.dailyreports.tests.factories import READ_AUDIT, domain_writes

    head = make_user("unit_head")
    notify([head], subject="締切が近づいています", url="/reports/today/")
    c = verified_client(client, head)
    since = AuditEntry.objects.count()
    pages = [
        reverse("notifications:inbox"),
        reverse("notifications:mark_read"),  # POST only: 405
        reverse("notifications:channel_list"),
        reverse("notifications:channel_delete", args=[1]),  # POST only: 405
        reverse("notifications:my_chat_identities"),
        reverse("notifications:staff_chat_identities", args=[org["staff"]["1001"].pk]),
    ]
    for url in pages:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code in (200, 405), url
        assert domain_writes(ctx) == [], url
    assert Notice.objects.get(recipient=head).read_at is None
    assert set(AuditEntry.objects.order_by("seq")[since:].values_list("action", flat=True)) <= (
        READ_AUDIT
    )


FORBIDDEN = [
    ("http://127.0.0.1:8065/hooks/x", "ループバックアドレス"),
    ("https://127.0.0.1:8065/hooks/x", "ループバックアドレス"),
    ("http://169.254.169.254/latest/meta-data/", "リンクローカルアドレス"),
    ("https://[::ffff:127.0.0.1]/hooks/x", "ループバックアドレス"),
    ("https://[::ffff:a9fe:a9fe]/hooks/x", "リンクローカルアドレス"),
    ("https://10.0.0.8/hooks/x", "プライベートアドレス"),
    ("https://chat.example.jp.attacker.example/hooks/x", "許可した送信先ではありません"),
    ("https://u:secret@chat.example.jp/hooks/x", "ユーザー名やパスワード"),
    ("http://chat.example.jp/hooks/x", "https:// で始まる URL"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "words"), FORBIDDEN)
def test_channel_form_refuses_internal_and_unlisted_targets(
    client, make_user, org, settings, dns, url, words
) -> None:
    # Even the administrator listing these addresses does not make them public: only
    # OUTBOUND_WEBHOOK_PRIVATE_NETWORKS would.
    settings.OUTBOUND_WEBHOOK_HOSTS = [
        "chat.example.jp", "127.0.0.1:8065", "127.0.0.1", "169.254.169.254", "10.0.0.8",
        "[::ffff:127.0.0.1]", "[::ffff:a9fe:a9fe]",
    ]  # fmt: skip
    settings.OUTBOUND_WEBHOOK_ALLOW_HTTP = "meta-data" in url or ":8065" in url
    dns["chat.example.jp"] = ["93.184.215.14"]
    head = verified_client(client, make_user("unit_head"))
    response = head.post(
        reverse("notifications:channel_list"),
        {"unit": org["shimin"].pk, "name": "市民課", "kind": "slack", "url": url},
    )
    assert response.status_code == 200
    assert words in response.context["form"].errors["url"][0]
    assert not Channel.objects.exists()
    assert not AuditEntry.objects.filter(object_type="notifications.channel").exists()


@pytest.mark.django_db
def test_the_service_refuses_what_the_form_would(org, settings) -> None:
    """Every door (the form, the service, and delivery) applies the one policy."""
    from yakuba.notifications.outbound import WebhookRefused
    from yakuba.notifications.services import create_channel

    settings.OUTBOUND_WEBHOOK_HOSTS = ["169.254.169.254"]
    with pytest.raises(WebhookRefused):
        create_channel(
            actor=None, unit=org["shimin"], name="x", kind="slack",
            url="https://169.254.169.254/latest/meta-data/",
        )  # fmt: skip
    assert not Channel.objects.exists()


@pytest.mark.django_db
def test_channel_page_lists_allowed_hosts_and_flags_refused_channels(
    client, make_user, org, settings
) -> None:
    head = verified_client(client, make_user("unit_head"))
    old = Channel(unit=org["shimin"], name="古い連携", kind="mattermost")
    old.set_url("http://127.0.0.1:8065/hooks/x")  # saved before the policy existed
    old.save()
    settings.OUTBOUND_WEBHOOK_HOSTS = []
    page = head.get(reverse("notifications:channel_list")).content.decode()
    assert "送信できる宛先がまだ設定されていません" in page
    assert "送信できません" in page
    settings.OUTBOUND_WEBHOOK_HOSTS = ["hooks.slack.com", "mm.city.example.lg.jp:8065"]
    page = head.get(reverse("notifications:channel_list")).content.decode()
    assert "<code>hooks.slack.com</code>" in page
    assert "<code>mm.city.example.lg.jp:8065</code>" in page
    assert "https で送信できます" in page
    assert "暗号化されない http:// の送信先は使えません" in page  # the old channel's reason

"""Outgoing notifications: in-app notices, chat channels (encrypted URL) and delivery records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.notifications import crypto


class Notice(models.Model):
    """An in-app notice; the header shows how many are unread."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class ChannelKind(models.TextChoices):
    SLACK = "slack", "Slack"
    MATTERMOST = "mattermost", "Mattermost"
    TEAMS = "teams", "Microsoft Teams (Workflows)"
    LINEWORKS = "lineworks", "LINE WORKS"


class Channel(models.Model):
    """A chat incoming webhook owned by a unit. The URL is stored encrypted, shown masked."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属"), on_delete=models.CASCADE, related_name="channels"
    )
    name = models.CharField(_("名前"), max_length=100)
    kind = models.CharField(_("チャットの種類"), max_length=20, choices=ChannelKind.choices)
    url_encrypted = models.TextField(editable=False)
    url_hint = models.CharField(_("URL"), max_length=120, editable=False)
    active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("チャット連携")
        verbose_name_plural = _("チャット連携")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def set_url(self, url: str) -> None:
        self.url_encrypted = crypto.encrypt(url)
        self.url_hint = crypto.mask_url(url)

    def get_url(self) -> str | None:
        return crypto.decrypt(self.url_encrypted)


class DeliveryKind(models.TextChoices):
    EMAIL = "email", _("メール")
    CHAT = "chat", _("チャット")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("送信待ち")
    RETRYING = "retrying", _("再送待ち")
    SENT = "sent", _("送信済み")
    FAILED = "failed", _("送信失敗")


class Delivery(models.Model):
    """One message to one e-mail address or one chat post, with its retry state.

    The content is stored before anything is sent, so a chat outage loses nothing:
    the scheduler re-enqueues due retries until `MAX_ATTEMPTS`.
    """

    MAX_ATTEMPTS = 6

    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    email = models.EmailField(blank=True)
    subject = models.CharField(_("件名"), max_length=200)
    payload = models.JSONField(default=dict, blank=True)
    purpose = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(_("エラー"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("配信")
        verbose_name_plural = _("配信")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

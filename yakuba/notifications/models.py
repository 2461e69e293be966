"""Outgoing notifications: in-app notices, chat channels (encrypted URL) and delivery records."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
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

    # Not a column: why the current outbound settings refuse the URL ("" if they allow it),
    # set by the channel list.
    refusal: str

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
    SENDING = "sending", _("送信中")
    SENT = "sent", _("送信済み")
    FAILED = "failed", _("送信失敗")


class Delivery(models.Model):
    """One message to one e-mail address or one chat post, with its retry state.

    The content is stored before anything is sent, so a chat outage loses nothing:
    the scheduler re-enqueues due retries until `MAX_ATTEMPTS`. Each attempt is claimed
    (``SENDING``, with the task that sends it in ``runner``) in its own transaction before
    the network call, so a task run twice never sends twice; see
    `yakuba.notifications.services.attempt_delivery` for a worker killed mid-send.
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
    # The task run (django-tasks result id) that claimed the attempt in flight.
    runner = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("配信")
        verbose_name_plural = _("配信")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


# Chats whose incoming webhooks can mention a person. LINE WORKS is not among them: its
# incoming webhook (``{title, body: {text}}``) posts plain text only and has no mention
# syntax, so people are always named there.
MENTION_KINDS: tuple[str, ...] = (ChannelKind.SLACK, ChannelKind.MATTERMOST, ChannelKind.TEAMS)

_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
# Mattermost: 3–22 characters, lowercase letters, digits, ".", "-", "_", starting with a letter.
_MATTERMOST_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,21}$")
_AAD_OBJECT_ID = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE
)
_UPN = re.compile(r"^[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def normalise_handle(kind: str, value: str) -> str:
    """The form people paste (``@name``, ``<@U123>``, surrounding blanks) → the stored value."""
    value = value.strip()
    if kind == ChannelKind.SLACK:
        if value.startswith("<@") and value.endswith(">"):
            value = value[2:-1]
        return value.upper()
    if kind == ChannelKind.MATTERMOST:
        return value.removeprefix("@").lower()
    return value


def validate_handle(kind: str, value: str) -> None:
    if kind == ChannelKind.SLACK and not _SLACK_ID.match(value):
        raise ValidationError(
            _(
                "Slack のメンバーID（U または W で始まる英大文字と数字、例：U012AB3CD）"
                "を入力してください。"
            ),
            code="slack_id",
        )
    if kind == ChannelKind.MATTERMOST and not _MATTERMOST_USERNAME.match(value):
        raise ValidationError(
            _(
                "Mattermost のユーザー名（英小文字で始まる3〜22文字の"
                "英小文字・数字・「.」「-」「_」）を入力してください。"
            ),
            code="mattermost_username",
        )
    if kind == ChannelKind.TEAMS and not (_AAD_OBJECT_ID.match(value) or _UPN.match(value)):
        raise ValidationError(
            _(
                "Microsoft Teams の Entra ID（Azure AD）オブジェクトID、"
                "またはユーザープリンシパル名（UPN）を入力してください。"
            ),
            code="teams_id",
        )
    if kind not in MENTION_KINDS:
        raise ValidationError(_("このチャットではメンションできません。"), code="kind")


HANDLE_TAKEN_SHORT = _("同じチャットのIDは一人にしか登録できません。")
HANDLE_TAKEN = _(
    "%(handle)s はすでに別の職員の %(chat)s のIDとして登録されています。"
    "同じIDは一人にしか登録できません。本人のIDに間違いなければ、"
    "人事担当またはシステム管理者に連絡してください。"
)


class ChatIdentity(models.Model):
    """Who a member of staff is in one chat, for real mentions in reminders and digests.

    Slack: the member ID (``<@U012AB3CD>``); Mattermost: the username (``@name``, which may
    differ from the Yakuba user name); Teams: the Entra ID object ID or UPN of the
    Adaptive Card mention entity.
    """

    staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("職員"),
        on_delete=models.CASCADE,
        related_name="chat_identities",
    )
    kind = models.CharField(_("チャットの種類"), max_length=20, choices=ChannelKind.choices)
    handle = models.CharField(_("チャットのID"), max_length=254)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("チャットのID")
        verbose_name_plural = _("チャットのID")
        ordering = ["staff_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "kind"], name="chat_identity_once_per_kind"),
            # One person per chat account: slash commands are attributed by this handle, and
            # every chat here compares them case-insensitively (Slack and Teams IDs, Teams
            # UPNs, Mattermost user names).
            models.UniqueConstraint(
                models.F("kind"),
                Lower("handle"),
                name="chat_handle_once_per_chat",
                violation_error_message=HANDLE_TAKEN_SHORT,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.handle}"

    def clean(self) -> None:
        self.handle = normalise_handle(self.kind, self.handle)
        try:
            validate_handle(self.kind, self.handle)
        except ValidationError as exc:
            raise ValidationError({"handle": exc.messages}) from None

"""Meetings: agenda, minutes, attendance from the platforms, presence and catch-ups."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yakuba.meetings.zoom import normalise_meeting_id


class Platform(models.TextChoices):
    ZOOM = "zoom", _("Zoom")
    TEAMS = "teams", _("Teams")
    JITSI = "jitsi", _("Jitsi")
    IN_PERSON = "in_person", _("対面")
    MIXED = "mixed", _("対面＋オンライン")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("予定")
    FINALISED = "finalised", _("議事録確定")


class AttendanceSource(models.TextChoices):
    ZOOM = "zoom", _("Zoom")
    TEAMS = "teams", _("Teams")
    JITSI = "jitsi", _("Jitsi")
    MANUAL = "manual", _("手入力")


class EntryKind(models.TextChoices):
    NOTE = "note", _("メモ")
    DECISION = "decision", _("決定事項")
    ACTION = "action", _("対応事項")


class Meeting(models.Model):
    title = models.CharField(_("会議名"), max_length=200)
    start = models.DateTimeField(_("開始"))
    end = models.DateTimeField(_("終了"))
    platform = models.CharField(_("方式"), max_length=20, choices=Platform.choices)
    join_url = models.URLField(_("参加URL"), blank=True, max_length=500)
    platform_meeting_id = models.CharField(
        _("会議ID（Zoom・Jitsiの部屋名）"), max_length=200, blank=True, db_index=True
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属"), on_delete=models.PROTECT, related_name="meetings"
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主催者"),
        on_delete=models.PROTECT,
        related_name="organised_meetings",
    )
    host = models.ForeignKey(
        "org.Staff",
        verbose_name=_("ホスト"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
    )
    invited_staff = models.ManyToManyField(
        "org.Staff", verbose_name=_("招待する職員"), blank=True, related_name="+"
    )
    invited_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("招待する所属"), blank=True, related_name="+"
    )
    # The frozen list: people and units resolved when the meeting is created or changed.
    invitees = models.ManyToManyField(
        "org.Staff", verbose_name=_("出席予定者"), blank=True, related_name="meeting_invitations"
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    current_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drop_threshold_s = models.PositiveIntegerField(_("中断とみなす秒数"), default=60)
    finalised_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    # Set by the catch-up task when it has finished (until then they are being prepared).
    catchups_prepared_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Count and last id of the raw events the stored presence was derived from.
    presence_fingerprint = models.CharField(max_length=60, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Typed as Zoom shows it ("850 1234 5678"), stored as the webhooks send it.
        self.platform_meeting_id = normalise_meeting_id(self.platform_meeting_id)
        super().save(*args, **kwargs)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveIntegerField(_("順番"), default=0)
    title = models.CharField(_("議題"), max_length=200)
    planned_minutes = models.PositiveIntegerField(_("予定時間（分）"), default=10)
    presenter = models.ForeignKey(
        "org.Staff",
        verbose_name=_("説明者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("開始時刻"), null=True, blank=True)

    class Meta:
        verbose_name = _("議題")
        verbose_name_plural = _("議題")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class MinutesEntry(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    kind = models.CharField(_("種類"), max_length=20, choices=EntryKind.choices)
    text = models.TextField(_("内容"), max_length=4000)
    at = models.DateTimeField(_("時刻"))
    owner = models.ForeignKey(
        "org.Staff",
        verbose_name=_("担当者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due = models.DateField(_("期限"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("議事録の記載")
        verbose_name_plural = _("議事録の記載")
        ordering = ["meeting", "at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class ZoomAccount(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    key = models.SlugField(_("識別子（URL用）"), max_length=40, unique=True)
    secret_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Zoomアカウント")
        verbose_name_plural = _("Zoomアカウント")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class JitsiEndpoint(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Jitsiサーバー")
        verbose_name_plural = _("Jitsiサーバー")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_token(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class AttendanceEvent(models.Model):
    """A raw event as received (kept for replay and audit); `dedup_key` makes redelivery harmless.

    Presence for Zoom and Jitsi is derived from these events by the times *inside* them, so
    the order of arrival does not matter.
    """

    source = models.CharField(max_length=20, choices=AttendanceSource.choices)
    dedup_key = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=60)
    room = models.CharField(max_length=200, db_index=True)  # Zoom meeting id / Jitsi room
    person_key = models.CharField(max_length=200)
    at = models.DateTimeField(null=True, blank=True, db_index=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.source}:{self.event}:{self.room}"


class PresenceInterval(models.Model):
    """One connection of one person (staff or guest). `leave` is None while still connected."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="presence")
    staff = models.ForeignKey(
        "org.Staff", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    guest_name = models.CharField(max_length=200, blank=True)
    guest_email = models.CharField(max_length=200, blank=True)
    # Platform-side identity of the connection (participant uuid, jid, …) to pair join/leave.
    connection_key = models.CharField(max_length=200, blank=True, db_index=True)
    join = models.DateTimeField(null=True, blank=True)
    leave = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=AttendanceSource.choices)

    class Meta:
        ordering = ["meeting", "join", "pk"]

    def __str__(self) -> str:
        return f"{self.who} {self.join}–{self.leave}"

    @property
    def who(self) -> str:
        return self.staff.name if self.staff is not None else (self.guest_name or self.guest_email)


class CatchUp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="catchups")
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="catchups")
    content = models.JSONField(default=dict)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("欠席・中断分の共有（キャッチアップ）")
        verbose_name_plural = _("欠席・中断分の共有（キャッチアップ）")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "staff"], name="catchup_once_per_person")
        ]
        ordering = ["meeting", "staff__staff_number"]

    def __str__(self) -> str:
        return f"{self.meeting} / {self.staff.name}"


class ConnectionQualitySettings(models.Model):
    """The connection-quality thresholds the information division set (one row, pk=1);
    until then the defaults from the settings (MEETINGS_QUALITY_*) apply."""

    drops_per_hour = models.FloatField(_("案内する目安（1時間あたりの切断回数）"))
    min_hours = models.FloatField(_("判定に必要な接続時間（時間）"))
    window_days = models.PositiveIntegerField(_("集計する期間（日）"))
    nudge_every_days = models.PositiveIntegerField(_("同じ人に案内する間隔（日）"))
    nudges_enabled = models.BooleanField(_("本人に案内を送る"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("接続品質の設定")
        verbose_name_plural = _("接続品質の設定")

    def __str__(self) -> str:
        return str(_("接続品質の設定"))


class ConnectionNudge(models.Model):
    """A private suggestion to run the connection check, with the figures it was based on.
    Read only by its person; stored so nobody is nudged again within the set interval."""

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(db_index=True)
    window_days = models.PositiveIntegerField()
    meetings = models.PositiveIntegerField()
    connected_s = models.FloatField()
    drops = models.PositiveIntegerField()
    drops_per_hour = models.FloatField()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["staff", "-sent_at"], name="nudge_staff_sent")]

    def __str__(self) -> str:
        # No name: the audit trail shows that a nudge went out, not to whom.
        return f"ConnectionNudge #{self.pk}"

"""Drill mails (標的型攻撃メール訓練): templates, drills, one row per recipient, tokens.

What a recipient did is kept on their row as the *first* time of each kind (delivered,
opened, clicked, typed, reported): an event is recorded by a conditional UPDATE
(``…_at IS NULL``), so a second open, a double click or two tabs never count twice.
The link tokens themselves are never stored, only their keyed hash (`DrillToken`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DrillTemplate(models.Model):
    """A drill mail as infosec writes it. ``{link}`` in the body is the tracked link; the
    footer with the person's report link is added when the mail is sent."""

    # Set on the templates shipped with Yakuba, so loading them twice adds nothing.
    code = models.SlugField(max_length=40, unique=True, null=True, blank=True, editable=False)
    name = models.CharField(_("テンプレート名"), max_length=100, unique=True)
    subject = models.CharField(_("件名"), max_length=200)
    sender_name = models.CharField(_("差出人の表示名"), max_length=100)
    sender_address = models.EmailField(_("差出人のアドレス"))
    body = models.TextField(
        _("本文（テキスト）"),
        help_text=_("{link} が訓練用のリンクに、{name} が受信者の氏名に置き換わります。"),
    )
    html_body = models.TextField(
        _("本文（HTML・任意）"),
        blank=True,
        help_text=_(
            "簡単なHTMLだけが使えます（p, br, a, strong, em, ul, ol, li, table など）。"
            "画像・スクリプト・外部のアドレスは使えません。空なら本文（テキスト）から作ります。"
        ),
    )
    signs = models.TextField(
        _("見抜くためのポイント"),
        help_text=_("訓練だと分かったときの画面に表示します。1行に1つ書いてください。"),
    )
    fake_form = models.BooleanField(
        _("偽の入力フォームを表示する"),
        default=False,
        help_text=_(
            "リンクを開いた人に偽のパスワード入力欄を見せます。入力内容は送信も保存もされず、"
            "「入力した」ことだけが記録されます。"
        ),
    )
    form_title = models.CharField(_("偽のフォームの見出し"), max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("name", "pk")
        verbose_name = _("訓練メールのテンプレート")
        verbose_name_plural = _("訓練メールのテンプレート")

    def __str__(self) -> str:
        return self.name

    def sign_list(self) -> list[str]:
        return [line.strip() for line in self.signs.splitlines() if line.strip()]


class Drill(models.Model):
    """One drill: a template sent to an audience over a window. The template's content
    and the people are fixed at launch (``content``, one `DrillRecipient` each)."""

    name = models.CharField(_("訓練名"), max_length=100)
    template = models.ForeignKey(
        DrillTemplate, verbose_name=_("テンプレート"), on_delete=models.PROTECT
    )
    audience = models.JSONField(_("対象"), default=dict, blank=True)
    audience_label = models.CharField(_("対象"), max_length=300, blank=True)
    send_from = models.DateTimeField(_("送信開始"))
    send_until = models.DateTimeField(_("送信終了"))
    ends_at = models.DateTimeField(
        _("訓練の終了"), help_text=_("この日時より後の開封・クリック・報告は集計しません。")
    )
    # The template as it was sent (subject, sender, body, html_body, signs, fake_form, …).
    content = models.JSONField(default=dict, blank=True, editable=False)
    launched_at = models.DateTimeField(null=True, blank=True, editable=False)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    skipped_without_address = models.PositiveIntegerField(default=0, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-send_from", "-pk")
        verbose_name = _("訓練メール")
        verbose_name_plural = _("訓練メール")

    def __str__(self) -> str:
        return self.name

    @property
    def launched(self) -> bool:
        return self.launched_at is not None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None or (
            self.launched_at is not None and self.ends_at <= timezone.now()
        )

    def open_for_events(self, at: dt.datetime | None = None) -> bool:
        """Whether opens, clicks and reports still count (launched, before the end)."""
        moment = at or timezone.now()
        return self.launched_at is not None and self.finished_at is None and moment < self.ends_at

    def status_label(self) -> str:
        if not self.launched:
            return str(_("下書き"))
        if self.finished:
            return str(_("終了"))
        if self.send_from > timezone.now():
            return str(_("送信予定"))
        return str(_("実施中"))


class SendStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("送信予定")
    SENDING = "sending", _("送信中")
    RETRYING = "retrying", _("再送待ち")
    SENT = "sent", _("送信済み")
    FAILED = "failed", _("送信失敗")
    # The run sending it stopped between handing the mail to the server and recording
    # the answer: it may or may not have gone out. Never re-sent by itself.
    UNKNOWN = "unknown", _("送信結果不明")
    CANCELLED = "cancelled", _("送信取りやめ")


WAITING = (SendStatus.SCHEDULED, SendStatus.RETRYING)


class ReportedVia(models.TextChoices):
    LINK = "link", _("メールの報告リンク")
    YAKUBA = "yakuba", _("Yakuba の「不審なメールを報告」")


class DrillRecipient(models.Model):
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="recipients")
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("職員"), on_delete=models.CASCADE, related_name="+"
    )
    # The unit and address at launch: results stay with the unit the person was in then.
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    email = models.EmailField(_("メール"))
    scheduled_at = models.DateTimeField(_("送信予定"))
    status = models.CharField(
        _("送信状態"), max_length=10, choices=SendStatus.choices, default=SendStatus.SCHEDULED
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    # When the row may next be handed to a send task (the release job moves it forward
    # while a task holds it, so a lost task is released again, never two at once).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    runner = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(_("エラー"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("配信"), null=True, blank=True)
    opened_at = models.DateTimeField(_("開封"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("クリック"), null=True, blank=True)
    typed_at = models.DateTimeField(_("入力"), null=True, blank=True)
    reported_at = models.DateTimeField(_("報告"), null=True, blank=True)
    reported_via = models.CharField(
        _("報告の方法"), max_length=10, choices=ReportedVia.choices, blank=True
    )

    class Meta:
        ordering = ("scheduled_at", "pk")
        verbose_name = _("訓練メールの受信者")
        verbose_name_plural = _("訓練メールの受信者")
        constraints = [
            models.UniqueConstraint(fields=("drill", "staff"), name="drills_one_row_per_person")
        ]
        indexes = [
            models.Index(fields=("status", "next_attempt_at"), name="drills_rcpt_due"),
            models.Index(fields=("staff", "drill"), name="drills_rcpt_staff"),
        ]

    def __str__(self) -> str:
        return f"{self.drill_id}:{self.staff_id}"


class DrillToken(models.Model):
    """A link token's keyed hash (HMAC-SHA256); the token itself exists only in the mail.
    Each send attempt issues a new one, so every mail that may have gone out works."""

    recipient = models.ForeignKey(DrillRecipient, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("訓練メールのリンク")
        verbose_name_plural = _("訓練メールのリンク")

    def __str__(self) -> str:
        return f"token of {self.recipient_id}"

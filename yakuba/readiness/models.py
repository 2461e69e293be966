"""The telework home/device checklist: its items, the office's settings and each person's
submissions (the latest one counts)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import TextValidator
from yakuba.org.models import Staff


class ReadinessSettings(models.Model):
    """The office's settings (one row, pk=1; the defaults apply until infosec saves)."""

    validity_days = models.PositiveIntegerField(
        _("チェックの有効期間（日）"),
        default=180,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_("変更は、これから回答されるチェックから適用されます。"),
    )
    reminder_days = models.PositiveIntegerField(
        _("期限切れの何日前にお知らせするか"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    # Off until infosec switches it on: an office that upgrades must be able to announce
    # the checklist before everybody who has not answered it yet loses telework.
    enforce_gate = models.BooleanField(
        _("在宅勤務の対象判定に使う"),
        default=False,
        help_text=_(
            "オンにすると、準備ができていない職員は勤務表で在宅勤務に割り当てられず、"
            "対象判定に理由と対応方法が表示されます。職員に周知してからオンにしてください。"
        ),
    )
    require_netcheck = models.BooleanField(
        _("最近の接続チェックを求める"),
        default=False,
        help_text=_("自宅で測定した接続チェックの結果が「会議に不安定」でないこと。"),
    )
    netcheck_max_age_days = models.PositiveIntegerField(
        _("接続チェックの有効期間（日）"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("在宅勤務の準備チェックの設定")
        verbose_name_plural = _("在宅勤務の準備チェックの設定")

    def __str__(self) -> str:
        return str(_("在宅勤務の準備チェックの設定"))

    @classmethod
    def current(cls) -> ReadinessSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ChecklistItem(models.Model):
    text = models.CharField(_("確認すること"), max_length=200, validators=[TextValidator(200)])
    guidance = models.TextField(
        _("できていないときにすること"),
        max_length=1000,
        validators=[TextValidator(1000, multiline=True)],
        help_text=_(
            "「まだ」と答えた人に表示されます。具体的な手順や問い合わせ先を書いてください。"
        ),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("使用中"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("準備チェックの項目")
        verbose_name_plural = _("準備チェックの項目")

    def __str__(self) -> str:
        return self.text


class ChecklistSubmission(models.Model):
    """One answer of a person to the whole checklist. The answers keep each item's text as
    it was asked, so a later edit of an item does not rewrite what someone confirmed."""

    staff = models.ForeignKey(
        Staff, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="+"
    )
    submitted_at = models.DateTimeField(_("回答日時"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The latest submission of the person (exactly one per person is current).
    current = models.BooleanField(default=True)
    complete = models.BooleanField(_("すべて確認済み"))
    valid_until = models.DateField(_("有効期限"), null=True, blank=True)
    answers = models.JSONField(default=list)
    open_items = models.PositiveSmallIntegerField(_("未対応の項目数"), default=0)
    reminded_soon_at = models.DateTimeField(null=True, blank=True)
    reminded_expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("準備チェックの回答")
        verbose_name_plural = _("準備チェックの回答")
        constraints = [
            models.UniqueConstraint(
                fields=["staff"], condition=Q(current=True), name="one_current_readiness_answer"
            )
        ]
        indexes = [models.Index(fields=["current", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.submitted_at:%Y-%m-%d}"

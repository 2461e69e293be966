"""Incidents and near misses (インシデント・ヒヤリハット): what someone reported, how infosec
assessed it, and the timeline of what was done."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import TextValidator
from yakuba.security.topics import Topic


class Category(models.TextChoices):
    LOST_DEVICE = "lost_device", _("端末・USBメモリ等の紛失")
    MISSENT = "missent", _("メール・FAXの誤送信")
    SUSPICIOUS_MAIL = "suspicious_mail", _("不審なメール")
    VIRUS = "virus", _("ウイルスの警告")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("不正アクセス")
    OTHER = "other", _("その他")


#: The awareness topic a lesson drawn from an incident of each category is filed under.
TOPIC_OF = {
    Category.LOST_DEVICE: Topic.REMOVABLE_MEDIA,
    Category.MISSENT: Topic.MISSENT_MAIL,
    Category.SUSPICIOUS_MAIL: Topic.PHISHING,
    Category.VIRUS: Topic.LOANED_TERMINAL,
    Category.UNAUTHORISED_ACCESS: Topic.PASSWORDS,
    Category.OTHER: Topic.INCIDENT_REPORTING,
}


class PersonalData(models.TextChoices):
    YES = "yes", _("含まれる")
    NO = "no", _("含まれない")
    UNKNOWN = "unknown", _("わからない")


class Status(models.TextChoices):
    REPORTED = "reported", _("受付")
    IN_PROGRESS = "in_progress", _("対応中")
    CLOSED = "closed", _("完了")


class Severity(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    CRITICAL = "critical", _("重大")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("対応済み")
    NO_HARM = "no_harm", _("被害なし（ヒヤリハット）")
    DRILL_REPORT = "drill_report", _("訓練メールの報告")
    FALSE_ALARM = "false_alarm", _("問題なし（誤報）")


class Incident(models.Model):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("報告者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("報告日時"), default=timezone.now, db_index=True)
    category = models.CharField(_("種類"), max_length=30, choices=Category.choices)
    occurred_at = models.DateTimeField(_("発生・発見した日時"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=200, blank=True, validators=[TextValidator(200)])
    description = models.TextField(
        _("何があったか"), max_length=4000, validators=[TextValidator(4000, multiline=True)]
    )
    personal_data = models.CharField(
        _("個人情報が含まれるか"),
        max_length=10,
        choices=PersonalData.choices,
        default=PersonalData.UNKNOWN,
    )
    # What the reporter saw of a suspicious mail (the 「不審なメールを報告」 form).
    mail_subject = models.CharField(
        _("件名"), max_length=300, blank=True, validators=[TextValidator(300)]
    )
    mail_sender = models.CharField(
        _("差出人"), max_length=300, blank=True, validators=[TextValidator(300)]
    )
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    # Infosec's assessment.
    severity = models.CharField(_("重大度"), max_length=10, choices=Severity.choices, blank=True)
    personal_data_confirmed = models.BooleanField(
        _("個人情報に関わる（確認済み）"), null=True, blank=True
    )
    people_affected = models.PositiveIntegerField(
        _("影響を受けた人数"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    outcome = models.CharField(_("結果"), max_length=20, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("インシデント")
        verbose_name_plural = _("インシデント")
        indexes = [models.Index(fields=["reporter", "-reported_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def number(self) -> str:
        return f"INC-{self.pk:05d}"


class EntryKind(models.TextChoices):
    REPORTED = "reported", _("報告")
    TRIAGE = "triage", _("評価")
    ACTION = "action", _("対応")
    NOTE = "note", _("内部メモ")
    CLOSED = "closed", _("完了")
    LESSON = "lesson", _("教材化")


class TimelineEntry(models.Model):
    """Who did what when. Entries marked `for_reporter` are shown to the reporter too;
    the others are infosec's internal notes."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    text = models.TextField(max_length=2000, validators=[TextValidator(2000, multiline=True)])
    for_reporter = models.BooleanField(_("報告者にも表示する"), default=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("対応の記録")
        verbose_name_plural = _("対応の記録")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at:%Y-%m-%d %H:%M} {self.kind}"

"""Morning reports (朝の業務報告): per-unit window and questions, reports, health checks,
blockers (困りごと), digests and the scheduler's claim table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportWindow(models.Model):
    """A unit's set-up: when reports are due, what is asked and where the digest goes."""

    unit = models.OneToOneField(
        "org.Unit", verbose_name=_("所属"), on_delete=models.CASCADE, related_name="report_window"
    )
    enabled = models.BooleanField(_("実施する"), default=True)
    opens_at = models.TimeField(_("受付開始"), default=dt.time(8, 30))
    closes_at = models.TimeField(_("締切"), default=dt.time(8, 45))
    reminder_minutes = models.PositiveSmallIntegerField(
        _("締切前の催促（分前）"), default=5, help_text=_("0 にすると締切前の催促をしません。")
    )
    # Working days, Monday first. Public holidays are skipped unless `work_on_holidays`.
    workdays = models.CharField(_("実施する曜日"), max_length=7, default="1111100")
    work_on_holidays = models.BooleanField(_("祝日も実施する"), default=False)
    health_check = models.BooleanField(_("体調確認を行う"), default=False)
    fever_threshold = models.DecimalField(
        _("出勤を控える体温（℃）"), max_digits=3, decimal_places=1, default=Decimal("37.5")
    )
    digest_in_app = models.BooleanField(_("まとめをアプリ内で通知"), default=True)
    digest_email = models.BooleanField(_("まとめをメールで送信"), default=False)
    remind_email = models.BooleanField(_("催促をメールでも送る"), default=False)
    remind_chat = models.BooleanField(_("催促をチャットでも送る（@ユーザー名）"), default=False)
    channels = models.ManyToManyField(
        "notifications.Channel", verbose_name=_("まとめを送るチャット"), blank=True
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("困りごとを上位所属へ上げるまでの日数"), default=3
    )
    health_retention_days = models.PositiveSmallIntegerField(_("体調確認の保存日数"), default=30)

    class Meta:
        verbose_name = _("報告の設定")
        verbose_name_plural = _("報告の設定")

    def __str__(self) -> str:
        return f"{self.unit}: {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class QuestionKind(models.TextChoices):
    PLAN = "plan", _("今日の予定")
    DONE = "done", _("昨日の実績")
    BLOCKER = "blocker", _("困っていること")
    OTHER = "other", _("その他")


DEFAULT_QUESTIONS = (
    (QuestionKind.PLAN, "今日の予定", True),
    (QuestionKind.DONE, "昨日の実績", True),
    (QuestionKind.BLOCKER, "困っていること", False),
)


class Question(models.Model):
    window = models.ForeignKey(ReportWindow, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("質問"), max_length=100)
    kind = models.CharField(
        _("種類"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.OTHER
    )
    position = models.PositiveSmallIntegerField(_("順番"), default=0)
    required = models.BooleanField(_("必須"), default=False)
    active = models.BooleanField(_("使用する"), default=True)

    class Meta:
        verbose_name = _("質問")
        verbose_name_plural = _("質問")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class WorkPlace(models.TextChoices):
    OFFICE = "office", _("庁内勤務")
    COUNTER = "counter", _("窓口")
    HOME = "home", _("在宅勤務")
    SATELLITE = "satellite", _("サテライト勤務")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("提出済み")


class ReportSource(models.TextChoices):
    WEB = "web", _("画面")
    SLACK = "slack", "Slack"
    MATTERMOST = "mattermost", "Mattermost"


# Limits of what a person may send, checked by `services.save_report` for every door (the
# web form and chat commands) and shown by the form as field limits.
MAX_ANSWER = 2000
MIN_TEMPERATURE = Decimal("34.0")
MAX_TEMPERATURE = Decimal("42.0")
MAX_SYMPTOMS = 200


class Report(models.Model):
    """One person's report for one day. Answers are stored with the question text of the day,
    so editing the questions later does not rewrite old reports."""

    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("職員"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属"), on_delete=models.CASCADE, related_name="reports"
    )
    date = models.DateField(_("日付"), db_index=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    work_place = models.CharField(
        _("勤務場所"), max_length=10, choices=WorkPlace.choices, default=WorkPlace.OFFICE
    )
    answers = models.JSONField(default=list, blank=True)
    # Indexes (into yesterday's plan lines) ticked off as done.
    plan_done = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    late = models.BooleanField(_("遅れて提出"), default=False)
    source = models.CharField(max_length=12, choices=ReportSource.choices, default="web")
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("朝の業務報告")
        verbose_name_plural = _("朝の業務報告")
        ordering = ["-date", "staff__staff_number"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "date"], name="dailyreport_one_per_day")
        ]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self) -> str:
        return f"{self.staff.name} {self.date}"

    def answer_of(self, kind: str) -> str:
        return next((a.get("a", "") for a in self.answers if a.get("kind") == kind), "")

    @property
    def plan_lines(self) -> list[str]:
        return [line for line in self.answer_of(QuestionKind.PLAN).splitlines() if line.strip()]


class HealthCheck(models.Model):
    """Sensitive: only the person, their unit head and HR may see it (every view audited);
    purged after the unit's retention period."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="health")
    temperature = models.DecimalField(
        _("体温（℃）"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    symptoms = models.CharField(_("症状"), max_length=MAX_SYMPTOMS, blank=True)
    stay_home = models.BooleanField(_("出勤を控える"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("体調確認")
        verbose_name_plural = _("体調確認")

    def __str__(self) -> str:
        return f"health {self.report_id}"


class BlockerStatus(models.TextChoices):
    OPEN = "open", _("未対応")
    IN_PROGRESS = "in_progress", _("対応中")
    RESOLVED = "resolved", _("解決")


class Blocker(models.Model):
    """A 困りごと from a report, tracked until resolved (carried forward day to day)."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属"), on_delete=models.CASCADE, related_name="blockers"
    )
    owner = models.ForeignKey(
        "org.Staff", verbose_name=_("担当"), on_delete=models.CASCADE, related_name="blockers"
    )
    helpers = models.ManyToManyField(
        "org.Staff", verbose_name=_("手伝える人"), blank=True, related_name="helping_blockers"
    )
    text = models.TextField(_("内容"))
    source_report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="blockers"
    )
    opened_on = models.DateField(_("発生日"))
    last_reported_on = models.DateField(_("最終報告日"))
    status = models.CharField(
        _("状態"), max_length=12, choices=BlockerStatus.choices, default=BlockerStatus.OPEN
    )
    resolved_on = models.DateField(_("解決日"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "org.Unit",
        verbose_name=_("上げた先"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_blockers",
    )
    escalated_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("困りごと")
        verbose_name_plural = _("困りごと")
        ordering = ["opened_on", "pk"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.text[:50]

    def age_days(self, today: dt.date | None = None) -> int:
        end = self.resolved_on or today or timezone.localdate()
        return (end - self.opened_on).days


class Digest(models.Model):
    """The unit's digest of one day, built once at window close (idempotent per unit/day)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="digests")
    date = models.DateField()
    content = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("報告のまとめ")
        verbose_name_plural = _("報告のまとめ")
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="digest_one_per_day")]

    def __str__(self) -> str:
        return f"{self.unit} {self.date}"


class RunKind(models.TextChoices):
    """The steps of a window (claim keys of the ``dailyreports.window`` job)."""

    OPEN = "open", _("受付開始")
    REMIND = "remind", _("締切前の催促")
    CLOSE = "close", _("締切とまとめ")

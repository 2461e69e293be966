"""Courses and campaigns (issue 14 item 2): what infosec assigns, to whom, and what each
person did with it.

A `Course` is an ordered set of bank lessons and questions with a pass mark; one course
may be required for telework (passed within `validity_days`). A `Campaign` assigns either
a course or its own ordered items (`Item` belongs to exactly one of the two) to an
audience; at launch the audience is resolved once and every person gets one
`Assignment` (unique per campaign and person), so a later personnel change adds or drops
nobody. A person may also enrol in a required course themselves (an assignment without a
campaign, unique per course and person).

Each time through the items is an `Attempt` with its `Answer`s; campaigns keep these
records themselves and tell the spaced repetition about each answer
(`security.signals.question_answered`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    title = models.CharField(_("研修名"), max_length=200)
    description = models.TextField(_("説明"), max_length=2000, blank=True)
    pass_percent = models.PositiveSmallIntegerField(
        _("合格点（%）"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("問題の正答率がこの値以上で合格です。"),
    )
    required_for_telework = models.BooleanField(
        _("在宅勤務に必須"),
        default=False,
        help_text=_("在宅勤務の準備状況で、この研修の修了（有効期間内）を条件にします。"),
    )
    validity_days = models.PositiveIntegerField(
        _("修了の有効期間（日）"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    active = models.BooleanField(_("使用中"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("研修")
        verbose_name_plural = _("研修")

    def __str__(self) -> str:
        return self.title


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    LAUNCHED = "launched", _("実施中")


class Campaign(models.Model):
    title = models.CharField(_("キャンペーン名"), max_length=200)
    description = models.TextField(_("受講者への説明"), max_length=2000, blank=True)
    course = models.ForeignKey(
        Course,
        verbose_name=_("研修"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    audience = models.JSONField(default=dict, blank=True)
    audience_text = models.CharField(_("対象"), max_length=500, blank=True)
    starts_on = models.DateField(_("開始日"))
    due_on = models.DateField(_("期限"))
    status = models.CharField(
        _("状態"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    launched_at = models.DateTimeField(_("開始した日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("キャンペーン")
        verbose_name_plural = _("キャンペーン")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("starts_on")),
                name="campaign_due_after_start",
                violation_error_message=_("期限は開始日以降にしてください。"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def launched(self) -> bool:
        return self.status == CampaignStatus.LAUNCHED


class Item(models.Model):
    """One step of a course or of a campaign's own set: a lesson to read or a question."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("順"))
    lesson = models.ForeignKey(
        "awareness.Lesson", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    question = models.ForeignKey(
        "awareness.Question", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(course__isnull=False, campaign__isnull=True)
                | Q(course__isnull=True, campaign__isnull=False),
                name="item_belongs_to_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(lesson__isnull=False, question__isnull=True)
                | Q(lesson__isnull=True, question__isnull=False),
                name="item_is_a_lesson_or_a_question",
            ),
            models.UniqueConstraint(fields=["course", "order"], name="one_course_item_per_step"),
            models.UniqueConstraint(
                fields=["campaign", "order"], name="one_campaign_item_per_step"
            ),
        ]

    def __str__(self) -> str:
        return str(self.lesson or self.question)


class Assignment(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    # The course taken (the campaign's, or the one the person enrolled in themselves).
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("期限"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("割り当て日時"))
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    completed_at = models.DateTimeField(_("修了日時"), null=True, blank=True)
    best_percent = models.PositiveSmallIntegerField(_("最高の正答率"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "staff"],
                condition=Q(campaign__isnull=False),
                name="one_assignment_per_campaign_person",
            ),
            models.UniqueConstraint(
                fields=["course", "staff"],
                condition=Q(campaign__isnull=True),
                name="one_self_enrolment_per_course_person",
            ),
            models.CheckConstraint(
                condition=Q(campaign__isnull=False) | Q(course__isnull=False),
                name="assignment_has_content",
            ),
        ]
        indexes = [models.Index(fields=["staff", "completed_at"], name="assignment_staff_done")]

    def __str__(self) -> str:
        # No name: the audit trail records that an assignment changed, not whose.
        return f"Assignment #{self.pk}"

    @property
    def title(self) -> str:
        if self.campaign_id is not None:
            return self.campaign.title  # type: ignore[union-attr]
        return self.course.title  # type: ignore[union-attr]

    def is_overdue(self, today: dt.date) -> bool:
        return self.completed_at is None and self.due_on is not None and today > self.due_on


class Attempt(models.Model):
    """One time through the items. `position` is the index of the next step to show."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    correct = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    # None for a campaign's own set (no pass mark: going through it completes it).
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["assignment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "number"], name="one_attempt_number_per_assignment"
            ),
            # One attempt in progress at a time: a double click cannot open two.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(finished_at__isnull=True),
                name="one_open_attempt_per_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt #{self.pk}"


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("awareness.Question", on_delete=models.PROTECT, related_name="+")
    chosen = models.JSONField(default=list)  # Choice ids
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_answer_per_attempt_question"
            )
        ]

    def __str__(self) -> str:
        return f"Answer #{self.pk}"


class ReminderKind(models.TextChoices):
    LAUNCH = "launch", _("開始のお知らせ")
    BEFORE = "before", _("期限前の催促")
    DUE = "due", _("期限当日の催促")
    OVERDUE = "overdue", _("期限切れの催促")


class Reminder(models.Model):
    """A reminder step of a campaign that was sent; unique, so it is sent once whatever
    runs it (the launch, the scheduler, a retried task)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    # 0 except for OVERDUE: the week after the due date (1, 2, …).
    week = models.PositiveSmallIntegerField(default=0)
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "week"], name="one_reminder_per_campaign_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.kind} {self.week}"


class CampaignSettings(models.Model):
    """The office's reminder settings (one row, pk=1); until saved, the defaults apply."""

    remind_days_before = models.PositiveSmallIntegerField(
        _("期限の何日前に催促するか"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    remind_hour = models.PositiveSmallIntegerField(
        _("催促を送る時刻（時）"),
        default=9,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
    )
    overdue_reminders = models.PositiveSmallIntegerField(
        _("期限切れの催促の回数（毎週）"),
        default=4,
        validators=[MinValueValidator(0), MaxValueValidator(52)],
    )
    send_email = models.BooleanField(_("メールでも送る"), default=True)
    post_to_chat = models.BooleanField(
        _("所属のチャットに集計を投稿する"),
        default=True,
        help_text=_("所属ごとの修了人数だけを投稿し、未修了の人の名前は出しません。"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("研修・キャンペーンの設定")
        verbose_name_plural = _("研修・キャンペーンの設定")

    def __str__(self) -> str:
        return str(_("研修・キャンペーンの設定"))

    @classmethod
    def current(cls) -> CampaignSettings:
        """The saved row, or an unsaved one holding the defaults."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

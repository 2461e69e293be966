"""Training sessions (研修会, issue 16 item 5): courses, their sessions, registrations with a
waiting list, feedback and the courses each kind of member of staff must have attended.

These are *training sessions* people sit in a room or an online meeting for; the security
"courses" of `campaigns` (questions with a pass mark) are a different thing.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.roles import Role
from yakuba.org.models import EmploymentType


def material_path(instance: TrainingCourse, filename: str) -> str:
    """A random name in the private default storage (served only through the app to
    signed-in staff); the original name is kept in `materials_name`."""
    return f"training/materials/{uuid.uuid4().hex}"


class TrainingCourse(models.Model):
    title = models.CharField(_("研修名"), max_length=200)
    description = models.TextField(_("内容"), max_length=4000, blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("所要時間（分）"), default=60, validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    materials = models.FileField(_("資料"), upload_to=material_path, max_length=200, blank=True)
    materials_name = models.CharField(_("資料のファイル名"), max_length=200, blank=True)
    active = models.BooleanField(_("受付中"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("研修")
        verbose_name_plural = _("研修")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("開催予定")
    CANCELLED = "cancelled", _("中止")


class TrainingSession(models.Model):
    """One date of a course: in a room (`place`) or an online meeting of `meetings`."""

    course = models.ForeignKey(
        TrainingCourse, verbose_name=_("研修"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("開始"))
    ends_at = models.DateTimeField(_("終了"))
    place = models.CharField(_("会場"), max_length=200, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("オンライン会議"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_sessions",
    )
    capacity = models.PositiveIntegerField(
        _("定員"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    instructor = models.ForeignKey(
        "org.Staff",
        verbose_name=_("講師"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_sessions_taught",
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    attendance_taken_at = models.DateTimeField(_("出席確定日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("研修会")
        verbose_name_plural = _("研修会")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.course.title} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_online(self) -> bool:
        return self.meeting_id is not None


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("申込済み")
    WAITLISTED = "waitlisted", _("キャンセル待ち")
    CANCELLED = "cancelled", _("取消")
    ATTENDED = "attended", _("出席")
    ABSENT = "absent", _("欠席")


# Registrations that hold (or wait for) a seat.
ACTIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class AttendanceSource(models.TextChoices):
    MEETING = "meeting", _("会議の出席記録")
    MANUAL = "manual", _("手入力")


class Registration(models.Model):
    """One person × one session. `waitlist_position` orders the waiting list (it only grows:
    the first waiting is the one with the smallest position); None unless waitlisted."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="registrations"
    )
    staff = models.ForeignKey(
        "org.Staff", on_delete=models.CASCADE, related_name="training_registrations"
    )
    status = models.CharField(_("状態"), max_length=20, choices=RegistrationStatus.choices)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    registered_at = models.DateTimeField(_("申込日時"))
    promoted_at = models.DateTimeField(_("繰り上げ日時"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    attendance_source = models.CharField(
        max_length=20, choices=AttendanceSource.choices, blank=True
    )
    present_share = models.FloatField(null=True, blank=True)  # from the meeting's data
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("研修の申込")
        verbose_name_plural = _("研修の申込")
        ordering = ["session", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "staff"], name="training_one_registration")
        ]
        indexes = [models.Index(fields=["session", "status", "waitlist_position"])]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.staff_id}:{self.status}"


class Feedback(models.Model):
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("満足度"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("ご意見・ご感想"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("研修のアンケート")
        verbose_name_plural = _("研修のアンケート")

    def __str__(self) -> str:
        return f"{self.registration_id}:{self.rating}"


class Requirement(models.Model):
    """A course a group must have attended. The group: everyone matching *all* the criteria
    set (role, employment type, "joined within N days"); none set = everyone.

    The due date: `due_date` when given; otherwise `due_within_days` after the person joined
    (new hires) or after the requirement was made."""

    course = models.ForeignKey(
        TrainingCourse,
        verbose_name=_("研修"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, blank=True)
    employment_type = models.CharField(
        _("雇用区分"), max_length=20, choices=EmploymentType.choices, blank=True
    )
    new_hires_within_days = models.PositiveIntegerField(
        _("採用後の日数（新規採用者）"), null=True, blank=True
    )
    due_date = models.DateField(_("期限"), null=True, blank=True)
    due_within_days = models.PositiveIntegerField(_("期限（日数）"), null=True, blank=True)
    active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("必修研修")
        verbose_name_plural = _("必修研修")
        ordering = ["course", "pk"]

    def __str__(self) -> str:
        return f"{self.course.title}"

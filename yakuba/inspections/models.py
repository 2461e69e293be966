"""Self-inspection (自己点検): checklists per role, rounds, answer sheets and findings.

A checklist (staff, unit head, system administrator) holds sections of items. A round
fixes its people when it is launched: each gets one answer sheet with the checklist of
their role, answers every item (実施している / 一部 / していない / 該当なし, a comment,
an optional evidence file), submits, and the unit head confirms it or sends it back.
At confirmation every 「していない」 (and 「一部」 when the round says so) becomes a
finding with an owner, a corrective action and a due date, followed until infosec
verifies it. A finding not verified by the next round is shown there and its item is
re-checked: the new answer points at it (`Answer.previous_finding`).

`SectionTally` keeps, per sheet and section, how many answers said what; the heat map and
the trend add tallies up instead of reading every answer, so they cost the same few
queries whatever the size of the office.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChecklistRole(models.TextChoices):
    STAFF = "staff", _("職員")
    UNIT_HEAD = "unit_head", _("所属長")
    SYSADMIN = "sysadmin", _("システム管理者")


class Checklist(models.Model):
    code = models.SlugField(
        _("コード"), max_length=40, unique=True, help_text=_("英数字とハイフン（例：staff-2026）")
    )
    title = models.CharField(_("名称"), max_length=100)
    role = models.CharField(_("対象の役割"), max_length=20, choices=ChecklistRole.choices)
    description = models.TextField(_("説明"), max_length=2000, blank=True)
    active = models.BooleanField(_("使用中"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("チェックリスト")
        verbose_name_plural = _("チェックリスト")
        ordering = ["role", "code"]

    def __str__(self) -> str:
        return self.title


class ChecklistSection(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("区分コード"), max_length=10)
    title = models.CharField(_("区分"), max_length=100)
    order = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("チェックリストの区分")
        verbose_name_plural = _("チェックリストの区分")
        ordering = ["checklist", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="section_code_per_checklist")
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("項目コード"), max_length=20)
    text = models.CharField(_("点検項目"), max_length=300)
    guidance = models.TextField(_("確認のしかた"), max_length=1000, blank=True)
    basis = models.CharField(_("根拠"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("点検項目")
        verbose_name_plural = _("点検項目")
        ordering = ["section__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="item_code_per_checklist")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("準備中")
    OPEN = "open", _("実施中")
    CLOSED = "closed", _("終了")


class Round(models.Model):
    title = models.CharField(_("名称"), max_length=100)
    period_label = models.CharField(
        _("対象期間"), max_length=50, blank=True, help_text=_("例：2026年度上期")
    )
    opens_on = models.DateField(_("開始日"))
    due_on = models.DateField(_("回答期限"))
    review_due_on = models.DateField(_("確認期限"), null=True, blank=True)
    checklists = models.ManyToManyField(Checklist, verbose_name=_("チェックリスト"), blank=True)
    audience = models.JSONField(_("対象者"), default=dict, blank=True)
    partial_is_finding = models.BooleanField(_("「一部実施」も指摘事項にする"), default=False)
    finding_days = models.PositiveIntegerField(_("指摘事項の対応期限（確認から何日）"), default=60)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("前回の点検"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    launched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("自己点検")
        verbose_name_plural = _("自己点検")
        ordering = ["-opens_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class SheetStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未回答")
    DRAFT = "draft", _("回答中")
    SUBMITTED = "submitted", _("提出済み（確認待ち）")
    RETURNED = "returned", _("差し戻し")
    CONFIRMED = "confirmed", _("確認済み")


# Sheets whose answers count in the heat map and the report.
COUNTED_SHEETS = (SheetStatus.SUBMITTED, SheetStatus.CONFIRMED)
EDITABLE_SHEETS = (SheetStatus.NOT_STARTED, SheetStatus.DRAFT, SheetStatus.RETURNED)


class Sheet(models.Model):
    """One person's answers in one round (the person, unit and checklist fixed at launch)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sheets")
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属"), on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状態"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.NOT_STARTED
    )
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    review_comment = models.TextField(_("所属長のコメント"), max_length=1000, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("回答票")
        verbose_name_plural = _("回答票")
        ordering = ["round", "unit__path", "staff__staff_number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "staff"], name="one_sheet_per_person_round")
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.round} / {self.staff}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_SHEETS and self.round.status == RoundStatus.OPEN


class AnswerValue(models.TextChoices):
    DONE = "done", _("実施している")
    PARTIAL = "partial", _("一部実施している")
    NOT_DONE = "not_done", _("実施していない")
    NA = "na", _("該当なし")


def evidence_path(instance: Answer, filename: str) -> str:
    """A random name in the private default storage (never served by URL): the file's own
    name, kept in `evidence_name`, may hold a person's name."""
    return f"inspections/evidence/{uuid.uuid4().hex}"


class Answer(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("回答"), max_length=10, choices=AnswerValue.choices, blank=True)
    comment = models.TextField(_("コメント"), max_length=1000, blank=True)
    evidence = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("証跡ファイル名"), max_length=200, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    # The finding of an earlier round about this item, still open when this round began.
    previous_finding = models.ForeignKey(
        "Finding", on_delete=models.SET_NULL, null=True, blank=True, related_name="rechecks"
    )

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "item"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_value_display()}"


class SectionTally(models.Model):
    """How one sheet answered one section (written with the answers)."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="tallies")
    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="+")
    done = models.PositiveIntegerField(default=0)
    partial = models.PositiveIntegerField(default=0)
    not_done = models.PositiveIntegerField(default=0)
    na = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "section"], name="one_tally_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}/{self.section_id}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("未着手")
    IN_PROGRESS = "in_progress", _("対応中")
    DONE = "done", _("対応済み（確認待ち）")
    VERIFIED = "verified", _("完了（確認済み）")


UNRESOLVED_FINDINGS = (FindingStatus.OPEN, FindingStatus.IN_PROGRESS, FindingStatus.DONE)


class Finding(models.Model):
    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="finding")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("点検項目"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "org.Staff",
        verbose_name=_("担当者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    corrective_action = models.TextField(_("是正措置"), max_length=2000, blank=True)
    due_on = models.DateField(_("対応期限"))
    status = models.CharField(
        _("状態"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    progress_note = models.TextField(_("対応の記録"), max_length=2000, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("前回の指摘事項"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overdue_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("指摘事項")
        verbose_name_plural = _("指摘事項")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(verified_at__isnull=False),
                name="verified_finding_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.item.code}"

    @property
    def resolved(self) -> bool:
        return self.status == FindingStatus.VERIFIED

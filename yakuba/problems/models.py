"""The register of problems and countermeasures (課題と対応策).

A `Problem` is something found in working from home (a group of survey answers, a
category of morning-report blockers, a self-inspection finding, an incident, or written
in freely), owned by a unit, with the evidence behind it. Each problem has one or more
`Countermeasure`s, each owned by a unit, with a due date and a status (検討中 / 対応中 /
対応済 / 見送り — 見送り only with a reason). Progress is reviewed per period (a quarter, a
fiscal half…): each `ProgressReview` keeps the status a countermeasure had at the review
and the reviewer's note, so the history of a countermeasure can be read period by period.

Other apps link to countermeasures (a policy reply answers an evaluator's comment with
them): `Countermeasure` and its fields below are kept stable, changes are additive only.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from yakuba.core.text import TextValidator


class SourceKind(models.TextChoices):
    """Where a problem was found. The reference fields of `Problem` say which one."""

    SURVEY_GROUP = "survey_group", _("アンケートの自由記述グループ")
    BLOCKER_CATEGORY = "blocker_category", _("朝の業務報告の困りごと")
    FINDING = "finding", _("自己点検の指摘事項")
    INCIDENT = "incident", _("インシデント")
    FREE = "free", _("自由記入")


class Status(models.TextChoices):
    """The status of a countermeasure."""

    CONSIDERING = "considering", _("検討中")
    IN_PROGRESS = "in_progress", _("対応中")
    DONE = "done", _("対応済")
    DECLINED = "declined", _("見送り")


#: Countermeasures still to be acted on (a due date passed while in one of these: overdue).
OPEN_STATUSES = (Status.CONSIDERING, Status.IN_PROGRESS)
#: Countermeasures that are finished, one way or the other (they have a ``closed_at``).
CLOSED_STATUSES = (Status.DONE, Status.DECLINED)


def validate_internal_url(value: str) -> None:
    """A relative path of this site that resolves to one of its pages (e.g.
    ``/security/inspections/findings/12/``): never another host, a scheme or ``//``."""
    if not value:
        return
    message = _("このサイト内のページのURL（/ で始まる相対パス）を入力してください。")
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(c.isspace() or ord(c) < 32 for c in value)
    ):
        raise ValidationError(message, code="external")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        raise ValidationError(message, code="external")
    try:
        resolve(parts.path)
    except Resolver404:
        raise ValidationError(
            _("このサイトに「%(path)s」というページはありません。") % {"path": parts.path[:100]},
            code="unknown",
        ) from None


class Problem(models.Model):
    title = models.CharField(_("課題"), max_length=200, validators=[TextValidator(200)])
    description = models.TextField(
        _("内容"), max_length=4000, blank=True, validators=[TextValidator(4000, multiline=True)]
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("担当所属"), on_delete=models.PROTECT, related_name="+"
    )
    source_kind = models.CharField(
        _("把握のきっかけ"), max_length=20, choices=SourceKind.choices, default=SourceKind.FREE
    )
    # Which source (kinds other than FREE): the id of the survey, the blocker, the finding
    # or the incident; `source_key` the survey's group key or the blocker category's code;
    # `source_label` the group or category as it was shown where the problem was created.
    source_id = models.PositiveBigIntegerField(_("参照先の番号"), null=True, blank=True)
    source_key = models.CharField(
        _("参照先のコード"), max_length=100, blank=True, validators=[TextValidator(100)]
    )
    source_label = models.CharField(
        _("参照先の名称"), max_length=200, blank=True, validators=[TextValidator(200)]
    )
    # The period the problem was found in: a fiscal year (年度, April to March, given by
    # the calendar year it starts in) or dates.
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    period_start = models.DateField(_("期間（開始）"), null=True, blank=True)
    period_end = models.DateField(_("期間（終了）"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("課題")
        verbose_name_plural = _("課題")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["source_kind", "source_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="problem_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("problems:detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors.setdefault("period_end", []).append(
                ValidationError(_("期間の終了日は開始日以降にしてください。"))
            )
        if self.fiscal_year is not None and not 1989 <= self.fiscal_year <= 2200:
            errors.setdefault("fiscal_year", []).append(
                ValidationError(_("年度は西暦（例：2020）で入力してください。"))
            )
        if errors:
            raise ValidationError(errors)


class EvidenceLink(models.Model):
    """What shows the problem: a page of this site (a relative URL) or a reference to a
    document outside it (e.g. "令和2年度 在宅勤務アンケート 問5")."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="evidence")
    label = models.CharField(_("根拠の名称"), max_length=200, validators=[TextValidator(200)])
    url = models.CharField(
        _("このサイト内のURL"),
        max_length=500,
        blank=True,
        validators=[validate_internal_url],
    )
    reference = models.CharField(
        _("資料名・所在"), max_length=300, blank=True, validators=[TextValidator(300)]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("根拠")
        verbose_name_plural = _("根拠")
        ordering = ["problem", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(reference=""), name="evidence_has_url_or_reference"
            )
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if not self.url and not self.reference:
            raise ValidationError(
                _("根拠には、このサイト内のURLか資料名のどちらかを入力してください。")
            )


class Countermeasure(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="countermeasures")
    description = models.TextField(
        _("対応策"), max_length=2000, validators=[TextValidator(2000, multiline=True)]
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("担当所属"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("期限"), null=True, blank=True)
    status = models.CharField(
        _("状況"), max_length=20, choices=Status.choices, default=Status.CONSIDERING
    )
    reason = models.TextField(
        _("見送りの理由"),
        max_length=2000,
        blank=True,
        validators=[TextValidator(2000, multiline=True)],
    )
    closed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    # The due date an overdue reminder was sent for: one reminder per due date (a new due
    # date may be reminded again).
    reminded_due_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("対応策")
        verbose_name_plural = _("対応策")
        ordering = ["problem", "order", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""),
                name="declined_countermeasure_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["considering", "in_progress"]) | Q(closed_at__isnull=False),
                name="closed_countermeasure_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def get_absolute_url(self) -> str:
        return f"{self.problem.get_absolute_url()}#cm-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    def clean(self) -> None:
        if self.status == Status.DECLINED and not self.reason.strip():
            raise ValidationError(
                {"reason": _("「見送り」にするときは、見送りの理由を入力してください。")}
            )


class ProgressReview(models.Model):
    """One review of a problem's progress in a period: for a countermeasure (with the
    status it had then) or for the problem as a whole (``countermeasure`` None, e.g. a
    problem still without countermeasures). The history of reviews is never rewritten."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="reviews")
    countermeasure = models.ForeignKey(
        Countermeasure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reviews",
    )
    period_label = models.CharField(
        _("点検の期間"), max_length=100, validators=[TextValidator(100)]
    )
    period_start = models.DateField(_("期間（開始）"))
    period_end = models.DateField(_("期間（終了）"))
    status = models.CharField(_("点検時の状況"), max_length=20, choices=Status.choices, blank=True)
    due_on = models.DateField(_("点検時の期限"), null=True, blank=True)
    note = models.TextField(
        _("点検の所見"),
        max_length=2000,
        blank=True,
        validators=[TextValidator(2000, multiline=True)],
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_on = models.DateField(_("点検日"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("進捗の点検")
        verbose_name_plural = _("進捗の点検")
        ordering = ["-period_start", "problem", "countermeasure", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["countermeasure", "period_start", "period_end"],
                condition=Q(countermeasure__isnull=False),
                name="one_review_per_countermeasure_and_period",
            ),
            models.UniqueConstraint(
                fields=["problem", "period_start", "period_end"],
                condition=Q(countermeasure__isnull=True),
                name="one_problem_review_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="review_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_label} {self.problem_id}/{self.countermeasure_id or '-'}"

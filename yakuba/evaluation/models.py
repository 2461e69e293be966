"""The evidence report (テレワーク点検・評価報告): one generated report per request.

A report is computed once by a task (`tasks.generate_report`) from the sections
registered in `sections.py` and stored as JSON (`result`), so its page always shows what
was generated; "regenerate" makes a new report (`regenerated_from`), never overwrites one.
The .docx and .xlsx are written through Django's storage API under private names (never
served by URL: downloads go through a permission-checked, audited view).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yakuba.org.models import Unit


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("作成中")
    DONE = "done", _("完成")
    FAILED = "failed", _("失敗")


def report_file_path(instance: EvidenceReport, filename: str) -> str:
    """A random name under the private default storage (the extension kept)."""
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"evaluation/{uuid.uuid4().hex}.{ext}"


class EvidenceReport(models.Model):
    """One evidence report: what it covers, who asked for it, its progress and result."""

    title = models.CharField(_("表題"), max_length=200)
    period_start = models.DateField(_("対象期間の開始日"))
    period_end = models.DateField(_("対象期間の終了日"))
    period_label = models.CharField(_("対象期間の名称"), max_length=100, blank=True)
    comparison_start = models.DateField(_("比較期間の開始日"), null=True, blank=True)
    comparison_end = models.DateField(_("比較期間の終了日"), null=True, blank=True)
    comparison_label = models.CharField(_("比較期間の名称"), max_length=100, blank=True)
    # Empty: the whole office. Otherwise these units with their subtrees.
    units = models.ManyToManyField(Unit, verbose_name=_("対象の所属"), blank=True, related_name="+")
    language = models.CharField(_("言語"), max_length=10, default="ja")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    regenerated_from = models.ForeignKey(
        "self",
        verbose_name=_("再作成の元"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regenerations",
    )
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    # Live progress written by the task: sections done of total, and the one being computed.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    current_section = models.CharField(max_length=200, blank=True)
    run_id = models.CharField(max_length=64, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(_("作成日時"), null=True, blank=True)
    failure = models.TextField(blank=True)
    # The computed sections as generated (see `rendering.serialise`).
    result = models.JSONField(default=dict, blank=True)
    docx_file = models.FileField(upload_to=report_file_path, max_length=200, blank=True)
    xlsx_file = models.FileField(upload_to=report_file_path, max_length=200, blank=True)

    class Meta:
        verbose_name = _("テレワーク点検・評価報告")
        verbose_name_plural = _("テレワーク点検・評価報告")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return self.period_start, self.period_end

    @property
    def comparison(self) -> tuple[dt.date, dt.date] | None:
        if self.comparison_start is None or self.comparison_end is None:
            return None
        return self.comparison_start, self.comparison_end

    @property
    def is_running(self) -> bool:
        return self.status in {ReportStatus.QUEUED, ReportStatus.RUNNING}

    @property
    def progress_pct(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)

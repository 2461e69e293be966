"""Generating an evidence report in the background, with progress a page can poll."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from yakuba.evaluation import facts, files, rendering, sections
from yakuba.evaluation.models import EvidenceReport, ReportStatus
from yakuba.evaluation.selectors import scope_label

logger = logging.getLogger(__name__)


def request_of(report: EvidenceReport) -> sections.ReportRequest:
    comparison = report.comparison
    unit_ids = frozenset(report.units.values_list("pk", flat=True))
    return sections.ReportRequest(
        period=sections.Period(report.period_start, report.period_end, report.period_label),
        comparison=(
            sections.Period(comparison[0], comparison[1], report.comparison_label)
            if comparison
            else None
        ),
        unit_ids=unit_ids or None,
    )


def claim(report_id: int) -> EvidenceReport | None:
    """Mark a queued report running (None when it is not queued: delivered twice)."""
    with transaction.atomic():
        taken = EvidenceReport.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
            status=ReportStatus.RUNNING, started_at=timezone.now()
        )
    return EvidenceReport.objects.get(pk=report_id) if taken else None


@task()
def generate_report(report_id: int) -> None:
    report = claim(report_id)
    if report is not None:
        generate(report)


def generate(report: EvidenceReport) -> EvidenceReport:
    """Compute every section, store the result and write the .docx and .xlsx."""
    total = len(sections.registered())
    EvidenceReport.objects.filter(pk=report.pk).update(progress_total=total, progress_done=0)

    def progress(done: int, total: int, section: sections.ReportSection) -> None:
        following = sections.registered()
        current = str(following[done].title) if done < len(following) else ""
        EvidenceReport.objects.filter(pk=report.pk).update(
            progress_done=done, progress_total=total, current_section=current
        )

    try:
        with translation.override(report.language), facts.shared_facts():
            request = request_of(report)
            first = sections.registered()
            if first:
                EvidenceReport.objects.filter(pk=report.pk).update(
                    current_section=str(first[0].title)
                )
            computed = sections.compute_all(request, progress=progress)
            result = rendering.serialise(request, computed)
            result["scope"] = scope_label(report)
            report.result = result
            report.generated_at = timezone.now()
            docx = files.docx_bytes(report)
            xlsx = files.xlsx_bytes(report)
    except Exception as exc:  # the page says it failed; the log keeps the trace
        logger.exception("evidence report %s failed", report.pk)
        EvidenceReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, failure=f"{type(exc).__name__}: {exc}"[:2000]
        )
        report.refresh_from_db()
        return report
    report.docx_file.save("report.docx", ContentFile(docx), save=False)
    report.xlsx_file.save("report.xlsx", ContentFile(xlsx), save=False)
    report.status = ReportStatus.DONE
    report.current_section = ""
    report.progress_done = report.progress_total = total
    report.save(
        update_fields=[
            "result",
            "generated_at",
            "docx_file",
            "xlsx_file",
            "status",
            "current_section",
            "progress_done",
            "progress_total",
        ]
    )
    return report

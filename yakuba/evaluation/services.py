"""Writes: asking for an evidence report (and regenerating one). Generation is a task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.evaluation.models import EvidenceReport, ReportStatus
from yakuba.org.models import Unit


def request_report(
    actor: User | None,
    *,
    title: str,
    period: tuple[dt.date, dt.date],
    period_label: str = "",
    comparison: tuple[dt.date, dt.date] | None = None,
    comparison_label: str = "",
    units: Iterable[Unit] = (),
    language: str | None = None,
    regenerated_from: EvidenceReport | None = None,
    requested_by: User | None = None,
    enqueue: bool = True,
) -> EvidenceReport:
    """Store the request and queue its generation (after the commit). ``actor=None`` is the
    system (the demo loader), which names ``requested_by``."""
    if actor is not None and not actor.can(Capability.GENERATE_EVALUATION_REPORT):
        raise PermissionDenied("may not generate evidence reports")
    owner = actor or requested_by
    if owner is None:
        raise ValueError("a report is requested by someone")
    if period[1] < period[0] or (comparison is not None and comparison[1] < comparison[0]):
        raise ValueError("a period ends on or after the day it starts")
    with transaction.atomic():
        report = EvidenceReport.objects.create(
            title=title,
            period_start=period[0],
            period_end=period[1],
            period_label=period_label,
            comparison_start=comparison[0] if comparison else None,
            comparison_end=comparison[1] if comparison else None,
            comparison_label=comparison_label,
            language=(language or translation.get_language() or "ja")[:10],
            requested_by=owner,
            regenerated_from=regenerated_from,
        )
        unit_list = list(units)
        if unit_list:
            report.units.set(unit_list)
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=report,
            changes={
                "title": title,
                "period": [period[0].isoformat(), period[1].isoformat()],
                "comparison": [comparison[0].isoformat(), comparison[1].isoformat()]
                if comparison
                else None,
                "units": [u.code for u in unit_list],
                "regenerated_from": regenerated_from.pk if regenerated_from else None,
            },
        )
        if enqueue:
            from yakuba.evaluation.tasks import generate_report

            pk = report.pk
            transaction.on_commit(lambda: generate_report.enqueue(pk))
    return report


def regenerate(actor: User, report: EvidenceReport) -> EvidenceReport:
    """A new report with the same parameters (the old one is kept as it was generated)."""
    return request_report(
        actor,
        title=report.title,
        period=(report.period_start, report.period_end),
        period_label=report.period_label,
        comparison=report.comparison,
        comparison_label=report.comparison_label,
        units=report.units.all(),
        language=translation.get_language() or report.language,
        regenerated_from=report,
    )


def is_finished(report: EvidenceReport) -> bool:
    return report.status in {ReportStatus.DONE, ReportStatus.FAILED}

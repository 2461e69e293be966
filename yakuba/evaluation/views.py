"""Evidence reports: the list, the request form, the report page (with its progress while
it is generated) and its files."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.core.tabular import XLSX_CONTENT_TYPE
from yakuba.evaluation import selectors, services
from yakuba.evaluation.files import change_text, figure_value
from yakuba.evaluation.forms import ReportForm
from yakuba.evaluation.models import EvidenceReport, ReportStatus
from yakuba.evaluation.rendering import chart_svg

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@capability_required(Capability.VIEW_EVALUATION_REPORT)
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    reports = selectors.visible_reports(request.user).prefetch_related("units")[:200]
    return render(
        request,
        "evaluation/report_list.html",
        {"reports": reports, "can_generate": selectors.can_generate(request.user)},
    )


@capability_required(Capability.GENERATE_EVALUATION_REPORT)
def report_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = services.request_report(
            request.user,
            title=data["title"],
            period=data["period"],
            period_label=data["period_label"],
            comparison=data["comparison"],
            comparison_label=data["comparison_label"],
            units=data["units"],
        )
        return redirect("evaluation:report_detail", pk=report.pk)
    return render(request, "evaluation/report_new.html", {"form": form})


def _sections(report: EvidenceReport) -> list[dict[str, Any]]:
    """The stored sections with what the page shows beside them (charts, formatted figures)."""
    out = []
    for number, section in enumerate((report.result or {}).get("sections", []), start=1):
        figures = [
            {
                **f,
                "value_text": figure_value(f["value"], f["unit"]),
                "comparison_text": figure_value(f["comparison"], f["unit"]),
                "change_text": change_text(f["change"], f["unit"]),
            }
            for f in section.get("figures", [])
        ]
        tables = [
            {
                **t,
                "svg": chart_svg(t),
                "anchor": f"t-{section['code']}-{t['key']}",
                # (value, is a number?) per cell: numbers right-aligned, text left.
                "cells": [
                    [(v, isinstance(v, (int, float)) and not isinstance(v, bool)) for v in row]
                    for row in t.get("rows", [])
                ],
            }
            for t in section.get("tables", [])
        ]
        out.append({**section, "number": number, "figures": figures, "tables": tables})
    return out


@capability_required(Capability.VIEW_EVALUATION_REPORT)
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_for_user_or_404(selectors.visible_reports, request.user, pk)
    result = report.result or {}
    return render(
        request,
        "evaluation/report_detail.html",
        {
            "report": report,
            "result": result,
            "sections": _sections(report) if report.status == ReportStatus.DONE else [],
            "scope": result.get("scope") or selectors.scope_label(report),
            "can_generate": selectors.can_generate(request.user),
        },
    )


@capability_required(Capability.VIEW_EVALUATION_REPORT)
def report_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_for_user_or_404(selectors.visible_reports, request.user, pk)
    response = render(request, "evaluation/partials/progress.html", {"report": report})
    if not report.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # finished: show the report itself
    return response


@require_POST
@capability_required(Capability.GENERATE_EVALUATION_REPORT)
def report_regenerate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_for_user_or_404(selectors.visible_reports, request.user, pk)
    new = services.regenerate(request.user, report)
    return redirect("evaluation:report_detail", pk=new.pk)


@capability_required(Capability.VIEW_EVALUATION_REPORT)
def report_download(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = get_for_user_or_404(selectors.visible_reports, request.user, pk)
    if fmt not in ("docx", "xlsx") or report.status != ReportStatus.DONE:
        raise Http404
    stored = report.docx_file if fmt == "docx" else report.xlsx_file
    if not stored:
        raise Http404

    def produce() -> bytes:
        with stored.open("rb") as f:
            return bytes(f.read())

    stamp = report.generated_at.strftime("%Y%m%d") if report.generated_at else ""
    return download(
        produce,
        filename=f"{report.title}_{stamp}.{fmt}",
        content_type=DOCX_CONTENT_TYPE if fmt == "docx" else XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="evaluation.evidencereport",
        object_repr=_("テレワーク点検・評価報告 %(pk)s") % {"pk": report.pk},
        changes={"report": report.pk, "format": fmt},
    )

"""「ナレッジの広がり」: the information division sees who helped whom across departments and
position levels, as matrices and a monthly trend, with an .xlsx export (audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core import charts
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required
from yakuba.core.smallgroups import DEFAULT_MIN_GROUP
from yakuba.core.tabular import XLSX_CONTENT_TYPE, write_xlsx
from yakuba.knowledge import crossing
from yakuba.knowledge import crossing_selectors as cs
from yakuba.knowledge.forms import CrossingForm


def _choices(request: AuthenticatedHttpRequest) -> tuple[CrossingForm, dt.date, dt.date, str, str]:
    today = timezone.localdate()
    default_start, default_end = CrossingForm.default_period(today)
    form = CrossingForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("start") or default_start
    end = data.get("end") or default_end
    if start > end:  # only one of them given, the other defaulted past it
        start, end = end, start
    measure = data.get("measure") or cs.MEASURE_FIRST
    by = data.get("by") or cs.BY_DEPARTMENT
    if not form.is_bound:
        form = CrossingForm(initial={"start": start, "end": end, "measure": measure, "by": by})
    return form, start, end, measure, by


def _label(report: cs.Report, by: str, group: Hashable) -> str:
    if group == crossing.OTHER:
        return _("その他")
    return report.labels[by].get(group, str(group))


def _measure_label(measure: str) -> str:
    return dict(CrossingForm.base_fields["measure"].choices)[measure]  # type: ignore[attr-defined]


def _by_label(by: str) -> str:
    return dict(CrossingForm.base_fields["by"].choices)[by]  # type: ignore[attr-defined]


def _month(day: dt.date) -> str:
    return _("%(y)s年%(m)s月") % {"y": day.year, "m": day.month}


def _label_every(n: int) -> int:
    """Label every e-th month, ~12 labels at most, so that the last month (always labelled
    by the chart) falls on the step and no two labels overlap."""
    every = max(1, -(-n // 12))
    for e in range(every, every + 4):
        if (n - 1) % e == 0:
            return e
    return every


def _trend_chart(report: cs.Report) -> SafeString:
    if len(report.trend) < 2:
        return SafeString("")
    return charts.line_chart(
        charts.Chart(
            title=_("ほかの部の職員が最初に回答した質問の割合（月別、%）"),
            description=_("質問した月ごとに、最初の回答が質問者と別の部の職員からだった割合。"),
            categories=[f"{r.month:%Y/%m}" for r in report.trend],
            point_titles=[
                f"{_month(r.month)}: "
                + ("—" if r.outside_percent is None else f"{r.outside_percent}%")
                for r in report.trend
            ],
            label_every=_label_every(len(report.trend)),
            series=[
                charts.Series(
                    _("ほかの部からの回答"), [r.outside_percent for r in report.trend], charts.BLUE
                )
            ],
            unit="%",
            y_max=100,
            chart_id="knowledge-crossing-trend",
        )
    )


def _matrix_rows(report: cs.Report, m: crossing.Matrix, by: str) -> list[dict[str, Any]]:
    return [
        {
            "label": _label(report, by, row),
            "cells": [{"n": m.cell(row, col), "diagonal": row == col} for col in m.groups],
            "total": m.row_total(row),
        }
        for row in m.groups
    ]


@capability_required(Capability.MODERATE_KNOWLEDGE)
def crossing_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, start, end, measure, by = _choices(request)
    report = cs.report(start, end)
    m = report.matrix(measure, by)
    outside, answered = report.outside_department()
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    return render(
        request,
        "knowledge/crossing.html",
        {
            "form": form,
            "report": report,
            "start": start,
            "end": end,
            "measure_label": _measure_label(measure),
            "by_label": _by_label(by),
            "matrix": m,
            "columns": [_label(report, by, g) for g in m.groups],
            "rows": _matrix_rows(report, m, by),
            "column_totals": [m.column_total(g) for g in m.groups],
            "merged": [_label(report, by, g) for g in m.merged],
            "across_percent": crossing.percent(m.across, m.total),
            "outside": outside,
            "answered": answered,
            "outside_percent": crossing.percent(outside, answered),
            "answered_percent": crossing.percent(answered, report.questions),
            "median_hours": report.median_hours,
            "chart": _trend_chart(report),
            "months": [(_month(r.month), r) for r in report.trend],
            "min_group": DEFAULT_MIN_GROUP,
            "export_query": query,
        },
    )


def _matrix_sheet(
    report: cs.Report, measure: str, by: str
) -> tuple[str, list[str], list[list[object]]]:
    m = report.matrix(measure, by)
    title = {
        cs.MEASURE_FIRST: _("最初の回答"),
        cs.MEASURE_ACCEPTED: _("解決した回答"),
        cs.MEASURE_TRAINING: _("研修会"),
    }[measure] + ("・" + (_("部") if by == cs.BY_DEPARTMENT else _("職位")))
    header = [_("助けた側 ＼ 助けられた側"), *(_label(report, by, g) for g in m.groups), _("計")]
    rows: list[list[object]] = [
        [_label(report, by, r), *(m.cell(r, c) for c in m.groups), m.row_total(r)] for r in m.groups
    ]
    if m.withheld:
        rows = [[_("対象の職員が%(n)s人未満のため表示しません。") % {"n": DEFAULT_MIN_GROUP}]]
    else:
        rows.append([_("計"), *(m.column_total(c) for c in m.groups), m.total])
    return title, header, rows


@capability_required(Capability.MODERATE_KNOWLEDGE)
def crossing_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, start, end, _measure, _by = _choices(request)
    report = cs.report(start, end)

    def produce() -> bytes:
        outside, answered = report.outside_department()
        summary: list[list[object]] = [
            [_("期間"), f"{start:%Y-%m-%d}〜{end:%Y-%m-%d}"],
            [_("質問数"), report.questions],
            [_("回答があった質問"), answered],
            [_("ほかの部の職員が最初に回答した質問"), outside],
            [_("ほかの部からの回答の割合（%）"), crossing.percent(outside, answered)],
            [_("最初の回答までの時間の中央値（時間）"), report.median_hours],
            [_("研修会の出席者（講師本人を除く）"), len(report.trained)],
            [_("年代別"), _("職員の記録に生年がないため集計していません。")],
        ]
        trend_rows: list[list[object]] = [
            [
                _month(r.month),
                r.questions,
                r.answered,
                r.outside,
                r.outside_percent,
                r.median_hours,
                r.trainees,
            ]
            for r in report.trend
        ]
        sheets: list[tuple[str, list[str], list[list[object]]]] = [
            (_("概要"), [_("項目"), _("値")], summary),
            (
                _("月別の推移"),
                [
                    _("年月"),
                    _("質問数"),
                    _("回答があった質問"),
                    _("ほかの部からの最初の回答"),
                    _("ほかの部からの割合（%）"),
                    _("最初の回答までの中央値（時間）"),
                    _("研修会の出席者"),
                ],
                trend_rows,
            ),
        ]
        for measure in (cs.MEASURE_FIRST, cs.MEASURE_ACCEPTED, cs.MEASURE_TRAINING):
            for by in (cs.BY_DEPARTMENT, cs.BY_LEVEL):
                sheets.append(_matrix_sheet(report, measure, by))
        return write_xlsx(sheets)

    return download(
        produce,
        filename=_("ナレッジの広がり_%(start)s_%(end)s.xlsx")
        % {"start": f"{start:%Y%m%d}", "end": f"{end:%Y%m%d}"},
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="knowledge.crossing",
        changes={"start": start.isoformat(), "end": end.isoformat()},
    )

"""The computed report as stored JSON, and back to what the page, the .docx and the .xlsx
show. The renderers read only this JSON (`EvidenceReport.result`), so a report shows
exactly what was generated, and a section registered later needs no change here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString

from yakuba.core.charts import Chart, Reference, Series, bar_chart, line_chart
from yakuba.evaluation.sections import ComputedSection, Figure, ReportRequest, Source, Table

FORMAT = 1


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _cell(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _source(source: Source | None) -> dict[str, str] | None:
    if source is None:
        return None
    return {"label": _text(source.label), "url": source.url}


def change_of(value: Any, comparison: Any) -> float | None:
    if not isinstance(value, (int, float)) or not isinstance(comparison, (int, float)):
        return None
    return round(value - comparison, 1)


def _figure(f: Figure) -> dict[str, Any]:
    return {
        "key": f.key,
        "label": _text(f.label),
        "value": f.value,
        "unit": _text(f.unit),
        "comparison": f.comparison,
        "change": change_of(f.value, f.comparison),
        "source": _source(f.source),
        "note": _text(f.note),
    }


def chart_data(chart: Chart) -> dict[str, Any]:
    return {
        "title": _text(chart.title),
        "categories": [_text(c) for c in chart.categories],
        "series": [{"label": _text(s.label), "values": list(s.values)} for s in chart.series],
        "unit": _text(chart.unit),
        "y_max": chart.y_max,
        "references": [{"label": _text(r.label), "value": r.value} for r in chart.references],
        "description": _text(chart.description),
        "chart_id": chart.chart_id,
    }


def _table(t: Table) -> dict[str, Any]:
    return {
        "key": t.key,
        "title": _text(t.title),
        "columns": [_text(c) for c in t.columns],
        "rows": [[_cell(v) for v in row] for row in t.rows],
        "source": _source(t.source),
        "note": _text(t.note),
        "chart": chart_data(t.chart) if t.chart is not None else None,
        "chart_kind": t.chart_kind,
    }


def serialise(request: ReportRequest, computed: Sequence[ComputedSection]) -> dict[str, Any]:
    """The report as JSON-ready data (translated text in the active language)."""
    return {
        "format": FORMAT,
        "period": {
            "start": request.period.start.isoformat(),
            "end": request.period.end.isoformat(),
            "label": request.period.label,
        },
        "comparison": (
            {
                "start": request.comparison.start.isoformat(),
                "end": request.comparison.end.isoformat(),
                "label": request.comparison.label,
            }
            if request.comparison
            else None
        ),
        "sections": [
            {
                "code": c.section.code,
                "title": _text(c.section.title),
                "intro": _text(c.section.intro),
                "has_data": c.result.has_data,
                "paragraphs": [_text(p) for p in c.result.paragraphs],
                "figures": [_figure(f) for f in c.result.figures],
                "tables": [_table(t) for t in c.result.tables],
            }
            for c in computed
        ],
    }


def chart_of(data: dict[str, Any]) -> Chart:
    return Chart(
        title=data["title"],
        categories=data["categories"],
        series=[Series(s["label"], s["values"]) for s in data["series"]],
        unit=data.get("unit", ""),
        y_max=data.get("y_max"),
        references=[Reference(r["label"], r["value"]) for r in data.get("references", [])],
        description=data.get("description", ""),
        chart_id=data.get("chart_id") or "chart",
    )


def chart_svg(table: dict[str, Any]) -> SafeString:
    """The table's chart as accessible SVG (empty when it has none)."""
    data = table.get("chart")
    if not data:
        return SafeString("")
    chart = chart_of(data)
    kind = table.get("chart_kind", "bar")
    if kind == "line":
        return line_chart(chart)
    return bar_chart(chart, stacked=kind == "stacked")


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Excel sheet names for the tables: at most 31 characters, none of []:*?/\\, unique."""
    names: list[str] = []
    for index, title in enumerate(titles, start=1):
        base = _SHEET_BAD.sub("・", title).strip("'") or "table"
        name = f"{index:02d} {base}"[:31]
        while name in names:
            name = name[:28] + f"~{len(names)}"
        names.append(name)
    return names


def all_tables(result: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(section, table) for every table of the report, in order."""
    return [(s, t) for s in result.get("sections", []) for t in s.get("tables", [])]

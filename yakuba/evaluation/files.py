"""The report's files: Word (.docx, with the charts as images) and Excel (.xlsx, a sheet
per table).

Charts in the .docx: the same SVG as the page (`yakuba.core.charts`) drawn to PNG by
cairosvg (libcairo2). Why this and not matplotlib: one drawing of each chart for the page
and the file (the figures and colours cannot drift apart), no second plotting library,
and cairo resolves the font through fontconfig by family name — the SVG is given
``font-family="Noto Sans CJK JP"`` explicitly (apt ``fonts-noto-cjk``), so Japanese labels
never fall back to a font without kana and kanji (no tofu). `chart_font_file` names the
file fontconfig uses for it; rendering refuses to start without one.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.core.tabular import safe_cell, write_xlsx
from yakuba.evaluation.rendering import all_tables, chart_svg, sheet_names

CHART_FONT_FAMILY = "Noto Sans CJK JP"
CHART_PNG_WIDTH = 1440  # twice the SVG's width: sharp when printed


class ChartFontMissing(RuntimeError):
    pass


@functools.cache
def chart_font_file() -> str:
    """The font file fontconfig draws ``CHART_FONT_FAMILY`` with (a Noto Sans CJK file)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise ChartFontMissing("fc-match (fontconfig) is not installed")
    found = subprocess.run(  # noqa: S603 - fixed arguments
        [fc_match, "-f", "%{file}", CHART_FONT_FAMILY], capture_output=True, text=True, check=False
    ).stdout.strip()
    if "CJK" not in found:
        raise ChartFontMissing(
            f"{CHART_FONT_FAMILY} is not installed (fontconfig offers {found!r}): "
            "install the fonts-noto-cjk package"
        )
    return found


def svg_for_png(svg: str) -> str:
    """The page's SVG made drawable on its own: a fixed size and the CJK font family."""
    return re.sub(
        r'<svg class="chart" width="100%"',
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="720" height="240" '
        f'font-family="{CHART_FONT_FAMILY}"',
        svg,
        count=1,
    )


def chart_png(table: dict[str, Any]) -> bytes | None:
    """The table's chart as PNG (None when it has none)."""
    svg = str(chart_svg(table))
    if not svg:
        return None
    chart_font_file()
    import cairosvg

    png: bytes = cairosvg.svg2png(
        bytestring=svg_for_png(svg).encode("utf-8"),
        output_width=CHART_PNG_WIDTH,
        background_color="white",
    )
    return png


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def figure_value(value: Any, unit: str) -> str:
    return "—" if value is None else f"{_fmt(value)}{unit}"


def change_text(change: Any, unit: str) -> str:
    if change is None:
        return "—"
    unit = _("ポイント") if unit == "%" else unit
    sign = "+" if change > 0 else ""
    return f"{sign}{_fmt(change)}{unit}"


def heading_lines(report: Any) -> list[str]:
    result = report.result or {}
    period = result.get("period") or {}
    comparison = result.get("comparison")
    lines = [
        _("対象期間：%(label)s（%(start)s〜%(end)s）")
        % {"label": period.get("label", ""), "start": period.get("start"), "end": period.get("end")}
    ]
    if comparison:
        lines.append(
            _("比較期間：%(label)s（%(start)s〜%(end)s）")
            % {
                "label": comparison.get("label", ""),
                "start": comparison.get("start"),
                "end": comparison.get("end"),
            }
        )
    lines.append(_("対象：%(scope)s") % {"scope": result.get("scope", "")})
    if report.generated_at:
        at = timezone.localtime(report.generated_at)
        lines.append(_("作成日時：%(at)s") % {"at": at.strftime("%Y-%m-%d %H:%M")})
    return lines


def docx_bytes(report: Any) -> bytes:
    """The report as a Word document: title, headings per section, figures with the
    comparison and change, tables, charts as images, sources."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
        style = doc.styles[style_name]
        style.font.name = CHART_FONT_FAMILY
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), CHART_FONT_FAMILY)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(report.title, level=0)
    for line in heading_lines(report):
        doc.add_paragraph(line)
    result = report.result or {}
    for number, section in enumerate(result.get("sections", []), start=1):
        doc.add_heading(f"{number}. {section['title']}", level=1)
        if section.get("intro"):
            doc.add_paragraph(section["intro"])
        if not section.get("has_data", True):
            doc.add_paragraph(_("この期間のデータがありません。"))
        figures = section.get("figures") or []
        if figures:
            table = doc.add_table(rows=1, cols=5)
            table.style = "Table Grid"
            for cell, text in zip(
                table.rows[0].cells,
                (_("指標"), _("対象期間"), _("比較期間"), _("増減"), _("出典")),
                strict=True,
            ):
                cell.text = text
            for f in figures:
                cells = table.add_row().cells
                cells[0].text = f["label"] + (f"（{f['note']}）" if f.get("note") else "")
                cells[1].text = figure_value(f["value"], f["unit"])
                cells[2].text = figure_value(f["comparison"], f["unit"])
                cells[3].text = change_text(f["change"], f["unit"])
                cells[4].text = (f.get("source") or {}).get("label", "")
        for paragraph in section.get("paragraphs") or []:
            doc.add_paragraph(paragraph)
        for t in section.get("tables") or []:
            doc.add_heading(t["title"], level=2)
            png = chart_png(t)
            if png is not None:
                doc.add_picture(io.BytesIO(png), width=Cm(16))
                caption = doc.add_paragraph(t["chart"].get("description", ""), style="Caption")
                caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            columns = t.get("columns") or []
            rows = t.get("rows") or []
            if columns:
                table = doc.add_table(rows=1, cols=len(columns))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, columns, strict=True):
                    cell.text = str(text)
                for row in rows:
                    cells = table.add_row().cells
                    for cell, value in zip(cells, row, strict=False):
                        cell.text = _fmt(value)
                if not rows:
                    doc.add_paragraph(_("該当するデータがありません。"))
            if t.get("note"):
                doc.add_paragraph(t["note"])
            if t.get("source"):
                doc.add_paragraph(_("出典：%(label)s") % {"label": t["source"]["label"]})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx_bytes(report: Any) -> bytes:
    """Every table of the report, one sheet each, after a sheet of the headline figures."""
    result = report.result or {}
    figure_rows: list[list[object]] = []
    for section in result.get("sections", []):
        for f in section.get("figures") or []:
            figure_rows.append(
                [
                    section["title"],
                    f["label"],
                    f["value"],
                    f["comparison"],
                    f["change"],
                    f["unit"],
                    (f.get("source") or {}).get("label", ""),
                ]
            )
    tables = all_tables(result)
    names = sheet_names([t["title"] for _s, t in tables])
    sheets: list[tuple[str, list[str], list[list[object]]]] = [
        (
            _("概要"),
            [_("章"), _("指標"), _("対象期間"), _("比較期間"), _("増減"), _("単位"), _("出典")],
            figure_rows,
        )
    ]
    for name, (_section, t) in zip(names, tables, strict=True):
        sheets.append((name, [str(c) for c in t["columns"]], [list(r) for r in t["rows"]]))
    return write_xlsx([(safe_cell(n), h, r) for n, h, r in sheets])

"""The shared helpers every app uses: downloads, the tabular writer and the SVG charts."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from yakuba.audit.models import AuditEntry
from yakuba.core import charts
from yakuba.core.downloads import download, table_download
from yakuba.core.tabular import safe_cell, write_csv, write_xlsx

# --- tabular ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("山田\x00太郎", "山田太郎"),
        ("a\x07b\x1fc", "abc"),
        ("改行\nと\tタブ", "改行\nと\tタブ"),  # a cell keeps line breaks and tabs
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+81", "'+81"),
        ("\ud800lone", "lone"),
        (42, 42),
        (None, None),
    ],
)
def test_safe_cell(raw: object, expected: object) -> None:
    assert safe_cell(raw) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_writers_never_fail_on_stored_text(texts: list[str]) -> None:
    """Whatever text was stored, every writer produces a file Excel can open."""
    rows = [texts, [t[::-1] for t in texts]]
    book = load_workbook(io.BytesIO(write_xlsx([("表", ["列"] * len(texts), rows)])))
    assert book.active is not None and book.active.max_row == 3
    for encoding in ("utf-8", "cp932"):
        assert write_csv(["列"] * len(texts), rows, encoding)


def test_csv_is_excel_friendly() -> None:
    body = write_csv(["氏名", "式"], [["山田", "=1+1"]])
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8 as UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["氏名", "式"], ["山田", "'=1+1"]]
    assert write_csv(["氏名"], [["髙橋"]], "cp932").decode("cp932").splitlines()[1] == "髙橋"


def test_xlsx_header_is_bold_and_frozen() -> None:
    ws = load_workbook(io.BytesIO(write_xlsx([("職員", ["番号", "氏名"], [[1, "山田"]])]))).active
    assert ws is not None
    assert ws.title == "職員" and ws["A1"].font.bold and ws.freeze_panes == "A2"


# --- downloads --------------------------------------------------------------------------


@pytest.mark.django_db
def test_download_names_the_file_in_utf8_and_is_never_cached(make_user) -> None:
    user = make_user("hr")
    response = download(
        b"x",
        filename="勤務表 2026年1月.xlsx",
        content_type="application/octet-stream",
        actor=user,
        object_type="test.export",
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = re.search(r"filename\*=utf-8''(\S+)", disposition)
    assert encoded is not None
    assert unquote(encoded.group(1)) == "勤務表 2026年1月.xlsx"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == user and entry.changes["filename"] == "勤務表 2026年1月.xlsx"


@pytest.mark.django_db
def test_a_failed_export_is_not_recorded(make_user) -> None:
    def broken() -> bytes:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        download(broken, filename="x.csv", content_type="text/csv", actor=make_user("hr"),
                 object_type="test.export")  # fmt: skip
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_table_download_formats(make_user) -> None:
    user = make_user("hr")
    xlsx = table_download(["a"], [[1]], fmt="xlsx", stem="表", actor=user, object_type="t")
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    cp932 = table_download(
        ["a"], [["髙"]], fmt="csv", stem="表", actor=user, object_type="t", encoding="cp932"
    )
    assert "shift_jis" in cp932["Content-Type"] and cp932.content.decode("cp932")
    assert AuditEntry.objects.filter(action="export").count() == 2


# --- charts -----------------------------------------------------------------------------


def _chart(**kwargs: object) -> charts.Chart:
    base: dict[str, object] = {
        "title": "提出率",
        "categories": ["4/1", "4/2", "4/3"],
        "series": [charts.Series("提出", [50, 100, None]), charts.Series("遅れ", [10, 0, 5])],
        "unit": "%",
        "chart_id": "c1",
    }
    base.update(kwargs)
    return charts.Chart(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "draw",
    [
        lambda c: charts.bar_chart(c),
        lambda c: charts.bar_chart(c, stacked=True),
        lambda c: charts.line_chart(c),
    ],
)
def test_every_chart_is_an_accessible_image(draw) -> None:
    svg = str(draw(_chart(description="4月の提出率")))
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">提出率</title>' in svg
    assert '<desc id="c1-desc">4月の提出率</desc>' in svg
    assert "<title>4/1: 提出 50%, 遅れ 10%</title>" in svg  # each bar or point says its figures
    assert "提出" in svg and "遅れ" in svg  # the legend
    assert "style=" not in svg  # the CSP forbids inline styles


def test_chart_text_is_escaped() -> None:
    svg = str(charts.bar_chart(_chart(title="<script>x</script>", categories=["<b>", "b", "c"])))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


def test_empty_chart_draws_nothing() -> None:
    assert charts.bar_chart(_chart(categories=[], series=[])) == ""


def test_stacked_bars_reach_the_sum_and_references_are_drawn() -> None:
    chart = _chart(
        series=[charts.Series("a", [30, 0, 0]), charts.Series("b", [70, 0, 0])],
        y_max=100,
        references=[charts.Reference("保有 3", 80, dashed=True)],
    )
    svg = str(charts.bar_chart(chart, stacked=True))
    bars = re.findall(
        r'<rect fill="[^"]+" x="[^"]+" y="([^"]+)" width="[^"]+" height="([^"]+)"', svg
    )
    heights = [float(h) for y, h in bars if y != "8"]  # y=8: the legend's swatches
    plot_h = charts.HEIGHT - charts.PAD_TOP - charts.PAD_BOTTOM
    assert heights[0] + heights[1] == pytest.approx(plot_h, abs=0.2)  # 30 % + 70 % = full
    assert "保有 3" in svg and 'stroke-dasharray="6 4"' in svg


def test_line_chart_breaks_at_gaps_and_table_has_the_figures() -> None:
    chart = _chart(series=[charts.Series("ping", [10, None, 30])])
    svg = str(charts.line_chart(chart))
    assert svg.count("<polyline") == 2  # no line drawn across the missing day
    assert chart.table() == (["", "ping"], [["4/1", 10], ["4/2", None], ["4/3", 30]])

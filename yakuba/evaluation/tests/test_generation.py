"""The generation task end to end: progress, the stored result, the .docx and the .xlsx."""

import io

import pytest

from yakuba.evaluation import files, sections, services, tasks
from yakuba.evaluation.models import EvidenceReport, ReportStatus

from .conftest import WEEK_2020, WEEK_2021

pytestmark = pytest.mark.django_db


def ask(planner, **extra):
    return services.request_report(
        planner,
        title="緊急事態宣言期間と1年後の比較",
        period=WEEK_2020,
        period_label="2020年",
        comparison=WEEK_2021,
        comparison_label="2021年",
        **extra,
    )


def test_the_task_generates_the_report_and_records_its_progress(
    city, django_capture_on_commit_callbacks, monkeypatch
):
    planner = city(12)
    seen: list[tuple[str, int, int, str]] = []

    def spy(progress):
        def wrapped(done, total, section):
            row = EvidenceReport.objects.get(pk=report.pk)
            progress(done, total, section)
            after = EvidenceReport.objects.get(pk=report.pk)
            seen.append(
                (row.status, after.progress_done, after.progress_total, after.current_section)
            )

        return wrapped

    real = sections.compute_all
    monkeypatch.setattr(
        sections, "compute_all", lambda req, progress: real(req, progress=spy(progress))
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = ask(planner)
    assert report.status == ReportStatus.QUEUED  # the object as created
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.generated_at is not None
    total = len(sections.registered())
    assert [s[1] for s in seen] == list(range(1, total + 1))
    assert all(s[0] == ReportStatus.RUNNING and s[2] == total for s in seen)
    assert seen[0][3] == str(sections.registered()[1].title)  # the next one being computed
    assert report.progress_done == report.progress_total == total
    codes = [s["code"] for s in report.result["sections"]]
    assert codes[:5] == ["conditions", "use", "continuity", "ways_of_working", "security_readiness"]
    assert report.docx_file.name.endswith(".docx") and report.xlsx_file.name.endswith(".xlsx")


def test_the_same_parameters_on_the_same_data_give_the_same_numbers(
    city, django_capture_on_commit_callbacks
):
    planner = city(12)
    with django_capture_on_commit_callbacks(execute=True):
        first = ask(planner)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.regenerate(planner, EvidenceReport.objects.get(pk=first.pk))
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.pk != first.pk and second.regenerated_from_id == first.pk
    assert second.result["sections"] == first.result["sections"]
    assert first.status == second.status == ReportStatus.DONE


def test_a_task_delivered_twice_generates_once(city):
    planner = city(6)
    report = ask(planner, enqueue=False)
    assert tasks.claim(report.pk) is not None
    assert tasks.claim(report.pk) is None


def test_a_failing_section_marks_the_report_failed(city, django_capture_on_commit_callbacks):
    planner = city(6)

    def broken(request):
        raise RuntimeError("boom")

    section = sections.ReportSection("broken", "壊れた章", 99, broken)
    sections.register(section)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = ask(planner)
    finally:
        sections.unregister("broken")
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "boom" in report.failure
    assert not report.docx_file


def test_the_word_file_has_headings_tables_and_charts_drawn_with_a_japanese_font(
    city, django_capture_on_commit_callbacks
):
    from docx import Document

    planner = city(12)
    with django_capture_on_commit_callbacks(execute=True):
        report = ask(planner)
    report.refresh_from_db()
    with report.docx_file.open("rb") as f:
        doc = Document(io.BytesIO(f.read()))
    headings = [
        p.text
        for p in doc.paragraphs
        if p.style.name.startswith("Heading") or p.style.name == "Title"
    ]
    assert headings[0] == "緊急事態宣言期間と1年後の比較"
    assert "1. 対象者の条件" in headings and "2. 在宅勤務とリモート接続枠の利用" in headings
    assert "勤務形態別の延べ日数" in headings
    assert len(doc.tables) >= 10
    texts = {cell.text for t in doc.tables for row in t.rows for cell in row.cells}
    assert "在宅勤務" in texts and "指標" in texts
    images = doc.inline_shapes
    assert len(images) >= 3
    blobs = [r.target_part.blob for r in doc.part.rels.values() if "image" in r.reltype]
    assert all(b.startswith(b"\x89PNG") for b in blobs)
    # East Asian text in the document uses the CJK font too.
    assert doc.styles["Normal"].font.name == files.CHART_FONT_FAMILY


def test_chart_labels_are_drawn_with_the_noto_cjk_font_not_tofu():
    from PIL import Image, ImageChops, ImageFont

    font_file = files.chart_font_file()
    assert "NotoSansCJK" in font_file
    # The font fontconfig gives for the family has real glyphs for the labels we draw:
    # each differs from the font's "missing glyph" box.
    font = ImageFont.truetype(font_file, 32)

    def glyph(ch):
        im = Image.new("L", (48, 48))
        from PIL import ImageDraw

        ImageDraw.Draw(im).text((4, 4), ch, font=font, fill=255)
        return im

    tofu = glyph("\U000f0000")
    for ch in "在宅勤務窓口日（）":
        assert ImageChops.difference(glyph(ch), tofu).getbbox() is not None, ch
    # The SVG handed to cairo names that family explicitly.
    table = {
        "chart": {
            "title": "勤務形態別の延べ日数",
            "categories": ["在宅勤務", "庁内勤務"],
            "series": [{"label": "2020年", "values": [3, 4]}],
            "unit": "日",
        },
        "chart_kind": "bar",
    }
    from yakuba.evaluation.rendering import chart_svg

    svg = files.svg_for_png(str(chart_svg(table)))
    assert f'font-family="{files.CHART_FONT_FAMILY}"' in svg
    png = files.chart_png(table)
    assert png is not None
    image = Image.open(io.BytesIO(png))
    assert image.size[0] == files.CHART_PNG_WIDTH
    # The category labels are drawn (dark text in the band under the axis).
    width, height = image.size
    band = image.convert("L").crop((0, height - 60, width, height))
    darkest, _lightest = band.getextrema()
    assert isinstance(darkest, int) and darkest < 100


def test_the_excel_file_has_a_sheet_per_table(city, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    planner = city(12)
    with django_capture_on_commit_callbacks(execute=True):
        report = ask(planner)
    report.refresh_from_db()
    with report.xlsx_file.open("rb") as f:
        wb = load_workbook(io.BytesIO(f.read()))
    tables = [t for s in report.result["sections"] for t in s["tables"]]
    assert len(wb.sheetnames) == len(tables) + 1
    assert wb.sheetnames[0] == "概要"
    assert all(len(n) <= 31 for n in wb.sheetnames)
    modes = next(wb[n] for n in wb.sheetnames if "勤務形態別" in n)
    assert modes["A1"].value == "勤務形態" and modes["A2"].value == "在宅勤務"
    summary = wb["概要"]
    assert summary["B2"].value == "判定した職員"


def test_a_report_limited_to_units_counts_only_their_people(
    city, org, django_capture_on_commit_callbacks
):
    planner = city(30)
    with django_capture_on_commit_callbacks(execute=True):
        whole = ask(planner)
        zeimu = ask(planner, units=[org["zeimu"]])
    whole.refresh_from_db()
    zeimu.refresh_from_db()

    def judged(r):
        return next(
            f["value"] for s in r.result["sections"] for f in s["figures"] if f["key"] == "judged"
        )

    assert 0 < judged(zeimu) < judged(whole)
    assert zeimu.result["scope"] == "税務課"


def test_figures_read_from_the_apps_reflect_the_history(city):
    """Through the real selectors: the 2020 week (emergency) against the 2021 week."""
    from yakuba.evaluation import builtin
    from yakuba.evaluation.sections import Period, ReportRequest

    city(24)
    request = ReportRequest(Period(*WEEK_2020, "2020"), Period(*WEEK_2021, "2021"))
    value: dict[str, float] = {}
    comparison: dict[str, float] = {}
    for section in builtin.BUILTIN:
        for f in section.compute(request).figures:
            value[f.key] = -1 if f.value is None else f.value
            comparison[f.key] = -1 if f.comparison is None else f.comparison
    assert value["telework_days"] > comparison["telework_days"]
    assert value["report_rate"] > 0 and comparison["report_rate"] > 0
    assert value["meeting_drop_rate"] >= 0
    assert value["counter_days"] > 0
    assert value["blockers"] >= 0

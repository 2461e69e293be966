"""The heat map's numbers, its scope, its constant query count; the committee report (HTML
and .xlsx); the score component and the personal section."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yakuba.inspections import heatmap, services
from yakuba.inspections.models import Finding
from yakuba.inspections.tests.factories import answer_all
from yakuba.org.models import Staff
from yakuba.security import score

pytestmark = pytest.mark.django_db


def _answered(office) -> None:
    # 市民課: staff 2 of 3 done (A-1 not done); infosec and the auditor all done.
    answer_all(office["sheet"]("staff"), {"A-1": "not_done", "B-1": "na"})
    answer_all(office["sheet"]("infosec"))
    answer_all(office["sheet"]("auditor"), {"A-2": "partial"})
    # 税務課: one colleague, section A half done.
    answer_all(office["sheet"]("other"), {"A-1": "not_done"})


def test_heatmap_numbers(office) -> None:
    _answered(office)
    built = heatmap.build(office["users"]["infosec"], office["round"])
    assert [c.title for c in built.columns] == ["端末", "メール", "端末", "メール"]
    rows = {r.unit.name: r for r in built.rows}
    shimin = rows["市民課"]
    # Section A: staff 1/2, infosec 2/2, auditor 1/2 → 4/6; B: staff n/a, 1 + 1 → 2/2.
    assert (shimin.cells[0].done, shimin.cells[0].applicable) == (4, 6)
    assert shimin.cells[0].percent == 67 and shimin.cells[0].level == "poor"
    assert (shimin.cells[1].done, shimin.cells[1].applicable) == (2, 2)
    assert shimin.cells[2].applicable == 0 and shimin.cells[2].level == "none"  # no head answered
    assert (shimin.submitted, shimin.sheets) == (3, 5)
    assert rows["税務課"].cells[0].percent == 50
    assert (built.overall.done, built.overall.applicable) == (8, 11)

    page = office["client"]("infosec").get(reverse("inspections:heatmap")).content.decode()
    assert "67%" in page and "（4/6）" in page  # numbers as text, not colour only
    assert "<caption" in page and 'scope="colgroup"' in page and "凡例" in page


def test_unit_head_sees_only_their_units(office) -> None:
    _answered(office)
    built = heatmap.build(office["users"]["head"], office["round"])
    assert [r.unit.name for r in built.rows] == ["市民課", "窓口係"]
    page = office["client"]("other_head").get(reverse("inspections:heatmap")).content.decode()
    assert "税務課" in page and "市民課" not in page.split("<main", 1)[1]
    assert office["client"]("staff").get(reverse("inspections:heatmap")).status_code == 403


def test_heatmap_queries_do_not_grow_with_the_office(office, make_user) -> None:
    _answered(office)
    url = reverse("inspections:heatmap") + f"?round={office['round'].pk}"
    client = office["client"]("infosec")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    # Twenty more people in a new unit answer a new round (and the trend gets longer).
    from yakuba.org.models import Unit

    extra = Unit(
        code="130",
        name="保険年金課",
        name_kana="ホケン",
        kind="division",
        parent=office["org"]["dept"],
    )
    extra.save()
    for i in range(20):
        make_user("staff", unit_key="zeimu", username=f"more-{i}")
    Staff.objects.filter(user__username__startswith="more-").update(unit=extra)
    from yakuba.inspections.tests.factories import make_round

    services.close_round(office["users"]["infosec"], office["round"])
    second = make_round(
        [office["staff_list"], office["head_list"]],
        title="次回",
        opens_on=office["round"].opens_on.replace(year=office["round"].opens_on.year + 1),
    )
    services.launch_round(office["users"]["infosec"], second, notify_people=False)
    for sheet in second.sheets.filter(staff__user__username__startswith="more-"):
        answer_all(sheet)
    with CaptureQueriesContext(connection) as big:
        page = client.get(reverse("inspections:heatmap") + f"?round={second.pk}")
    assert "保険年金課" in page.content.decode()
    assert len(big.captured_queries) == len(small.captured_queries)


def test_committee_report_html_and_xlsx(office) -> None:
    from openpyxl import load_workbook

    _answered(office)
    services.review_sheet(
        office["users"]["head"], office["sheet"]("staff"), confirm=True, comment=""
    )
    services.review_sheet(
        office["users"]["other_head"], office["sheet"]("other"), confirm=True, comment=""
    )
    Finding.objects.filter(unit__name="税務課").update(due_on="2020-01-01")
    auditor = office["client"]("auditor")
    page = auditor.get(reverse("inspections:report")).content.decode()
    for text in (
        "概要",
        "対象 9 人、提出 4 人、所属長の確認済み 2 人",
        "73%（8/11）",
        "この点検 2 件、期限超過 1 件",
        "指摘事項の状態（この点検）",
        "期限を過ぎた指摘事項",
        "点検ごとの推移",
    ):
        assert text in page, text
    export = auditor.get(reverse("inspections:report_export"))
    assert export.status_code == 200
    wb = load_workbook(io.BytesIO(export.content))
    assert wb.sheetnames == [
        "概要",
        "指摘事項の状態",
        "ヒートマップ",
        "期限超過",
        "前回からの未完了",
        "推移",
    ]
    summary = {row[0]: row[1] for row in wb["概要"].iter_rows(values_only=True)}
    assert summary["対象者"] == 9 and summary["提出済み"] == 4
    heat = list(wb["ヒートマップ"].iter_rows(values_only=True))
    assert heat[-1][0] == "全体" and heat[-1][-1] == "73% (8/11)"
    overdue = list(wb["期限超過"].iter_rows(values_only=True))
    assert len(overdue) == 2 and overdue[1][1] == "税務課"


def test_score_component_explains_itself(office) -> None:
    _answered(office)
    services.review_sheet(
        office["users"]["head"], office["sheet"]("staff"), confirm=True, comment=""
    )
    Finding.objects.update(due_on="2020-01-01")
    head_pk = office["users"]["head"].staff.pk
    staff_pk = office["users"]["staff"].staff.pk
    values = score.scores([staff_pk, head_pk])
    part = {p.code: p for p in values[head_pk].components}["inspections"]
    assert part.label == "自己点検と指摘事項"
    assert "担当の指摘事項：未完了 1 件（うち期限超過 1 件）" in str(part.detail)
    mine = {p.code: p for p in values[staff_pk].components}["inspections"]
    # The round is still open and the person answered: on time, nothing owned.
    assert mine.value == 1.0 and "期限内に回答" in str(mine.detail)


def test_my_security_page_shows_the_sheet_to_answer(office) -> None:
    link = reverse("inspections:sheet", args=[office["sheet"]("staff").pk])
    page = office["client"]("staff").get(reverse("security:home")).content.decode()
    assert "情報セキュリティ自己点検" in page and f'href="{link}"' in page
    answer_all(office["sheet"]("staff"))
    page = office["client"]("staff").get(reverse("security:home")).content.decode()
    assert f'href="{link}"' not in page  # nothing left to answer
    # The awareness score on the same page explains the component in the person's words.
    assert "「上期の自己点検」に期限内に回答" in page

"""The comment import: every problem by sheet/row/column, nothing written; re-import adds
nothing; the preview itself writes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from conftest import verified_client
from yakuba.policies import importing
from yakuba.policies.models import Comment, CommentSource
from yakuba.policies.tests import factories

pytestmark = pytest.mark.django_db

HEADER = ["年度", "施策コード", "見出し", "意見", "評価者"]


def xlsx(*sheets: tuple[str, list[list[Any]]]) -> bytes:
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = xlsx(
    (
        "意見",
        [
            HEADER,
            [
                "令和2年度",
                "S27",
                factories.OVERALL,
                "研修会で機器の運用方法を周知してほしい。",
                "委員A",
            ],
            [2020, "s27", factories.ISSUES, "ZOOM等の有償ライセンスを継続する必要性は高い。", ""],
            ["R2", "S27", factories.ISSUES, "書類の見直しの基準策定が必要と考える。", "委員C"],
        ],
    )
)


def _client(user: Any, client_factory: Any) -> Any:
    return verified_client(client_factory(), user)


def test_a_good_file_is_previewed_then_written_once(cycle, client_factory) -> None:
    client = _client(cycle["planner"], client_factory)
    before = Comment.objects.count()
    preview = client.post("/policies/comments/import/", {"file": _upload(GOOD)})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "次の 3 件を追加します" in page and "書類の見直しの基準策定" in page
    assert Comment.objects.count() == before  # the preview writes nothing
    token = preview.context["token"]
    done = client.post("/policies/comments/import/", {"token": token}, follow=True)
    assert "意見を 3 件取り込みました" in done.content.decode()
    added = Comment.objects.filter(source=CommentSource.IMPORT).order_by("pk")
    assert [c.evaluator for c in added] == ["委員A", "", "委員C"]
    assert {c.year_id for c in added} == {cycle["year"].pk}
    # The same file again: nothing to add, and replaying the confirmation adds nothing.
    again = client.post("/policies/comments/import/", {"file": _upload(GOOD)})
    assert "すべて登録済みです（3 件）" in again.content.decode()
    client.post("/policies/comments/import/", {"token": token})
    assert Comment.objects.count() == before + 3


def _upload(data: bytes, name: str = "comments.xlsx") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_each_problem_is_listed_by_sheet_row_and_column_and_nothing_is_written(
    cycle, client_factory
) -> None:
    factories.make_year(factories.make_policy(cycle["policy"].responsible_unit, "S30"), 2021)
    bad = xlsx(
        (
            "全体",
            [
                HEADER,
                ["令和2年度", "S27", factories.OVERALL, "正しい行（これも書き込まれない）", ""],
                ["", "S27", factories.OVERALL, "年度なし", ""],
                ["来年", "S27", factories.OVERALL, "年度が読めない", ""],
                ["2020", "S99", factories.OVERALL, "ない施策", ""],
                ["2020", "S30", factories.OVERALL, "年度が未登録", ""],
                ["2020", "S27", "その他の意見", "ない見出し", ""],
                ["2020", "S27", factories.OVERALL, "", ""],
                ["2020", "S27", factories.OVERALL, "制御文字\x7f入り", ""],
                ["2020", "S27", factories.OVERALL, "正しい行（これも書き込まれない）", ""],
                ["2020", "S27", factories.OVERALL, "長すぎる評価者", "委" * 101],
            ],
        ),
        ("課題", [["年度", "施策コード", "意見"], ["2020", "S27", "見出し列なし"]]),
    )
    check = importing.check_file("bad.xlsx", bad)
    found = {(p.sheet, p.row, p.column.split("（")[0]) for p in check.problems}
    assert found == {
        ("全体", 3, "年度"),
        ("全体", 4, "年度"),
        ("全体", 5, "施策コード"),
        ("全体", 6, "年度"),
        ("全体", 7, "見出し"),
        ("全体", 8, "意見"),
        ("全体", 9, "意見"),
        ("全体", 10, "意見"),
        ("全体", 11, "評価者"),
        ("課題", 1, "見出し"),
    }
    messages = {(p.row, p.sheet): p.message for p in check.problems}
    assert messages[(3, "全体")] == "年度が空欄です。"
    assert "「来年」を読み取れません" in messages[(4, "全体")]
    assert "「S99」の施策は登録されていません" in messages[(5, "全体")]
    assert "S30 の令和2年度は登録されていません" in messages[(6, "全体")]
    assert "「その他の意見」は登録されていません" in messages[(7, "全体")]
    assert messages[(8, "全体")] == "意見が空欄です。"
    assert "制御文字" in messages[(9, "全体")]
    assert "2 行目にもあります" in messages[(10, "全体")]
    assert "100文字以内" in messages[(11, "全体")]
    assert "「見出し」の列がありません" in messages[(1, "課題")]
    assert next(p for p in check.problems if p.row == 3).column == "年度（A列）"

    client = _client(cycle["planner"], client_factory)
    before = Comment.objects.count()
    response = client.post("/policies/comments/import/", {"file": _upload(bad)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "10 件の問題があるため、何も取り込みませんでした" in page
    assert "token" not in response.context
    assert Comment.objects.count() == before


def test_a_file_that_is_not_a_table_is_refused_in_japanese(cycle, client_factory) -> None:
    client = _client(cycle["planner"], client_factory)
    response = client.post(
        "/policies/comments/import/", {"file": _upload(b"PK\x03\x04broken", "c.xlsx")}
    )
    assert response.status_code == 400
    assert "Excelファイルを開けません" in response.content.decode()


def test_a_tampered_confirmation_writes_nothing(cycle, client_factory) -> None:
    client = _client(cycle["planner"], client_factory)
    before = Comment.objects.count()
    response = client.post("/policies/comments/import/", {"token": "x" * 40}, follow=True)
    assert "有効期限が切れました" in response.content.decode()
    assert Comment.objects.count() == before


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2020", 2020),
        ("2020年度", 2020),
        ("令和2年度", 2020),
        ("R2", 2020),
        ("令和元年度", 2019),
        ("平成30年度", 2018),
        ("２０２０", 2020),
        ("来年", None),
        ("3000", None),
    ],
)
def test_fiscal_years_are_read_in_the_forms_offices_write(text: str, year: int | None) -> None:
    assert importing.parse_fiscal_year(text) == year

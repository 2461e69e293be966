"""Importing the procedure inventory: a good file (one sheet per department), every kind of
problem listed with nothing written, CP932, formula cells, and a re-import by 手続ID."""

from __future__ import annotations

import pytest

from yakuba.audit.models import AuditEntry
from yakuba.org.models import Unit
from yakuba.reviews.import_models import ImportState, ProcedureImport
from yakuba.reviews.inventory_import import apply_rows, check_file
from yakuba.reviews.inventory_services import confirm_import, start_import
from yakuba.reviews.models import OnlineAvailability, Procedure, SealKind
from yakuba.reviews.tests.inventory_factories import HEADER, csv_bytes, row, xlsx


@pytest.fixture
def two_departments(org):
    """市民部 (市民課, 窓口係, 税務課) and 総務部 > 総務課 > 窓口係 (a second 窓口係)."""
    soumu_bu = Unit(code="200", name="総務部", name_kana="ソウムブ", kind="department")
    soumu_bu.save()
    soumu = Unit(code="210", name="総務課", name_kana="ソウムカ", kind="division", parent=soumu_bu)
    soumu.save()
    madoguchi2 = Unit(
        code="211", name="窓口係", name_kana="マドグチガカリ", kind="section", parent=soumu
    )
    madoguchi2.save()
    return org | {"soumu_bu": soumu_bu, "soumu": soumu, "madoguchi2": madoguchi2}


@pytest.fixture
def planner(make_user):
    return make_user("planning", username="planner")


class Importer:
    """Upload → check → preview, and confirm, running what each transaction queues on
    commit (the tasks run inline in tests)."""

    def __init__(self, actor, capture) -> None:
        self.actor, self.capture = actor, capture

    def run(self, filename: str, data: bytes) -> ProcedureImport:
        with self.capture(execute=True):
            batch = start_import(actor=self.actor, filename=filename, data=data)
        batch.refresh_from_db()
        return batch

    def confirm(self, batch: ProcedureImport, deactivate_missing: bool = False) -> None:
        with self.capture(execute=True):
            confirm_import(actor=self.actor, batch=batch, deactivate_missing=deactivate_missing)
        batch.refresh_from_db()


@pytest.fixture
def importer(planner, django_capture_on_commit_callbacks) -> Importer:
    return Importer(planner, django_capture_on_commit_callbacks)


GOOD = [
    (
        "市民部",
        [
            ["手続の棚卸し表（市民部）"],  # a title line above the header
            HEADER,
            row("SHIMIN-001"),
            row(
                "SHIMIN-002",
                "市民課",
                "印鑑登録申請",
                form="印鑑登録申請書",
                legal="市印鑑条例第3条",
                count="約3,400件",
                seal="押印",
                in_person="○",
                attachments="",
                fee="無料",
                online="不可",
            ),
            row("SHIMIN-003", "窓口係", "転入届", count=8100, seal="署名", fee="", online="可"),
            row("ZEI-001", "120", "課税証明書の交付申請", seal="記名押印又は署名", fee="300円"),
        ],
    ),
    (
        "総務部",
        [
            HEADER,
            # 窓口係 is both 市民課's and 総務課's: the sheet's name tells which.
            row(
                "SOUMU-001",
                "窓口係",
                "庁舎使用許可申請",
                legal="市庁舎管理規則第5条",
                count="",
                seal="○",
                paper="有",
                in_person="×",
                fee="",
                online="",
            ),
            row(
                "SOUMU-002",
                "総務部 窓口係",
                "情報公開請求",
                seal="いいえ",
                paper="要",
                in_person="不要",
                count="１２０",
            ),
        ],
    ),
]


@pytest.mark.django_db
def test_a_good_file_is_previewed_then_written_in_one_go(two_departments, importer) -> None:
    batch = importer.run("棚卸し.xlsx", xlsx(GOOD))
    assert batch.state == ImportState.READY, batch.problems
    assert batch.summary["rows"] == 6 and batch.summary["created"] == 6
    assert not Procedure.objects.exists()  # the preview writes nothing
    assert not batch.upload  # the upload is gone; the preview holds the rows

    importer.confirm(batch, False)
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE
    assert batch.result == {"created": 6, "updated": 0, "unchanged": 0, "deactivated": 0}
    p = {x.procedure_id: x for x in Procedure.objects.all()}
    assert p["SHIMIN-001"].annual_count == 1200 and p["SHIMIN-001"].fee_yen == 300
    assert p["SHIMIN-001"].online == OnlineAvailability.PARTIAL
    assert p["SHIMIN-001"].department == two_departments["dept"]
    assert p["SHIMIN-002"].seal == SealKind.SEAL and p["SHIMIN-002"].annual_count == 3400
    assert p["SHIMIN-002"].fee_yen == 0 and p["SHIMIN-002"].online == OnlineAvailability.NONE
    assert p["SHIMIN-003"].unit == two_departments["madoguchi"]
    assert p["SHIMIN-003"].seal == SealKind.SIGNATURE and p["SHIMIN-003"].fee_yen is None
    assert p["ZEI-001"].unit == two_departments["zeimu"]  # by its code
    assert p["ZEI-001"].seal == SealKind.SEAL_OR_SIGNATURE
    assert p["SOUMU-001"].unit == two_departments["madoguchi2"]
    assert p["SOUMU-001"].department == two_departments["soumu_bu"]
    assert (p["SOUMU-001"].paper, p["SOUMU-001"].in_person) == (True, False)
    assert p["SOUMU-001"].annual_count is None and p["SOUMU-001"].seal == SealKind.SEAL
    assert p["SOUMU-002"].unit == two_departments["madoguchi2"]
    assert p["SOUMU-002"].annual_count == 120 and p["SOUMU-002"].seal == SealKind.NONE
    entry = AuditEntry.objects.get(action="import", object_type="reviews.procedure")
    assert entry.changes == {
        "rows": 6,
        "created": 6,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
    }


@pytest.mark.django_db
def test_every_problem_is_listed_and_nothing_is_written(two_departments, importer) -> None:
    data = xlsx(
        [
            (
                "市民部",
                [
                    HEADER,
                    row("A-1"),
                    row("A-1", name="同じIDの別の手続"),
                    row("A-2", "存在しない課"),
                    row("A-3", count="たくさん", fee="300ドル"),
                    row("A-4", paper="たぶん", in_person="", seal="はんこ"),
                    row("A-5", count="=B2*2"),
                    row("A-6", "窓口係"),  # two 窓口係: the sheet's name tells which
                    row("", name=""),
                    row("A-7", online="そのうち"),
                ],
            ),
            ("総務部", [[*HEADER[:6], "押印欄", *HEADER[7:]], row("B-1", "総務課")]),
            ("教育部", [["番号", "内容"], ["1", "x"]]),
        ]
    )
    batch = importer.run("棚卸し.xlsx", data)
    assert batch.state == ImportState.INVALID
    assert not Procedure.objects.exists() and batch.rows == []
    found = {
        (p["sheet"], p["row"], p["column"].split("（")[0]): p["message"] for p in batch.problems
    }

    def message(sheet: str, row_number: int, column: str) -> str:
        return found[(sheet, row_number, column)]

    assert "2 行目と重複" in message("市民部", 3, "手続ID")
    assert "「存在しない課」は組織に登録されていません" in message("市民部", 4, "部署")
    assert "「たくさん」は件数として読み取れません" in message("市民部", 5, "年間件数")
    assert "「300ドル」は金額として読み取れません" in message("市民部", 5, "手数料")
    assert "「たぶん」は「書面」の欄として読み取れません" in message("市民部", 6, "書面")
    assert "「対面」が空欄です" in message("市民部", 6, "対面")
    assert "「はんこ」は押印・署名の欄として読み取れません" in message("市民部", 6, "押印・署名")
    assert "数式が入っています（=B2*2）" in message("市民部", 7, "F")
    assert "手続IDが空欄です" in message("市民部", 9, "手続ID")
    assert "「手続名」が空欄です" in message("市民部", 9, "手続名")
    assert "「そのうち」はオンライン対応状況として読み取れません" in message(
        "市民部", 10, "オンライン対応状況"
    )
    assert "見出し「押印欄」は取り込めない列です" in message("総務部", 1, "G")
    assert "「押印・署名」の列がありません" in message("総務部", 1, "押印・署名")
    assert "見出し行が見つかりません" in message("教育部", 1, "")
    # 窓口係 on the 市民部 sheet is 市民課's (the sheet's department tells them apart).
    assert ("市民部", 8, "部署") not in found


@pytest.mark.django_db
def test_a_unit_name_shared_by_two_departments_must_be_told_apart(two_departments, planner) -> None:
    data = csv_bytes([HEADER, row("X-1", "窓口係"), row("X-2", "総務部/窓口係")])
    check = check_file("棚卸し.csv", data)
    assert [(p.row, p.column.split("（")[0]) for p in check.problems] == [(2, "部署")]
    assert "「窓口係」は 2 か所あります（111、211）" in check.problems[0].message


@pytest.mark.django_db
def test_cp932_csv_is_read(two_departments, importer) -> None:
    data = csv_bytes(
        [HEADER, row("SJIS-1", name="道路占用許可申請", legal="道路法第32条")], "cp932"
    )
    batch = importer.run("棚卸し_SJIS.csv", data)
    assert batch.state == ImportState.READY, batch.problems
    importer.confirm(batch, False)
    assert Procedure.objects.get().legal_basis == "道路法第32条"


@pytest.mark.django_db
def test_bad_encoding_and_too_many_rows_are_refused(two_departments, importer, settings) -> None:
    broken = importer.run("棚卸し.csv", b"\x82\xa0\xff\xfe\x80\x81" * 10)
    assert broken.state == ImportState.INVALID
    assert "文字コードを判別できません" in broken.problems[0]["message"]
    settings.REVIEWS_IMPORT_MAX_ROWS = 3
    big = importer.run("棚卸し.csv", csv_bytes([HEADER, *[row(f"R-{i}") for i in range(5)]]))
    assert big.state == ImportState.INVALID
    assert "行数が上限（3 行）を超えています" in big.problems[0]["message"]
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_formula_cells_are_refused_in_xlsx_and_csv(two_departments) -> None:
    book = xlsx([("市民部", [HEADER, row("F-1", count="=SUM(1,2)", fee=300)])])
    problems = check_file("f.xlsx", book).problems
    assert [(p.row, p.column) for p in problems] == [(2, "F")]
    assert "数式が入っています（=SUM(1,2)）" in problems[0].message
    text = csv_bytes([HEADER, row("F-2", name='=HYPERLINK("http://x","y")')])
    problems = check_file("f.csv", text).problems
    assert [(p.row, p.column) for p in problems] == [(2, "C")]


@pytest.mark.django_db
def test_reimport_updates_by_procedure_id_and_reports_the_missing(
    two_departments, importer
) -> None:
    first = [HEADER, row("R-1"), row("R-2", name="印鑑登録申請"), row("R-3", name="転出届")]
    batch = importer.run("v1.csv", csv_bytes(first))
    importer.confirm(batch, False)
    second = [
        HEADER,
        row("R-1"),  # unchanged
        row("R-2", name="印鑑登録申請", seal="押印"),  # changed
        row("R-4", name="犬の登録申請", legal="狂犬病予防法第4条"),  # new
    ]  # R-3 is missing
    batch = importer.run("v2.csv", csv_bytes(second))
    summary = batch.summary
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (1, 1, 1)
    assert summary["missing"] == 1 and summary["missing_ids"] == ["R-3"]
    importer.confirm(batch, False)
    batch.refresh_from_db()
    assert batch.result == {"created": 1, "updated": 1, "unchanged": 1, "deactivated": 0}
    assert Procedure.objects.get(procedure_id="R-2").seal == SealKind.SEAL
    assert Procedure.objects.get(procedure_id="R-3").active  # not ticked: kept
    assert Procedure.objects.count() == 4

    batch = importer.run("v2.csv", csv_bytes(second))
    assert (batch.summary["unchanged"], batch.summary["missing"]) == (3, 1)
    importer.confirm(batch, True)
    batch.refresh_from_db()
    assert batch.result["deactivated"] == 1
    assert not Procedure.objects.get(procedure_id="R-3").active
    # Named again later: active again, counted as an update.
    batch = importer.run("v1.csv", csv_bytes(first))
    assert (batch.summary["updated"], batch.summary["reactivated"]) == (2, 1)


@pytest.mark.django_db
def test_apply_is_all_or_nothing(two_departments, planner) -> None:
    check = check_file("a.csv", csv_bytes([HEADER, row("T-1"), row("T-2")]))
    rows = [dict(r) for r in check.rows]
    rows[1]["unit_id"] = 999_999  # the unit was deleted after the preview
    with pytest.raises(ValueError):
        apply_rows(actor=planner, rows=rows, deactivate_missing=False)
    assert not Procedure.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()


@pytest.mark.django_db
def test_a_preview_with_problems_cannot_be_confirmed(two_departments, planner, importer) -> None:
    from django.core.exceptions import ValidationError

    batch = importer.run("bad.csv", csv_bytes([HEADER, row("Z-1", "どこでもない課")]))
    with pytest.raises(ValidationError):
        confirm_import(actor=planner, batch=batch, deactivate_missing=False)
    assert not Procedure.objects.exists()

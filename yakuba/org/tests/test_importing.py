"""Import: good file, CP932, a file with many problems (nothing written), re-import, round trip."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from yakuba.audit.models import AuditEntry
from yakuba.org.exporting import export_staff_csv, export_xlsx
from yakuba.org.importing import apply_plan, build_plan
from yakuba.org.models import EmploymentType, Staff, Unit

HEADER = "職員番号,氏名,氏名カナ,雇用区分,職名,所属コード,スキル,メール,在職"
GOOD_ROWS = [
    "3001,高橋 健一,タカハシ ケンイチ,正規,主事,111,住民票、戸籍,s3001@example.jp,1",
    "3002,伊藤 美咲,いとう みさき,会計年度任用職員,事務補助員,111,,,1",
    "３００３,渡辺 翔,ﾜﾀﾅﾍﾞ ｼｮｳ,条件付採用,主事,120,税証明,s3003@example.jp,在職",
]


def csv_bytes(rows: list[str], encoding: str = "utf-8", header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


@pytest.mark.django_db
def test_good_utf8_file_imports_every_row_with_normalised_text(org) -> None:
    plan = build_plan("staff.csv", csv_bytes(GOOD_ROWS))
    assert plan.errors == []
    result = apply_plan(plan, actor=None, source="test")
    assert result.staff_created == 3
    ito = Staff.objects.get(staff_number="3002")
    assert ito.name_kana == "イトウ ミサキ"  # hiragana reading → katakana
    assert ito.employment_type == EmploymentType.FISCAL_YEAR
    watanabe = Staff.objects.get(staff_number="3003")  # full-width digits → ASCII
    assert watanabe.name_kana == "ワタナベ ショウ"  # half-width kana → full-width
    assert watanabe.unit.code == "120"
    assert sorted(s.name for s in Staff.objects.get(staff_number="3001").skills.all()) == [
        "住民票",
        "戸籍",
    ]


@pytest.mark.django_db
def test_cp932_file_is_detected_and_imported(org) -> None:
    data = csv_bytes(GOOD_ROWS, encoding="cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    plan = build_plan("shift_jis.csv", data)
    assert plan.errors == []
    apply_plan(plan, actor=None, source="test")
    assert Staff.objects.get(staff_number="3001").name == "高橋 健一"


@pytest.mark.django_db
def test_file_with_five_kinds_of_error_lists_each_and_writes_nothing(org) -> None:
    rows = [
        GOOD_ROWS[0],
        "3010,,ナマエナシ,正規,主事,111,,,1",  # empty name
        "3011,木村 拓,キムラ タク,アルバイト,主事,111,,,1",  # unknown employment type
        "3012,林 明,ハヤシ アキラ,正規,主事,999,,,1",  # unknown unit
        "3013,森 恵,モリ メグミ,正規,主事,111,,not-an-email,1",  # bad e-mail
        "3001,重複 太郎,ジュウフク タロウ,正規,主事,111,,,1",  # duplicate staff number
        "3014,清水 蓮,シミズ レン,正規,主事,111,魔法,,1",  # unknown skill
    ]
    before_staff = Staff.objects.count()
    before_audit = AuditEntry.objects.count()
    plan = build_plan("bad.csv", csv_bytes(rows))
    found = {(e.row, e.column) for e in plan.errors}
    assert found == {
        (3, "氏名"),
        (4, "雇用区分"),
        (5, "所属コード"),
        (6, "メール"),
        (7, "職員番号"),
        (8, "スキル"),
    }
    assert all(e.message for e in plan.errors)
    assert any("999" in e.message for e in plan.errors)
    with pytest.raises(ValueError):
        apply_plan(plan, actor=None, source="test")
    assert Staff.objects.count() == before_staff
    assert AuditEntry.objects.count() == before_audit


@pytest.mark.django_db
def test_missing_required_column_is_reported_on_the_header_row(org) -> None:
    plan = build_plan("x.csv", "職員番号,氏名\r\n1,a\r\n".encode())
    assert {e.column for e in plan.errors} >= {"氏名カナ", "所属コード"}
    assert all(e.row == 1 for e in plan.errors)


@pytest.mark.django_db
def test_reimport_updates_by_staff_number_and_never_duplicates(org) -> None:
    apply_plan(build_plan("a.csv", csv_bytes(GOOD_ROWS)), actor=None, source="first")
    changed = [GOOD_ROWS[0].replace("主事", "主任"), *GOOD_ROWS[1:]]
    result = apply_plan(build_plan("a.csv", csv_bytes(changed)), actor=None, source="second")
    assert result.staff_created == 0
    assert result.staff_updated == 1
    assert result.unchanged == 2
    assert Staff.objects.filter(staff_number="3001").count() == 1
    assert Staff.objects.get(staff_number="3001").position == "主任"
    entry = AuditEntry.objects.filter(object_type="org.staff", action="update").latest("seq")
    assert entry.changes == {"position": ["主事", "主任"]}


@pytest.mark.django_db
def test_units_and_staff_in_one_workbook_create_the_tree(db) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "所属"
    ws.append(["所属コード", "所属名", "所属名カナ", "種別", "上位所属コード", "表示順", "有効"])
    ws.append(["S10", "子育て支援課", "コソダテシエンカ", "課", "D1", 1, 1])  # child before parent
    ws.append(["D1", "健康こども部", "ケンコウコドモブ", "部", "", 1, 1])
    ws2 = wb.create_sheet("職員")
    ws2.append(
        [
            "職員番号",
            "氏名",
            "氏名カナ",
            "雇用区分",
            "職名",
            "所属コード",
            "スキル",
            "メール",
            "在職",
        ]
    )
    ws2.append([5001, "小林 結衣", "コバヤシ ユイ", "正規", "保健師", "S10", "", "", 1])
    out = io.BytesIO()
    wb.save(out)
    plan = build_plan("org.xlsx", out.getvalue())
    assert plan.errors == []
    apply_plan(plan, actor=None, source="xlsx")
    child = Unit.objects.get(code="S10")
    assert child.parent.code == "D1"
    assert child.path == "/D1/S10/"
    assert Staff.objects.get(staff_number="5001").unit == child


@pytest.mark.django_db
def test_export_neutralises_formulas_and_reimports_unchanged(org) -> None:
    s = org["staff"]["1001"]
    s.position = '=HYPERLINK("http://evil")'
    s.save()
    data = export_xlsx(Unit.objects.all(), Staff.objects.all())
    wb = load_workbook(io.BytesIO(data))
    positions = [row[4].value for row in wb["職員"].iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil")' in positions
    assert all(row[4].data_type != "f" for row in wb["職員"].iter_rows(min_row=2))
    csv_text = export_staff_csv(Staff.objects.all()).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    plan = build_plan("export.xlsx", data)
    assert plan.errors == []
    result = apply_plan(plan, actor=None, source="roundtrip")
    assert result.staff_created == 0 and result.staff_updated == 0
    s.refresh_from_db()
    assert s.position == '=HYPERLINK("http://evil")'


@pytest.mark.django_db
def test_import_staff_command_dry_run_and_errors(org, tmp_path, capsys) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD_ROWS, "cp932"))
    call_command("import_staff", str(good), "--dry-run")
    assert not Staff.objects.filter(staff_number="3001").exists()
    call_command("import_staff", str(good))
    assert Staff.objects.filter(staff_number="3001").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(["9999,,,正規,,111,,,1"]))
    with pytest.raises(CommandError):
        call_command("import_staff", str(bad))
    assert "9999" not in set(Staff.objects.values_list("staff_number", flat=True))

"""Checklists: the starter set, editing rules, and Excel import/export (every problem
listed with its row and column, nothing written)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from yakuba.inspections import checklist_io, services
from yakuba.inspections.checklist_io import HEADINGS
from yakuba.inspections.models import Checklist, ChecklistItem, ChecklistSection
from yakuba.inspections.tests.factories import make_checklist, make_round, upload

pytestmark = pytest.mark.django_db


def _xlsx(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "点検項目"
    ws.append(header or HEADINGS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_starter_checklists_are_installed_once(make_user) -> None:
    infosec = make_user("infosec")
    assert services.install_starter_checklists(infosec) == 3
    assert services.install_starter_checklists(infosec) == 0
    roles = dict(Checklist.objects.values_list("code", "role"))
    assert roles == {"staff": "staff", "unit-head": "unit_head", "sysadmin": "sysadmin"}
    texts = list(ChecklistItem.objects.values_list("text", flat=True))
    assert any("画面をロック" in t for t in texts)
    assert any("パッチ" in t for t in texts)
    assert any("アクセス権" in t for t in texts)
    assert ChecklistItem.objects.filter(checklist__code="staff").count() >= 15


def test_starter_button_is_for_infosec_only(client_for) -> None:
    url = reverse("inspections:install_starters")
    assert client_for("auditor").post(url).status_code == 403
    assert Checklist.objects.count() == 0
    page = client_for("infosec").post(url, follow=True)
    assert "標準のチェックリストを 3 件追加しました" in page.content.decode()


def test_export_then_import_round_trips(make_user) -> None:
    infosec = make_user("infosec")
    services.install_starter_checklists(infosec)
    data = checklist_io.to_xlsx(Checklist.objects.all())
    before = list(
        ChecklistItem.objects.order_by("checklist__code", "code").values_list("code", "text")
    )
    parsed = checklist_io.parse("export.xlsx", data)
    checklist_io.apply(infosec, parsed)
    after = list(
        ChecklistItem.objects.order_by("checklist__code", "code").values_list("code", "text")
    )
    assert after == before


def test_malformed_file_lists_every_problem_and_writes_nothing(client_for) -> None:
    client = client_for("infosec")
    rows = [
        ["new-list", "新しい点検", "職員", "A", "端末", "A-1", "画面ロック", "", ""],
        ["new-list", "新しい点検", "職員", "A", "端末", "A-1", "重複した項目", "", ""],  # row 3
        ["new-list", "新しい点検", "課長", "A", "端末", "A-2", "役割が違う", "", ""],  # row 4
        ["new-list", "新しい点検", "職員", "B", "メール", "B-1", "", "", ""],  # row 5: no text
        ["bad code!", "別の点検", "職員", "A", "端末", "A-1", "コード", "", ""],  # row 6
        ["new-list", "新しい点検", "職員", "A", "端末の別名", "A-3", "区分名違い", "", ""],  # 7
        ["new-list", "新しい点検", "職員", "A", "端末", "A-4", "制御\x01文字", "", ""],  # row 8
    ]
    # CSV (the importer reads both): .xlsx cells cannot even hold the control character.
    lines = [",".join(HEADINGS)] + [",".join(row) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    page = client.post(
        reverse("inspections:checklist_import"), {"file": upload("checklists.csv", data)}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "問題が 6 件あります。何も取り込んでいません。" in text
    assert "3 行目 F 列：項目コード「A-1」が 2 行目と重複しています。" in text
    assert "4 行目 C 列：対象の役割「課長」は使えません" in text
    assert "5 行目 G 列：「点検項目」が空です。" in text
    assert "6 行目 A 列：チェックリストコード「bad code!」" in text
    assert "7 行目 E 列：区分コード「A」の区分名が前の行と違います。" in text
    assert "8 行目 G 列：点検項目：使えない制御文字が含まれています。" in text
    assert Checklist.objects.count() == 0 and ChecklistSection.objects.count() == 0


def test_missing_columns_and_unreadable_files_are_refused(make_user) -> None:
    with pytest.raises(checklist_io.ChecklistImportError) as refused:
        checklist_io.parse("x.xlsx", _xlsx([["a"]], header=["チェックリストコード", "項目コード"]))
    messages = [str(p) for p in refused.value.problems]
    assert any("「点検項目」の列がありません" in m for m in messages)
    assert any("「対象の役割」の列がありません" in m for m in messages)
    with pytest.raises(checklist_io.ChecklistImportError) as damaged:
        checklist_io.parse("x.xlsx", b"PK\x03\x04 not really a zip")
    assert "Excelファイルを開けません" in str(damaged.value.problems[0])


def test_a_checklist_used_by_a_round_is_not_replaced_or_edited(org, make_user) -> None:
    infosec = make_user("infosec")
    checklist = make_checklist()
    round_ = make_round([checklist])
    services.launch_round(infosec, round_, notify_people=False)
    rows = [["staff", "職員の点検", "職員", "A", "端末", "A-9", "差し替え", "", ""]]
    with pytest.raises(checklist_io.ChecklistImportError) as refused:
        checklist_io.parse("x.xlsx", _xlsx(rows))
    assert "自己点検で使われているため置き換えられません" in str(refused.value.problems[0])
    item = checklist.items.first()
    with pytest.raises(Exception, match="変更できません"):
        services.save_item(
            infosec,
            checklist,
            item,
            {
                "section": item.section,
                "code": "A-1",
                "text": "変更",
                "guidance": "",
                "basis": "",
                "order": 1,
            },
        )
    copy = services.copy_checklist(infosec, checklist, "staff-2", "職員の点検（改訂）")
    assert copy.items.count() == 3 and copy.sections.count() == 2
    services.save_item(
        infosec,
        copy,
        copy.items.get(code="A-1"),
        {
            "section": copy.sections.get(code="A"),
            "code": "A-1",
            "text": "離席時の画面ロック",
            "guidance": "",
            "basis": "",
            "order": 1,
        },
    )
    assert copy.items.get(code="A-1").text == "離席時の画面ロック"
    assert checklist.items.get(code="A-1").text == "画面ロック"


def test_auditor_sees_checklists_without_write_buttons(client_for, make_user) -> None:
    services.install_starter_checklists(make_user("infosec", username="infosec-2"))
    auditor = client_for("auditor")
    listing = auditor.get(reverse("inspections:checklist_list")).content.decode()
    assert "職員向け 情報セキュリティ自己点検" in listing
    assert "Excelから取り込む" not in listing and "標準のチェックリストを読み込む" not in listing
    detail = auditor.get(
        reverse("inspections:checklist_detail", args=[Checklist.objects.get(code="staff").pk])
    ).content.decode()
    assert "項目を追加" not in detail and '<form method="post"' not in detail.split("<main")[1]
    export = auditor.get(reverse("inspections:checklist_export"))
    assert export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="self-inspection-checklists.xlsx"'


def test_install_command_is_idempotent() -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("install_inspection_checklists", stdout=out)
    call_command("install_inspection_checklists", stdout=out)
    assert "3 件追加しました" in out.getvalue() and "0 件追加しました" in out.getvalue()
    assert Checklist.objects.count() == 3

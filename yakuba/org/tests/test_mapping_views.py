"""Importing an HR system's own export through the screens: upload → column mapping (saved
as a preset) → employment labels → preview → apply; the next export with one click; bad
input answered with a message and nothing written."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.org.imports import purge_unapplied_uploads
from yakuba.org.models import EmploymentType, ImportBatch, ImportPreset, Staff
from yakuba.org.tests import hr_export

# The mapping form as the page suggests it for hr_export.HEADER (col_N: the N-th column).
SUGGESTED = {
    "col_0": "staff_number",
    "col_1": "surname",
    "col_2": "given_name",
    "col_3": "surname_kana",
    "col_4": "given_kana",
    "col_5": "unit_level_1",
    "col_6": "unit_level_2",
    "col_7": "unit_level_3",
    "col_8": "employment_type",
    "col_9": "position",
    "col_10": "email",
}
LABELS = {
    "正職員": "regular",
    "会計年度任用職員": "fiscal_year",
    "再任用": "reappointed",
    "嘱託": "fiscal_year",
    "派遣": "skip",
}


def _upload(client, name: str, data: bytes) -> ImportBatch:
    response = client.post(reverse("org:import_start"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    return ImportBatch.objects.latest("pk")


def _mapping_post(**changes: str) -> dict[str, str]:
    return {
        **SUGGESTED,
        "name_join": "space",
        "save": "new",
        "preset_name": "人事給与システム",
        "sheet": "0",
        "row": str(hr_export.HEADER_ROW),
        **changes,
    }


def _labels_post(batch: ImportBatch) -> dict[str, str]:
    labels = [label for label, _n in batch.sample["labels"]]
    return {f"label_{i}": LABELS[label] for i, label in enumerate(labels)} | {"update_preset": "on"}


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else ""


@pytest.mark.django_db
@pytest.mark.parametrize("path", [hr_export.CSV_PATH, hr_export.XLSX_PATH], ids=["csv", "xlsx"])
def test_hr_export_is_mapped_saved_as_preset_and_imported(client, make_user, org, path) -> None:
    hr = verified_client(client, make_user("hr"))
    batch = _upload(hr, f"職員一覧{path.suffix}", path.read_bytes())
    assert batch.status == "mapping"  # not our layout: nothing checked yet
    assert batch.sample["sheets"][0]["rows"][3][1] == hr_export.HEADER  # CP932 read

    detail = hr.get(reverse("org:import_detail", args=[batch.pk])).content.decode()
    assert "列の対応付けへ進む" in detail
    page = hr.get(reverse("org:import_mapping", args=[batch.pk])).content.decode()
    # The header under the title rows is found and every column's field suggested.
    assert re.search(r'<option value="4" selected>4行目', page)
    assert {name: _selected(page, name) for name in SUGGESTED} == SUGGESTED
    assert "髙橋" in page and "ﾀｶﾊｼ" in page  # the first rows are shown

    response = hr.post(reverse("org:import_mapping", args=[batch.pk]), _mapping_post())
    assert response.status_code == 302
    batch.refresh_from_db()
    preset = ImportPreset.objects.get(name="人事給与システム")
    assert batch.preset == preset and batch.status == "labels"
    # Labels nobody knows yet are asked for; known ones are filled in.
    labels = hr.get(reverse("org:import_labels", args=[batch.pk])).content.decode()
    assert "嘱託" in labels and "派遣" in labels
    assert _selected(labels, "label_1") == "fiscal_year"  # 会計年度任用職員 (built in)
    assert _selected(labels, "label_0") == ""  # 正職員: the office's own word

    hr.post(reverse("org:import_labels", args=[batch.pk]), _labels_post(batch))
    batch.refresh_from_db()
    assert batch.status == "ready", batch.errors
    assert batch.summary["staff"] == 4 and batch.summary["skipped"] == 1
    assert not Staff.objects.filter(staff_number="5001").exists()  # preview writes nothing
    html = hr.get(reverse("org:import_detail", args=[batch.pk])).content.decode()
    assert "取り込みを確定する" in html and "除いた行" in html

    hr.post(reverse("org:import_apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done"
    assert batch.sample == {} and not batch.upload  # the file's rows are not kept
    takahashi = Staff.objects.get(staff_number="5001")
    assert (takahashi.name, takahashi.name_kana) == ("髙橋 健一", "タカハシ ケンイチ")
    assert takahashi.unit == org["madoguchi"] and takahashi.email == "k.takahashi@example.jp"
    yamasaki = Staff.objects.get(staff_number="5002")
    assert (yamasaki.name, yamasaki.name_kana) == ("山﨑 美咲", "ヤマサキ ミサキ")
    assert yamasaki.unit == org["shimin"]  # 係 empty: the 課 itself
    assert yamasaki.employment_type == EmploymentType.FISCAL_YEAR
    assert Staff.objects.get(staff_number="5003").position == "主任II"  # NFKC of Ⅱ
    assert Staff.objects.get(staff_number="5004").employment_type == EmploymentType.FISCAL_YEAR
    assert not Staff.objects.filter(staff_number="5005").exists()  # 派遣: left out

    # The trail: the preset (columns by header text), the mapping and labels chosen, the import.
    created = AuditEntry.objects.get(object_type="org.importpreset", action="create")
    assert created.changes["columns"][1]["姓"] == "surname"
    learned = AuditEntry.objects.get(object_type="org.importpreset", action="update")
    assert learned.changes["employment"][1]["嘱託"] == "fiscal_year"
    steps = AuditEntry.objects.filter(object_type="org.importbatch", action="update")
    assert [e.changes["status"] for e in steps.order_by("seq")] == [
        ["mapping", "validating"],
        ["labels", "validating"],
    ]
    assert AuditEntry.objects.filter(action="import").exists()


@pytest.mark.django_db
def test_next_export_reuses_the_preset_with_one_click(client, make_user, org) -> None:
    hr = verified_client(client, make_user("hr"))
    first = _upload(hr, "a.csv", hr_export.CSV_PATH.read_bytes())
    hr.post(reverse("org:import_mapping", args=[first.pk]), _mapping_post())
    first.refresh_from_db()
    hr.post(reverse("org:import_labels", args=[first.pk]), _labels_post(first))

    # The same export as .xlsx, columns in another order: the preset is proposed.
    order = [0, 2, 1, *range(3, len(hr_export.HEADER))]
    data = hr_export.xlsx(order=order)
    batch = _upload(hr, "next.xlsx", data)
    assert batch.status == "mapping"
    page = hr.get(reverse("org:import_mapping", args=[batch.pk])).content.decode()
    assert "「人事給与システム」で検査する" in page
    preset = ImportPreset.objects.get()
    response = hr.post(
        reverse("org:import_mapping", args=[batch.pk]),
        {"preset": preset.pk, "use_preset": "1", "sheet": "0", "row": "4"},
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "ready", (batch.status, batch.errors, batch.sample.get("problems"))
    assert batch.summary["staff"] == 4

    # Adjusting: the form starts from the preset.
    page = hr.get(reverse("org:import_mapping", args=[batch.pk]), {"preset": preset.pk})
    assert _selected(page.content.decode(), "col_1") == "given_name"  # 名 is second now


@pytest.mark.django_db
def test_bad_mappings_are_refused_with_messages_and_nothing_written(client, make_user, org) -> None:
    hr = verified_client(client, make_user("hr"))
    batch = _upload(hr, "x.csv", hr_export.csv_cp932())
    url = reverse("org:import_mapping", args=[batch.pk])
    entries = AuditEntry.objects.count()
    cases = [
        ({"col_0": "ignore"}, "「職員番号」に当たる列を選んでください。"),
        ({"col_9": "staff_number"}, "「職員番号」に2つの列（職員番号、職名）が選ばれています"),
        ({"col_2": "ignore"}, "「姓」と「名」は両方の列を選んでください。"),
        ({"col_9": "unit_code"}, "どれか1つの方法"),
        ({"col_0": "password"}, "password は候補にありません"),
        ({"preset_name": ""}, "名前を入力してください。"),
    ]
    for changes, message in cases:
        response = hr.post(url, _mapping_post(**changes))
        assert response.status_code == 200, changes
        assert message in response.content.decode(), changes
    batch.refresh_from_db()
    assert batch.status == "mapping" and batch.mapping == {}
    assert not ImportPreset.objects.exists()
    assert AuditEntry.objects.count() == entries
    # A name already taken.
    hr.post(url, _mapping_post())
    other = _upload(hr, "y.csv", hr_export.csv_cp932())
    response = hr.post(reverse("org:import_mapping", args=[other.pk]), _mapping_post())
    assert "という名前の対応付けがすでにあります" in response.content.decode()


@pytest.mark.django_db
def test_labels_must_all_be_chosen(client, make_user, org) -> None:
    hr = verified_client(client, make_user("hr"))
    batch = _upload(hr, "x.csv", hr_export.csv_cp932())
    hr.post(reverse("org:import_mapping", args=[batch.pk]), _mapping_post(save="no"))
    batch.refresh_from_db()
    data = _labels_post(batch)
    data.pop("label_0")
    response = hr.post(reverse("org:import_labels", args=[batch.pk]), data)
    assert response.status_code == 200
    assert "「正職員」に当たる雇用区分を選んでください。" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "labels" and not batch.mapping.get("employment")


@pytest.mark.django_db
def test_unknown_and_ambiguous_units_are_row_errors(client, make_user, org) -> None:
    from yakuba.org.models import Unit

    Unit(code="130", name="窓口係", kind="section", parent=org["zeimu"]).save()
    rows = [
        ["6001", "青木", "一", "アオキ", "ハジメ", "市民部", "市民課", "窓ロ係", "正規", "", ""],
        ["6002", "石井", "二", "イシイ", "ジ", "", "", "窓口係", "正規", "", ""],
        ["6003", "上田", "三", "ウエダ", "サン", "市民部", "税務課", "", "正規", "", ""],
    ]
    hr = verified_client(client, make_user("hr"))
    batch = _upload(hr, "x.csv", hr_export.csv_cp932(rows))
    hr.post(reverse("org:import_mapping", args=[batch.pk]), _mapping_post(save="no"))
    batch.refresh_from_db()
    assert batch.status == "invalid"
    assert [(e["row"], e["column"]) for e in batch.errors] == [(5, "部"), (6, "部")]
    assert "「市民部／市民課」の下に「窓ロ係」がありません" in batch.errors[0]["message"]
    assert "2件あります" in batch.errors[1]["message"]
    assert not Staff.objects.filter(staff_number="6003").exists()
    html = hr.get(reverse("org:import_detail", args=[batch.pk])).content.decode()
    assert "列の対応付けを変えて検査し直す" in html


@pytest.mark.django_db
def test_header_row_can_be_chosen_and_a_wrong_one_is_explained(client, make_user, org) -> None:
    hr = verified_client(client, make_user("hr"))
    batch = _upload(hr, "x.csv", hr_export.csv_cp932())
    url = reverse("org:import_mapping", args=[batch.pk])
    page = hr.get(url, {"row": "2"}).content.decode()
    assert re.search(r'<option value="2" selected>2行目', page)
    assert "出力者：人事課" in page  # row 2's cells are now the columns
    response = hr.post(
        url, {"col_0": "staff_number", "save": "no", "row": "2", "sheet": "0", "name_join": "space"}
    )
    assert response.status_code == 200
    assert "「氏名」に当たる列" in response.content.decode()


@pytest.mark.django_db
def test_own_layout_is_not_asked_for_a_mapping_but_can_be_remapped(client, make_user, org) -> None:
    from yakuba.org.tests.test_importing import csv_bytes

    hr = verified_client(client, make_user("hr"))
    batch = _upload(hr, "ours.csv", csv_bytes(["3100,山田 一,ヤマダ ハジメ,正職員,,111,,,1"]))
    assert batch.status == "invalid"  # our layout: checked at once; 正職員 unknown
    html = hr.get(reverse("org:import_detail", args=[batch.pk])).content.decode()
    assert "列を対応付けて検査し直せます" in html
    page = hr.get(reverse("org:import_mapping", args=[batch.pk])).content.decode()
    assert _selected(page, "col_0") == "staff_number" and _selected(page, "col_5") == "unit_code"
    hr.post(
        reverse("org:import_mapping", args=[batch.pk]),
        {
            "col_0": "staff_number",
            "col_1": "name",
            "col_2": "name_kana",
            "col_3": "employment_type",
            "col_5": "unit_code",
            "save": "no",
            "row": "1",
            "sheet": "0",
            "name_join": "space",
        },
    )
    batch.refresh_from_db()
    assert batch.status == "labels"
    hr.post(reverse("org:import_labels", args=[batch.pk]), {"label_0": "regular"})
    batch.refresh_from_db()
    assert batch.status == "ready"


@pytest.mark.django_db
def test_finished_batches_cannot_be_remapped(client, make_user, org) -> None:
    hr = verified_client(client, make_user("hr"))
    batch = _upload(hr, "x.csv", hr_export.csv_cp932())
    ImportBatch.objects.filter(pk=batch.pk).update(status="applying")
    url = reverse("org:import_mapping", args=[batch.pk])
    assert "列の対応付けはできません" in hr.get(url).content.decode()
    hr.post(url, _mapping_post())
    batch.refresh_from_db()
    assert batch.status == "applying" and batch.mapping == {}
    assert not ImportPreset.objects.exists()


@pytest.mark.django_db
def test_purge_forgets_the_sample(make_user, org) -> None:
    import datetime as dt

    from django.utils import timezone

    from yakuba.org.imports import start_import

    batch = start_import(actor=make_user("hr"), filename="x.csv", data=hr_export.csv_cp932())
    assert ImportBatch.objects.get(pk=batch.pk).sample["sheets"]
    assert purge_unapplied_uploads(timezone.now() + dt.timedelta(days=30)) == 1
    batch.refresh_from_db()
    assert batch.status == "expired" and batch.sample == {}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "unit_head", "auditor", "infosec"])
def test_only_importers_map_or_manage_presets(client, make_user, org, role) -> None:
    hr = make_user("hr", username="the-hr")
    from yakuba.org import presets
    from yakuba.org.imports import start_import
    from yakuba.org.mapping import ColumnMapping

    batch = start_import(actor=hr, filename="x.csv", data=hr_export.csv_cp932())
    preset = presets.save_preset(
        actor=hr, preset=None, name="p", mapping=ColumnMapping(), header=["a"]
    )
    other = verified_client(client, make_user(role))
    for url in (
        reverse("org:import_mapping", args=[batch.pk]),
        reverse("org:import_labels", args=[batch.pk]),
        reverse("org:preset_rename", args=[preset.pk]),
        reverse("org:preset_delete", args=[preset.pk]),
    ):
        assert other.post(url, _mapping_post() | {"name": "x"}).status_code == 403, url
    batch.refresh_from_db()
    assert batch.status == "mapping" and ImportPreset.objects.get().name == "p"


@pytest.mark.django_db
def test_unstorable_characters_in_a_mapped_cell_fail_their_row(client, make_user, org) -> None:
    rows = [list(r) for r in hr_export.ROWS[:3]]
    rows[1][1] = "山\x07﨑"  # a control character inside the surname
    hr = verified_client(client, make_user("hr"))
    batch = _upload(hr, "x.csv", hr_export.csv_cp932(rows))
    hr.post(
        reverse("org:import_mapping", args=[batch.pk]),
        _mapping_post(save="no"),
    )
    batch.refresh_from_db()
    hr.post(reverse("org:import_labels", args=[batch.pk]), _labels_post(batch))
    batch.refresh_from_db()
    assert batch.status == "invalid"
    assert [(e["row"], e["column"]) for e in batch.errors] == [(6, "氏名")]
    assert "制御文字" in batch.errors[0]["message"]
    assert not Staff.objects.filter(staff_number__in=["5001", "5003"]).exists()


@pytest.mark.django_db
def test_mapping_page_survives_hostile_values(client, make_user, org) -> None:
    from yakuba.core.hostile import HOSTILE_VALUES

    hr = verified_client(client, make_user("hr"))
    batch = _upload(hr, "x.csv", hr_export.csv_cp932())
    hr.raise_request_exception = False
    url = reverse("org:import_mapping", args=[batch.pk])
    for value in HOSTILE_VALUES:
        if "\x00" in value:
            continue  # refused with 400 before any view (core middleware)
        for key in ("row", "sheet", "preset"):
            assert hr.get(url, {key: value}).status_code == 200, (key, value)
        response = hr.post(url, _mapping_post(row=value, col_3=value, preset=value))
        assert response.status_code in (200, 302), value
    batch.refresh_from_db()
    assert batch.status in ("mapping", "labels")

"""Organisation views: upload → preview → confirm, scoping, search, audited edits."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.org.models import ImportBatch, Staff
from yakuba.org.tests.test_importing import GOOD_ROWS, csv_bytes


@pytest.mark.django_db
def test_upload_preview_then_confirm_imports(client, make_user) -> None:
    hr = verified_client(client, make_user("hr"))
    upload = SimpleUploadedFile("staff.csv", csv_bytes(GOOD_ROWS, "cp932"), "text/csv")
    response = hr.post(reverse("org:import_start"), {"file": upload})
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302
    assert batch.status == "ready"
    assert not Staff.objects.filter(staff_number="3001").exists()  # preview writes nothing
    page = hr.get(reverse("org:import_detail", args=[batch.pk]))
    assert "取り込みを確定する" in page.content.decode()
    stored = batch.upload.name
    assert stored is not None
    assert default_storage.exists(stored)
    hr.post(reverse("org:import_apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done"
    # The personal data of the upload is not kept once applied.
    assert not batch.upload
    assert not default_storage.exists(stored)
    assert Staff.objects.filter(staff_number="3001").exists()
    assert AuditEntry.objects.filter(action="import").exists()


@pytest.mark.django_db
def test_preview_lists_problems_with_row_and_column(client, make_user) -> None:
    hr = verified_client(client, make_user("hr"))
    upload = SimpleUploadedFile("bad.csv", csv_bytes(["3100,,ナシ,正規,,999,,,1"]), "text/csv")
    hr.post(reverse("org:import_start"), {"file": upload})
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == "invalid"
    html = hr.get(reverse("org:import_detail", args=[batch.pk])).content.decode()
    assert "氏名が空です" in html and "999" in html
    assert "取り込みを確定する" not in html
    response = hr.post(reverse("org:import_apply", args=[batch.pk]))
    assert response.status_code == 302
    assert not Staff.objects.filter(staff_number="3100").exists()


@pytest.mark.django_db
def test_wrong_file_type_is_refused_with_a_message(client, make_user) -> None:
    hr = verified_client(client, make_user("hr"))
    upload = SimpleUploadedFile("photo.png", b"\x89PNG....", "image/png")
    response = hr.post(reverse("org:import_start"), {"file": upload})
    assert response.status_code == 200
    assert ".xlsx または .csv" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_unit_head_sees_only_their_unit_and_below(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head", unit_key="shimin"))
    html = head.get(reverse("org:staff_list")).content.decode()
    assert "山田 太郎" in html and "佐藤 花子" in html
    assert "鈴木 一郎" not in html  # 税務課
    foreign = org["staff"]["2001"]
    assert head.get(reverse("org:staff_detail", args=[foreign.pk])).status_code == 404
    assert head.get(reverse("org:staff_edit", args=[foreign.pk])).status_code == 404
    assert head.get(reverse("org:unit_detail", args=[org["zeimu"].pk])).status_code == 404
    denial = AuditEntry.objects.filter(action="denied").latest("seq")
    assert "outside scope" in denial.object_repr


@pytest.mark.django_db
def test_unit_head_cannot_move_staff_out_of_scope(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head", unit_key="shimin"))
    s = org["staff"]["1001"]
    response = head.post(
        reverse("org:staff_edit", args=[s.pk]),
        {
            "staff_number": s.staff_number,
            "name": s.name,
            "name_kana": s.name_kana,
            "employment_type": "regular",
            "unit": org["zeimu"].pk,
            "active": "on",
        },
    )
    assert response.status_code == 200  # the foreign unit is not a valid choice
    s.refresh_from_db()
    assert s.unit == org["shimin"]


@pytest.mark.django_db
def test_edit_is_audited_with_changed_fields(client, make_user, org) -> None:
    hr = verified_client(client, make_user("hr"))
    s = org["staff"]["1001"]
    response = hr.post(
        reverse("org:staff_edit", args=[s.pk]),
        {
            "staff_number": s.staff_number,
            "name": s.name,
            "name_kana": "やまだ たろう",
            "employment_type": "regular",
            "position": "主査",
            "unit": s.unit.pk,
            "active": "on",
            "email": s.email,
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_type="org.staff", object_id=str(s.pk)).latest("seq")
    assert entry.action == "update"
    assert entry.changes == {"position": ["", "主査"]}
    assert entry.actor_label == "u-hr"


@pytest.mark.django_db
def test_bad_input_gets_a_clear_message_and_nothing_is_written(client, make_user, org) -> None:
    hr = verified_client(client, make_user("hr"))
    count = Staff.objects.count()
    response = hr.post(
        reverse("org:staff_create"),
        {
            "staff_number": "1001",
            "name": "",
            "name_kana": "Yamada",
            "employment_type": "regular",
            "unit": org["shimin"].pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "氏名カナはカタカナで入力してください" in html
    assert Staff.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["やまだ", "ヤマダ", "ﾔﾏﾀﾞ", "山田", "1001"])
def test_search_in_kana_and_kanji(client, make_user, query) -> None:
    hr = verified_client(client, make_user("hr"))
    html = hr.get(reverse("org:staff_list"), {"q": query}).content.decode()
    assert "山田 太郎" in html
    assert "鈴木 一郎" not in html


@pytest.mark.django_db
def test_export_is_scoped_and_audited(client, make_user, org) -> None:
    head = verified_client(client, make_user("unit_head", unit_key="shimin"))
    response = head.get(
        reverse("org:export_download"), {"format": "staff_csv", "encoding": "cp932"}
    )
    body = response.content.decode("cp932")
    assert "山田 太郎" in body and "鈴木 一郎" not in body
    assert AuditEntry.objects.filter(action="export", actor_label="u-unit_head").exists()


@pytest.mark.django_db
def test_hr_adds_a_skill_and_a_unit_head_cannot(client, make_user) -> None:
    from django.test import Client

    from yakuba.org.models import Skill

    hr = verified_client(client, make_user("hr"))
    hr.post(reverse("org:skill_list"), {"code": "kokuho", "name": "国保"})
    assert Skill.objects.filter(name="国保").exists()
    assert AuditEntry.objects.filter(object_type="org.skill", action="create").exists()
    head = verified_client(Client(), make_user("unit_head"))
    assert head.post(reverse("org:skill_list"), {"code": "x", "name": "X"}).status_code == 403
    assert not Skill.objects.filter(code="x").exists()

"""Resource limits of imports: a zip bomb, huge files, thousands of bad rows, old uploads."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.core.tabular import IMPORT_LIMITS, TableReadError, read_tables
from yakuba.org.importing import build_plan
from yakuba.org.imports import PURGE_JOB, purge_unapplied_uploads, start_import
from yakuba.org.models import ImportBatch, ImportStatus, Staff
from yakuba.org.tests.test_importing import GOOD_ROWS, csv_bytes

_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    f'<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<workbook xmlns="{_SML}" xmlns:r="{_DOC}">'
    '<sheets><sheet name="職員" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def zip_bomb_xlsx(rows: int, columns: int) -> bytes:
    """A real .xlsx whose one sheet holds rows × columns numeric cells: a few hundred KB
    that expands to far more (the incident's file: 490 KB, 116 MB, 2 M cells)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        cell = "<c><v>1</v></c>" * columns
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{_SML}"><sheetData>'.encode())
            block = (f"<row>{cell}</row>" * 100).encode()
            for _ in range(rows // 100):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_zip_bomb_xlsx_is_refused_quickly_with_a_japanese_message() -> None:
    data = zip_bomb_xlsx(rows=20_000, columns=200)  # 4 M cells
    expanded = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert len(data) < 2 * 1024 * 1024 < IMPORT_LIMITS["IMPORT_MAX_EXPANDED_BYTES"] < expanded
    started = time.monotonic()
    with pytest.raises(TableReadError) as refused:
        read_tables("staff.xlsx", data)
    assert time.monotonic() - started < 1.0  # nothing was unpacked
    assert "展開すると" in str(refused.value) and "上限（50 MB）" in str(refused.value)


@override_settings(IMPORT_MAX_ROWS=1_000)
def test_rows_past_the_limit_stop_the_reading() -> None:
    small = zip_bomb_xlsx(rows=5_000, columns=3)  # under the expanded-size limit
    with pytest.raises(TableReadError, match="行数が上限（1000 行）"):
        read_tables("many.xlsx", small)
    with pytest.raises(TableReadError, match="行数が上限（1000 行）"):
        read_tables("many.csv", csv_bytes(["x"] * 1_000))
    assert len(read_tables("ok.csv", csv_bytes(["x"] * 999))[0].rows) == 1_000


@override_settings(IMPORT_MAX_COLUMNS=20)
def test_columns_past_the_limit_refuse_the_file_but_empty_ones_are_ignored() -> None:
    with pytest.raises(TableReadError, match="列数が上限（20 列）"):
        read_tables("wide.xlsx", zip_bomb_xlsx(rows=100, columns=21))
    with pytest.raises(TableReadError, match="列数が上限（20 列）"):
        read_tables("wide.csv", b"a" + b",b" * 20 + b"\r\n")
    # Trailing empty cells (a spreadsheet's formatted but empty columns) are not content.
    (sheet,) = read_tables("trail.csv", b"a,b" + b"," * 100 + b"\r\n")
    assert sheet.rows == [(1, ["a", "b"])]


@pytest.mark.django_db
def test_ten_thousand_bad_rows_keep_n_problems_and_a_count(client, make_user) -> None:
    # Every row has seven problems: 70,000 in all.
    rows = [f"x{i}!,,abc,謎,,999,,not-mail,たぶん" for i in range(10_000)]
    plan = build_plan("bad.csv", csv_bytes(rows))
    kept = IMPORT_LIMITS["IMPORT_MAX_ERRORS"]
    assert plan.errors_total == 70_000
    assert len(plan.errors) == kept
    assert plan.summary()["errors"] == 70_000
    assert plan.summary()["errors_omitted"] == 70_000 - kept
    assert not plan.ok

    user = make_user("hr")
    hr = verified_client(client, user)
    start_import(actor=user, filename="bad.csv", data=csv_bytes(rows))
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportStatus.INVALID
    assert len(batch.errors) == kept
    page = hr.get(reverse("org:import_detail", args=[batch.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "70000 件の問題があります" in text
    assert f"最初の {kept} 件を表示しています（ほかに {70_000 - kept} 件）" in text
    assert text.count('class="is-error"') == 50  # one page of the kept problems
    assert f"1 / {kept // 50} ページ" in text
    assert len(page.content) < 200_000  # the incident's page was 11 MB
    last = hr.get(reverse("org:import_detail", args=[batch.pk]), {"page": kept // 50})
    assert last.content.decode().count('class="is-error"') == 50
    assert f"{kept // 50} / {kept // 50} ページ" in last.content.decode()
    assert not Staff.objects.filter(staff_number__startswith="x").exists()


@pytest.mark.django_db
def test_a_page_past_the_end_shows_the_last_page(client, make_user) -> None:
    user = make_user("hr")
    hr = verified_client(client, user)
    start_import(actor=user, filename="bad.csv", data=csv_bytes(["3001,,,,,999,,,"] * 30))
    batch = ImportBatch.objects.latest("pk")
    page = hr.get(reverse("org:import_detail", args=[batch.pk]), {"page": "99999999999999"})
    pages = -(-len(batch.errors) // 50)
    assert pages > 1
    assert page.status_code == 200
    assert f"{pages} / {pages} ページ" in page.content.decode()


@pytest.mark.django_db
def test_purge_deletes_old_unapplied_uploads_and_keeps_applied_and_recent(
    make_user, django_capture_on_commit_callbacks
) -> None:
    hr = make_user("hr")
    now = timezone.now()
    keep_days = IMPORT_LIMITS["IMPORT_KEEP_DAYS"]
    with time_machine.travel(now - dt.timedelta(days=keep_days + 1), tick=False):
        old_ready = start_import(actor=hr, filename="ready.csv", data=csv_bytes(GOOD_ROWS))
        old_invalid = start_import(actor=hr, filename="bad.csv", data=csv_bytes(["3001,,,,,9"]))
        old_applied = start_import(
            actor=hr, filename="applied.csv", data=csv_bytes(GOOD_ROWS), auto_apply=True
        )
    with time_machine.travel(now - dt.timedelta(days=keep_days - 1), tick=False):
        recent = start_import(actor=hr, filename="recent.csv", data=csv_bytes(GOOD_ROWS))
    for batch in (old_ready, old_invalid, old_applied, recent):
        batch.refresh_from_db()
    assert old_ready.status == ImportStatus.READY
    assert old_invalid.status == ImportStatus.INVALID and old_invalid.errors
    assert old_applied.status == ImportStatus.DONE and not old_applied.upload
    old_files = [str(old_ready.upload.name), str(old_invalid.upload.name)]
    assert all(default_storage.exists(name) for name in old_files)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows say so
        assert purge_unapplied_uploads(now) == 2

    for batch in (old_ready, old_invalid, old_applied, recent):
        batch.refresh_from_db()
    assert not any(default_storage.exists(name) for name in old_files)
    assert old_ready.status == old_invalid.status == ImportStatus.EXPIRED
    assert not old_ready.upload and old_invalid.errors == []  # errors quoted the file
    assert old_applied.status == ImportStatus.DONE and old_applied.result["staff_created"] == 3
    assert recent.status == ImportStatus.READY and default_storage.exists(str(recent.upload.name))
    entries = AuditEntry.objects.filter(actor_label=PURGE_JOB, action="delete")
    assert sorted(e.object_id for e in entries) == sorted([str(old_ready.pk), str(old_invalid.pk)])
    assert purge_unapplied_uploads(now) == 0  # nothing left to do


@pytest.mark.django_db
def test_an_expired_import_can_no_longer_be_applied(client, make_user) -> None:
    user = make_user("hr")
    hr = verified_client(client, user)
    with time_machine.travel(timezone.now() - dt.timedelta(days=30), tick=False):
        batch = start_import(actor=user, filename="ready.csv", data=csv_bytes(GOOD_ROWS))
    purge_unapplied_uploads()
    response = hr.post(reverse("org:import_apply", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.EXPIRED
    assert not Staff.objects.filter(staff_number="3001").exists()
    page = hr.get(reverse("org:import_detail", args=[batch.pk])).content.decode()
    assert "保存期間を過ぎたため、ファイルを削除しました" in page

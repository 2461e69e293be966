"""Who may read the report and who may keep the ledger; CRUD, reassignment and export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from yakuba.audit.models import AuditAction, AuditEntry
from yakuba.licences.models import Licence, LicenceAssignment
from yakuba.licences.tests.factories import hosted, local, make_licence

pytestmark = pytest.mark.django_db


def _values(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "platform": "zoom",
        "name": "Zoom ホスト01",
        "kind": "host",
        "monthly_cost": "2200",
        "valid_from": "2026-04-01",
        "valid_to": "",
        "notes": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("role", ["hr", "auditor", "infosec", "sysadmin"])
def test_report_readers(role, client_for, org) -> None:
    make_licence("Zoom01", org["staff"]["1001"])
    response = client_for(role).get("/licences/?month=2026-10")
    assert response.status_code == 200
    assert "必要なライセンス数" in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "unit_head"])
def test_report_denied_to_others(role, client_for) -> None:
    assert client_for(role).get("/licences/").status_code == 403


@pytest.mark.parametrize("role", ["hr", "auditor"])
def test_readers_may_not_change_the_ledger(role, client_for, org) -> None:
    licence = make_licence("Zoom01", org["staff"]["1001"])
    client = client_for(role)
    assert client.post("/licences/ledger/new/", _values()).status_code == 403
    assert client.post(f"/licences/ledger/{licence.pk}/edit/", _values()).status_code == 403
    assert client.post(f"/licences/ledger/{licence.pk}/delete/").status_code == 403
    assert Licence.objects.count() == 1


def test_create_with_holder_edit_and_audit(client_for, org) -> None:
    client = client_for("infosec")
    yamada = org["staff"]["1001"]
    response = client.post("/licences/ledger/new/", _values(holder=yamada.pk))
    licence = Licence.objects.get()
    assert response.status_code == 302
    assert licence.holder == yamada and licence.monthly_cost == 2200
    assert LicenceAssignment.objects.get().start_on == dt.date(2026, 4, 1)
    response = client.post(f"/licences/ledger/{licence.pk}/edit/", _values(monthly_cost="2500"))
    assert response.status_code == 302
    update = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(licence.pk))
    assert any(e.changes.get("monthly_cost") == [2200, 2500] for e in update)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(licence.pk)).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"valid_to": "2026-03-31"}, "valid_to"),
        ({"monthly_cost": "-1"}, "monthly_cost"),
        ({"name": "  "}, "name"),
        ({"platform": "fax"}, "platform"),
    ],
)
def test_form_validation(extra, field, client_for) -> None:
    response = client_for("sysadmin").post("/licences/ledger/new/", _values(**extra))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Licence.objects.exists()


def test_duplicate_name_is_refused(client_for, org) -> None:
    make_licence("Zoom ホスト01", None)
    response = client_for("sysadmin").post("/licences/ledger/new/", _values())
    assert "name" in response.context["form"].errors


def test_reassign_keeps_history(client_for, org) -> None:
    licence = make_licence("Zoom01", org["staff"]["1001"])
    client = client_for("infosec")
    url = f"/licences/ledger/{licence.pk}/holder/"
    sato = org["staff"]["1002"]
    assert client.post(url, {"staff": sato.pk, "on": "2026-10-15"}).status_code == 302
    licence.refresh_from_db()
    assert licence.holder == sato
    history = list(
        licence.assignments.order_by("start_on").values_list("staff", "start_on", "end_on")
    )
    assert history == [
        (org["staff"]["1001"].pk, dt.date(2026, 4, 1), dt.date(2026, 10, 15)),
        (sato.pk, dt.date(2026, 10, 15), None),
    ]
    # A date before the current holder's start is refused with a message.
    response = client.post(url, {"staff": org["staff"]["2001"].pk, "on": "2026-10-01"})
    assert response.status_code == 200
    assert "以降" in str(response.context["form"].non_field_errors())
    # Unassigning.
    assert client.post(url, {"staff": "", "on": "2026-11-01"}).status_code == 302
    licence.refresh_from_db()
    assert licence.holder is None
    assert licence.assignments.filter(end_on__isnull=True).count() == 0
    detail = client.get(f"/licences/ledger/{licence.pk}/").content.decode()
    assert "佐藤 花子" in detail and "山田 太郎" in detail
    entries = AuditEntry.objects.filter(object_id=str(licence.pk), changes__has_key="holder")
    assert entries.count() == 2


def test_reassign_before_contract_is_a_form_error(client_for, org) -> None:
    licence = make_licence("Zoom01", None)
    response = client_for("infosec").post(
        f"/licences/ledger/{licence.pk}/holder/",
        {"staff": org["staff"]["1001"].pk, "on": "2026-01-01"},
    )
    assert "on" in response.context["form"].errors


def test_delete_is_audited(client_for, org) -> None:
    licence = make_licence("Zoom01", org["staff"]["1001"])
    pk = licence.pk
    assert client_for("sysadmin").post(f"/licences/ledger/{pk}/delete/").status_code == 302
    assert not Licence.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(pk)).exists()


def test_export_xlsx_has_japanese_sheets_and_neutralised_text(client_for, org, make_user) -> None:
    organiser = make_user("staff", username="organiser")
    make_licence('=HYPERLINK("x")', org["staff"]["1001"])
    make_licence("Zoom02", None)
    hosted(organiser, org["staff"]["1001"], local(dt.date(2026, 10, 5), 10), 60)
    response = client_for("hr").get("/licences/report.xlsx?month=2026-10")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('licences-2026-10.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["推奨", "ライセンス別", "日ごとの同時開催", "未保有のホスト"]
    summary = [c.value for c in book["推奨"][2]]
    assert summary[:4] == ["2026-10", "Zoom", 2, 1]
    names = [row[0].value for row in book["ライセンス別"].iter_rows(min_row=2)]
    assert '\'=HYPERLINK("x")' in names
    assert book["日ごとの同時開催"].max_row == 32  # header + 31 days
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_report_page_shows_idle_and_unlicensed(client_for, org, make_user) -> None:
    organiser = make_user("staff", username="organiser")
    make_licence("Zoom01", org["staff"]["1001"])
    make_licence("Zoom02", org["staff"]["1002"], cost=3000)
    make_licence("Zoom03", None)
    hosted(organiser, org["staff"]["1001"], local(dt.date(2026, 10, 5), 10), 60)
    hosted(organiser, org["staff"]["2001"], local(dt.date(2026, 10, 5), 10, 30), 60)
    response = client_for("infosec").get("/licences/?month=2026-10&margin_min=1&margin_percent=10")
    html = response.content.decode()
    report = response.context["report"]
    zoom = report.platforms[0]
    assert (zoom.peak, zoom.needed, zoom.held) == (2, 3, 3)
    assert "鈴木 一郎" in html  # unlicensed host
    assert "休眠" in html
    assert '<svg class="chart"' in html and 'role="img"' in html


def test_bad_month_falls_back_to_last_complete_month(client_for) -> None:
    response = client_for("infosec").get("/licences/?month=2099-01&margin_min=abc")
    assert response.status_code == 200
    assert response.context["form"].errors

"""The inventory pages as people use them: who may import, who reads which procedures and
meetings, the template, the hourly rates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.core.tabular import read_tables
from yakuba.reviews.import_models import ProcedureImport
from yakuba.reviews.inventory_import import COLUMNS
from yakuba.reviews.models import HourlyRate, MeetingSeries, Procedure
from yakuba.reviews.tests.inventory_factories import HEADER, csv_bytes, row


@pytest.fixture
def procedures(org):
    made = [
        Procedure.objects.create(
            procedure_id="S-1",
            unit=org["shimin"],
            department=org["dept"],
            name="印鑑登録申請",
            seal="seal",
            paper=True,
            in_person=True,
        ),
        Procedure.objects.create(
            procedure_id="S-2",
            unit=org["madoguchi"],
            department=org["dept"],
            name="住民票の写しの交付申請",
            seal="none",
            paper=True,
            in_person=False,
        ),
        Procedure.objects.create(
            procedure_id="Z-1",
            unit=org["zeimu"],
            department=org["dept"],
            name="課税証明書の交付申請",
            seal="seal_or_signature",
            paper=True,
            in_person=True,
        ),
    ]
    return made


def _client(client_factory, make_user, role: str, **kwargs):
    return verified_client(client_factory(), make_user(role, **kwargs))


@pytest.mark.django_db
def test_the_planning_unit_uploads_previews_and_confirms(
    org, make_user, client_factory, django_capture_on_commit_callbacks
) -> None:
    planner = _client(client_factory, make_user, "planning")
    page = planner.get(reverse("reviews:procedure_import"))
    assert "棚卸し表の取り込み" in page.content.decode()
    data = csv_bytes([HEADER, row("P-1"), row("P-2", name="転入届")], "cp932")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post(
            reverse("reviews:procedure_import"),
            {"file": SimpleUploadedFile("棚卸し.csv", data, content_type="text/csv")},
        )
    batch = ProcedureImport.objects.get()
    assert response.url == reverse("reviews:procedure_import_detail", args=[batch.pk])
    preview = planner.get(response.url).content.decode()
    assert "確定待ち" in preview and "取り込みを確定する" in preview
    assert "新規・更新となる手続" in preview and "転入届" in preview
    assert not Procedure.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        planner.post(reverse("reviews:procedure_import_confirm", args=[batch.pk]))
    done = planner.get(response.url).content.decode()
    assert "取り込みました：新規 2・更新 0・変更なし 0・無効にした手続 0" in done
    listing = planner.get(reverse("reviews:procedure_list")).content.decode()
    assert "P-1" in listing and "転入届" in listing


@pytest.mark.django_db
def test_a_bad_file_shows_its_problems_and_cannot_be_confirmed(
    org, make_user, client_factory, django_capture_on_commit_callbacks
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    planner = _client(client_factory, make_user, "planning")
    data = csv_bytes([HEADER, row("P-1", "どこにもない課"), row("P-1", paper="?")])
    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post(
            reverse("reviews:procedure_import"), {"file": SimpleUploadedFile("x.csv", data)}
        )
    page = planner.get(response.url).content.decode()
    assert "3 件の問題があります（何も書き込まれていません）" in page
    assert "取り込みを確定する" not in page
    batch = ProcedureImport.objects.get()
    planner.post(reverse("reviews:procedure_import_confirm", args=[batch.pk]))
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_only_the_planning_unit_imports(org, make_user, client_factory) -> None:
    for role in ("staff", "unit_head", "hr", "auditor"):
        client = _client(client_factory, make_user, role)
        assert client.get(reverse("reviews:procedure_import")).status_code == 403
        assert client.get(reverse("reviews:hourly_rates")).status_code == 403


@pytest.mark.django_db
def test_unit_heads_read_their_units_procedures_others_all_or_none(
    procedures, org, make_user, client_factory
) -> None:
    head = _client(client_factory, make_user, "unit_head")  # head of 市民課
    page = head.get(reverse("reviews:procedure_list")).content.decode()
    assert "S-1" in page and "S-2" in page and "Z-1" not in page
    for role in ("planning", "auditor", "hr"):
        page = _client(client_factory, make_user, role).get(reverse("reviews:procedure_list"))
        assert "Z-1" in page.content.decode(), role
    staff = _client(client_factory, make_user, "staff")
    assert staff.get(reverse("reviews:procedure_list")).status_code == 403


@pytest.mark.django_db
def test_the_list_filters_by_seal_paper_in_person_and_unit(
    procedures, org, make_user, client_factory
) -> None:
    planner = _client(client_factory, make_user, "planning")
    url = reverse("reviews:procedure_list")

    def ids(query: str) -> set[str]:
        html = planner.get(f"{url}?{query}").content.decode()
        return {p for p in ("S-1", "S-2", "Z-1") if f"<td>{p}" in html}

    assert ids("") == {"S-1", "S-2", "Z-1"}
    assert ids("seal=yes") == {"S-1", "Z-1"}
    assert ids("seal=no") == {"S-2"}
    assert ids("in_person=no") == {"S-2"}
    assert ids(f"unit={org['zeimu'].pk}") == {"Z-1"}
    assert ids(f"unit={org['shimin'].pk}&in_person=yes") == {"S-1"}
    assert ids("q=住民票") == {"S-2"}


@pytest.mark.django_db
def test_the_template_holds_the_headers_and_an_example_that_imports(
    org, make_user, client_factory
) -> None:
    from yakuba.reviews.inventory_import import check_file

    response = _client(client_factory, make_user, "unit_head").get(
        reverse("reviews:procedure_template")
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = read_tables("t.xlsx", data)[0]
    assert sheet.rows[0][1] == list(COLUMNS)
    assert sheet.rows[1][1][:3] == ["SHIMIN-0001", "市民課", "住民票の写しの交付申請"]
    assert check_file("t.xlsx", data).ok


@pytest.mark.django_db
def test_hourly_rates_are_edited_by_the_planning_unit_and_audited(
    org, make_user, client_factory, django_capture_on_commit_callbacks
) -> None:
    planner = _client(client_factory, make_user, "planning")
    page = planner.get(reverse("reviews:hourly_rates")).content.decode()
    assert "課長級以上" in page and 'value="5800"' in page
    values = {"level_1": 3000, "level_2": 3700, "level_3": 4400, "level_4": 5000}
    response = planner.post(reverse("reviews:hourly_rates"), values | {"level_5": 6200})
    assert response.status_code == 302
    assert HourlyRate.objects.get(level="5").yen_per_hour == 6200
    assert AuditEntry.objects.filter(object_type="reviews.hourlyrate").count() == 1
    bad = planner.post(reverse("reviews:hourly_rates"), values | {"level_5": 0})
    assert bad.status_code == 200 and HourlyRate.objects.get(level="5").yen_per_hour == 6200


@pytest.mark.django_db
def test_meeting_series_list_is_scoped_and_shows_the_cost(org, make_user, client_factory) -> None:
    head_user = make_user("unit_head")
    now = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    MeetingSeries.objects.create(
        key="a",
        title="市民課 課内会議",
        organiser=head_user,
        unit=org["shimin"],
        occurrences=12,
        cost_per_meeting_yen=26500,
        cost_per_year_yen=1380650,
        last_meeting_at=now,
    )
    MeetingSeries.objects.create(
        key="b",
        title="税務課 係長会",
        organiser=head_user,
        unit=org["zeimu"],
        occurrences=4,
        cost_per_meeting_yen=9000,
        cost_per_year_yen=117000,
        last_meeting_at=now,
    )
    head = verified_client(client_factory(), head_user)
    page = head.get(reverse("reviews:meeting_series_list")).content.decode()
    assert "市民課 課内会議" in page and "1,380,650 円" in page and "税務課 係長会" not in page
    planner = _client(client_factory, make_user, "planning")
    page = planner.get(reverse("reviews:meeting_series_list")).content.decode()
    assert "税務課 係長会" in page and "1,497,650 円" in page  # the yearly total
    assert "会議の記録から集計し直す" in page
    staff = _client(client_factory, make_user, "staff")
    assert staff.get(reverse("reviews:meeting_series_list")).status_code == 403

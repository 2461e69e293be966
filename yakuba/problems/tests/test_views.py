"""The register's pages: who may open what, scope (404), forms, filters, export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.problems.models import Countermeasure, Problem, ProgressReview, SourceKind, Status
from yakuba.problems.tests.factories import make_countermeasure, make_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(org):
    shimin = make_problem(org["shimin"], "VPN回線の容量不足")
    make_countermeasure(shimin, description="VPN回線を増強する", due_on=dt.date(2020, 6, 30))
    zeimu = make_problem(org["zeimu"], "押印・紙の決裁が残る", source_kind=SourceKind.FREE)
    cm = make_countermeasure(
        zeimu, description="電子決裁の対象を広げる", status=Status.CONSIDERING, due_on=None
    )
    return {"shimin": shimin, "zeimu": zeimu, "zeimu_cm": cm}


def _client(make_user, client_factory, role, **kw):
    return verified_client(client_factory(), make_user(role, **kw))


@pytest.mark.parametrize("role", ["unit_head", "hr", "auditor", "planning"])
def test_readers_see_the_whole_register(role, register, make_user, client_factory):
    client = _client(make_user, client_factory, role)
    page = client.get(reverse("problems:list")).content.decode()
    assert "VPN回線の容量不足" in page and "押印・紙の決裁が残る" in page
    detail = client.get(reverse("problems:detail", args=[register["zeimu"].pk]))
    assert detail.status_code == 200
    assert "電子決裁の対象を広げる" in detail.content.decode()


@pytest.mark.parametrize("role", ["staff", "infosec", "sysadmin"])
def test_others_may_not_read_the_register(role, register, make_user, client_factory):
    client = _client(make_user, client_factory, role)
    assert client.get(reverse("problems:list")).status_code == 403
    assert client.get(reverse("problems:detail", args=[register["shimin"].pk])).status_code == 403
    assert client.get(reverse("problems:export")).status_code == 403


def test_edit_links_only_where_the_reader_may_edit(register, make_user, client_factory):
    head = _client(make_user, client_factory, "unit_head")  # 市民課
    own = head.get(reverse("problems:detail", args=[register["shimin"].pk])).content.decode()
    other = head.get(reverse("problems:detail", args=[register["zeimu"].pk])).content.decode()
    assert reverse("problems:edit", args=[register["shimin"].pk]) in own
    assert reverse("problems:edit", args=[register["zeimu"].pk]) not in other
    assert reverse("problems:countermeasure_edit", args=[register["zeimu_cm"].pk]) not in other
    hr = _client(make_user, client_factory, "hr")
    page = hr.get(reverse("problems:list")).content.decode()
    assert reverse("problems:create") not in page


def test_a_unit_head_gets_404_on_another_units_edit_urls(register, make_user, client_factory):
    head = _client(make_user, client_factory, "unit_head")  # 市民課
    urls = [
        reverse("problems:edit", args=[register["zeimu"].pk]),
        reverse("problems:countermeasure_create", args=[register["zeimu"].pk]),
        reverse("problems:countermeasure_edit", args=[register["zeimu_cm"].pk]),
    ]
    for url in urls:
        assert head.get(url).status_code == 404
        assert head.post(url, {"description": "乗っ取り", "status": "done"}).status_code == 404
    assert Countermeasure.objects.get(pk=register["zeimu_cm"].pk).status == Status.CONSIDERING
    assert AuditEntry.objects.filter(action="denied").count() == 6


def test_a_unit_head_edits_their_own(register, org, make_user, client_factory):
    head = _client(make_user, client_factory, "unit_head")
    problem = register["shimin"]
    response = head.post(
        reverse("problems:edit", args=[problem.pk]),
        {
            "title": "VPN回線の容量不足（朝に集中）",
            "description": "",
            "unit": org["madoguchi"].pk,
            "fiscal_year": "2020",
            "source_kind": "free",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-label": "困りごとの一覧",
            "evidence-0-url": "/reports/blockers/",
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.title == "VPN回線の容量不足（朝に集中）" and problem.unit == org["madoguchi"]
    assert problem.evidence.get().url == "/reports/blockers/"


def test_declining_without_a_reason_is_answered_with_a_message(
    register, org, make_user, client_factory
):
    head = _client(make_user, client_factory, "unit_head")
    cm = register["shimin"].countermeasures.get()
    response = head.post(
        reverse("problems:countermeasure_edit", args=[cm.pk]),
        {
            "description": cm.description,
            "unit": org["shimin"].pk,
            "status": "declined",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert "「見送り」にするときは、見送りの理由を入力してください。" in response.content.decode()
    cm.refresh_from_db()
    assert cm.status == Status.IN_PROGRESS


def test_add_a_countermeasure(register, org, make_user, client_factory):
    planning = _client(make_user, client_factory, "planning")
    problem = register["zeimu"]
    response = planning.post(
        reverse("problems:countermeasure_create", args=[problem.pk]),
        {
            "description": "文書管理システムの電子決裁を全課に広げる",
            "unit": org["zeimu"].pk,
            "due_on": "2021-03-31",
            "status": "in_progress",
            "reason": "",
        },
    )
    cm = problem.countermeasures.order_by("-pk").first()
    assert response.status_code == 302 and response["Location"].endswith(f"#cm-{cm.pk}")
    assert cm.due_on == dt.date(2021, 3, 31) and cm.created_by.role == "planning"


def test_create_from_a_source_link_prefills_the_reference(org, make_user, client_factory):
    from yakuba.incidents.tests.factories import make_incident

    head = _client(make_user, client_factory, "unit_head")
    incident = make_incident(make_user("staff", username="reporter"))
    page = head.get(reverse("problems:create") + f"?source=incident&id={incident.pk}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "インシデント #" in text and "から課題を登録します" in text
    # A survey group (the surveys app links here with its own ids).
    page = head.get(
        reverse("problems:create")
        + "?source=survey_group&id=3&key=g7&label=VPN%E3%81%8C%E9%81%85%E3%81%84"
    )
    assert "VPNが遅い" in page.content.decode()
    # A hostile reference is ignored, never a 500.
    for query in (
        "source=finding&id=99999999999999999999",
        "source=nope",
        "source=blocker_category&key=%3Cscript%3E",
    ):
        assert head.get(reverse("problems:create") + "?" + query).status_code == 200


def test_create_from_a_finding_saves_its_reference(org, make_user, client_factory):
    from yakuba.inspections.tests.factories import matrix_objects

    finding = matrix_objects({"org": org})["finding"]
    head = _client(make_user, client_factory, "unit_head")
    response = head.post(
        reverse("problems:create") + f"?source=finding&id={finding.pk}",
        {
            "title": "画面ロックが徹底されていない",
            "unit": org["shimin"].pk,
            "source_kind": "finding",
            "source_id": finding.pk,
            "evidence-TOTAL_FORMS": "2",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.source_kind, problem.source_id) == ("finding", finding.pk)
    assert finding.item.code in problem.source_label
    detail = head.get(problem.get_absolute_url()).content.decode()
    assert reverse("inspections:finding_detail", args=[finding.pk]) in detail
    # HR reads the register but not inspections: the reference is shown without a link.
    hr = _client(make_user, client_factory, "hr")
    detail = hr.get(problem.get_absolute_url()).content.decode()
    assert "自己点検の指摘事項 #" in detail
    assert reverse("inspections:finding_detail", args=[finding.pk]) not in detail


def test_filters(register, make_user, client_factory):
    client = _client(make_user, client_factory, "auditor")

    def titles(query):
        page = client.get(reverse("problems:list") + "?" + query).content.decode()
        return {t for t in ("VPN回線の容量不足", "押印・紙の決裁が残る") if t in page}

    assert titles("status=considering") == {"押印・紙の決裁が残る"}
    assert titles("status=in_progress") == {"VPN回線の容量不足"}
    assert titles("overdue=1") == {"VPN回線の容量不足"}
    zeimu = register["zeimu"].unit
    assert titles(f"unit={zeimu.pk}") == {"押印・紙の決裁が残る"}
    assert titles("source=incident") == set()
    assert titles("unit=abc&status=nonsense") == {"VPN回線の容量不足", "押印・紙の決裁が残る"}


def test_export_is_an_audited_xlsx_of_the_filtered_register(register, make_user, client_factory):
    client = _client(make_user, client_factory, "hr")
    response = client.get(reverse("problems:export") + "?status=considering")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["課題と対応策"].iter_rows(values_only=True))
    assert rows[0][:4] == ("課題番号", "課題", "内容", "課題の担当所属")
    assert [r[1] for r in rows[1:]] == ["押印・紙の決裁が残る"]
    assert rows[1][9] == "検討中"
    assert "進捗の点検" in book.sheetnames
    assert AuditEntry.objects.filter(action="export", object_type="problems.problem").count() == 1


def test_export_neutralises_formulas(org, make_user, client_factory):
    make_problem(org["shimin"], '=HYPERLINK("http://x")')
    client = _client(make_user, client_factory, "planning")
    book = load_workbook(io.BytesIO(client.get(reverse("problems:export")).content))
    assert book["課題と対応策"]["B2"].value.startswith("'=")


def test_the_planning_unit_records_a_period_review(register, make_user, client_factory):
    planning = _client(make_user, client_factory, "planning")
    cm = register["shimin"].countermeasures.get()
    page = planning.get(reverse("problems:review") + "?fiscal_year=2020&part=q1")
    assert page.status_code == 200
    assert f'name="note-c{cm.pk}"' in page.content.decode()
    response = planning.post(
        reverse("problems:review"),
        {"fiscal_year": "2020", "part": "q1", f"note-c{cm.pk}": "回線業者と協議中"},
    )
    assert response.status_code == 302
    review = ProgressReview.objects.get(countermeasure=cm)
    assert (review.period_label, review.status, review.note) == (
        "2020年度 第1四半期",
        "in_progress",
        "回線業者と協議中",
    )
    assert ProgressReview.objects.filter(period_start=dt.date(2020, 4, 1)).count() == 2
    detail = planning.get(register["shimin"].get_absolute_url()).content.decode()
    assert "2020年度 第1四半期" in detail and "回線業者と協議中" in detail


def test_a_bad_review_note_writes_nothing(register, make_user, client_factory):
    planning = _client(make_user, client_factory, "planning")
    cm = register["shimin"].countermeasures.get()
    response = planning.post(
        reverse("problems:review"),
        {"fiscal_year": "2020", "part": "q1", f"note-c{cm.pk}": "x" * 2001},
    )
    assert response.status_code == 200
    assert "2000文字以内" in response.content.decode()
    assert not ProgressReview.objects.exists()


def test_unit_heads_may_not_record_period_reviews(make_user, client_factory):
    head = _client(make_user, client_factory, "unit_head")
    assert head.get(reverse("problems:review")).status_code == 403
    assert (
        head.post(reverse("problems:review"), {"fiscal_year": "2020", "part": "q1"}).status_code
        == 403
    )


def test_the_menu_shows_the_register_to_readers(make_user, client_factory):
    hr = _client(make_user, client_factory, "hr")
    assert "課題と対応策" in hr.get(reverse("core:home")).content.decode()
    staff = _client(make_user, client_factory, "staff")
    assert reverse("problems:list") not in staff.get(reverse("core:home")).content.decode()
    assert timezone.now()


def test_source_pages_link_to_create_a_problem_for_those_who_keep_the_register(
    org, make_user, client_factory
):
    from yakuba.inspections.tests.factories import matrix_objects

    finding = matrix_objects({"org": org})["finding"]
    url = reverse("inspections:finding_detail", args=[finding.pk])
    link = reverse("problems:create") + f"?source=finding&amp;id={finding.pk}"
    head = _client(make_user, client_factory, "unit_head")
    assert link in head.get(url).content.decode()
    auditor = _client(make_user, client_factory, "auditor")  # reads findings, not a keeper
    page = auditor.get(url)
    assert page.status_code == 200 and reverse("problems:create") not in page.content.decode()


def test_the_blockers_page_links_each_blocker(org, make_user, client_factory):
    from yakuba.dailyreports.models import Blocker

    blocker = Blocker.objects.create(
        unit=org["shimin"],
        owner=org["staff"]["1001"],
        text="在宅だと基幹系システムに入れない",
        opened_on=dt.date(2026, 4, 1),
        last_reported_on=dt.date(2026, 4, 2),
    )
    head = _client(make_user, client_factory, "unit_head")
    page = head.get(reverse("dailyreports:blockers")).content.decode()
    assert f"?source=blocker_category&amp;id={blocker.pk}" in page
    hr = _client(make_user, client_factory, "hr")
    assert (
        reverse("problems:create") not in hr.get(reverse("dailyreports:blockers")).content.decode()
    )
    form = head.get(reverse("problems:create") + f"?source=blocker_category&id={blocker.pk}")
    assert f"困りごと #{blocker.pk}" in form.content.decode()

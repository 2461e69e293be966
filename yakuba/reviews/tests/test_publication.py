"""The publication list (.xlsx, CSV, HTML) and the internal change list: contents in the
published layout, formula-like text neutralised, who may export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.reviews import publication
from yakuba.reviews.models import Review
from yakuba.reviews.tests import workflow_factories as f

pytestmark = pytest.mark.django_db

GOOD = {
    "seal": "seal_abolish",
    "paper": "paper_online",
    "visit": "visit_none",
    "attachments": "attach_omit",
}


@pytest.fixture
def decided(org):
    staff = f.user_in(org["shimin"], "staff", "pub-staff")
    head = f.user_in(org["shimin"], "unit_head", "pub-head")
    ok = f.make_procedure(
        org["shimin"], "住民票の写しの交付申請", legal_basis="住民基本台帳法第12条"
    )
    evil = f.make_procedure(org["shimin"], '=HYPERLINK("http://x","y")', form_name="@SUM(A1)")
    f.make_procedure(org["shimin"], "未回答の手続")
    review_round = f.open_round()
    for proc in (ok, evil):
        f.decide(f.review_of(review_round, proc), GOOD, answerer=staff, head=head)
    return {"round": review_round}


def test_the_lines_follow_the_published_layout(decided) -> None:
    lines = publication.lines(Review.objects.all())
    line = next(x for x in lines if x.name == "住民票の写しの交付申請")
    assert line.department == "市民部" and line.unit == "市民課"
    assert line.legal_basis == "住民基本台帳法第12条"
    assert line.before == "押印等：押印／書面での提出／来庁が必要／添付書類：本人確認書類の写し"
    assert line.after == "押印：押印廃止／書面：オンライン化／対面：来庁不要／添付書類：添付省略"
    assert line.decided_on is not None
    assert len(lines) == 2  # the unanswered procedure is not published


def test_xlsx_and_csv_exports_neutralise_formulas(client, decided) -> None:
    planner = verified_client(client, f.planner())
    response = planner.get(reverse("reviews:publication_export") + "?fmt=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(publication.HEADER)
    names = [r[3] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x","y")' in names
    assert "'@SUM(A1)" in [r[4] for r in rows[1:]]
    csv = planner.get(reverse("reviews:publication_export") + "?fmt=csv").content.decode(
        "utf-8-sig"
    )
    assert csv.splitlines()[0] == ",".join(publication.HEADER)
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv
    assert (
        AuditEntry.objects.filter(action="export", object_type="reviews.publication").count() == 2
    )


def test_the_html_page_is_accessible_markup(client, decided) -> None:
    planner = verified_client(client, f.planner())
    response = planner.get(reverse("reviews:publication_export") + "?fmt=html")
    html = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment")
    assert '<html lang="ja">' in html and "<caption>" in html
    assert '<th scope="col">見直し後</th>' in html and '<th scope="row"' in html
    assert "@media print" in html and "@media (max-width: 40rem)" in html
    assert "<script" not in html


def test_who_may_export(client, org, decided) -> None:
    head = verified_client(client, f.user_in(org["shimin"], "unit_head", "pub-head"))
    assert head.get(reverse("reviews:publication_export")).status_code == 403


def test_the_change_list_has_a_sheet_per_department(client, org, decided) -> None:
    head = verified_client(client, f.user_in(org["shimin"], "unit_head", "pub-head"))
    response = head.get(reverse("reviews:change_list_export"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["市民部"]
    rows = list(book["市民部"].iter_rows(values_only=True))
    assert list(rows[0]) == list(publication.CHANGE_HEADER)
    assert any(r[4] == "様式から押印欄を削除する" for r in rows[1:])

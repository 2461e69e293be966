"""The results pages: who may read them, what they show, the export and its audit."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from yakuba.audit.models import AuditEntry
from yakuba.org.models import Staff
from yakuba.surveys.tests.results_factories import invite, make_survey, q_of, respond

pytestmark = pytest.mark.django_db

MAY = ("hr", "planning", "auditor")
MAY_NOT = ("staff", "unit_head", "infosec", "sysadmin")


@pytest.fixture
def closed(org):
    survey = make_survey()
    invite(survey, list(Staff.objects.all()))
    for i in range(6):
        respond(
            survey,
            division=org["shimin"],
            scale=5 if i < 4 else 2,
            multiple=["line"],
            number=2 + i,
            text=["VPNが遅い", "ＶＰＮにつながらない", "子どもの送迎で助かった"][i % 3],
        )
    return survey


@pytest.mark.parametrize("role", MAY)
def test_hr_planning_and_the_auditor_read_the_results(role, closed, client_for) -> None:
    client = client_for(role)
    listing = client.get(reverse("surveys:results_list")).content.decode()
    assert reverse("surveys:results", args=[closed.pk]) in listing
    text = client.get(reverse("surveys:results", args=[closed.pk])).content.decode()
    assert "回答者 6 人の結果です。" in text
    assert "在宅勤務で仕事の効率は上がった" in text and "<svg" in text and 'role="img"' in text
    assert "66.7%" in text  # 4 of 6 agree (scale 4–5)
    assert "VPNが遅い" not in text  # texts come with their groups (htmx), below


@pytest.mark.parametrize("role", MAY_NOT)
def test_others_are_refused(role, closed, client_for) -> None:
    client = client_for(role)
    for name, args in (
        ("surveys:results_list", []),
        ("surveys:results", [closed.pk]),
        ("surveys:results_export", [closed.pk]),
        ("surveys:text_groups", [closed.pk, q_of(closed)["text"].pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403


def test_surveys_not_launched_or_missing_are_not_found(closed, client_for) -> None:
    client = client_for("hr")
    closed.status = "draft"
    closed.save()
    assert client.get(reverse("surveys:results", args=[closed.pk])).status_code == 404
    assert client.get(reverse("surveys:results", args=[closed.pk + 99])).status_code == 404
    closed.status = "closed"
    closed.save()
    other = make_survey()
    url = reverse("surveys:text_groups", args=[closed.pk, q_of(other)["text"].pk])
    assert client.get(url).status_code == 404  # a question of another survey


def test_an_open_anonymous_survey_shows_only_the_response_rate(org, client_for) -> None:
    survey = make_survey(closed=False)
    invite(survey, list(Staff.objects.all())[:2], answered=True)
    invite(survey, list(Staff.objects.all())[2:], answered=False)
    for _ in range(6):
        respond(survey, division=org["shimin"], scale=1)
    text = client_for("hr").get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "回答の締切後に表示します" in text
    assert "2 人 / 対象 3 人（66.7%）" in text
    assert "在宅勤務で仕事の効率は上がった" not in text


def test_fewer_than_five_respondents_are_not_shown(org, client_for) -> None:
    survey = make_survey()
    for _ in range(4):
        respond(survey, division=org["shimin"], scale=1)
    text = client_for("hr").get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "回答者が5人未満のため" in text and "在宅勤務で仕事の効率は上がった" not in text


def test_a_filter_too_small_shows_a_clear_message(closed, org, client_for) -> None:
    url = reverse("surveys:results", args=[closed.pk])
    text = client_for("hr").get(url, {"filter": f"unit:{org['zeimu'].pk}"}).content.decode()
    assert "表示できる人数（5人）に達していない" in text
    assert "在宅勤務で仕事の効率は上がった" not in text


def test_free_texts_are_grouped_by_shared_words(closed, client_for) -> None:
    url = reverse("surveys:text_groups", args=[closed.pk, q_of(closed)["text"].pk])
    text = client_for("planning").get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "VPN" in text and "ＶＰＮにつながらない" in text and "VPNが遅い" in text
    assert '<th scope="row">VPN' in text
    assert "市民課" not in text  # never with who wrote it


def test_anonymous_export_is_aggregated_and_audited(closed, client_for) -> None:
    response = client_for("auditor").get(reverse("surveys:results_export", args=[closed.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "集計" and "回答一覧" not in book.sheetnames
    assert "所属（課）別" in book.sheetnames
    rows = list(book["集計"].iter_rows(min_row=2, values_only=True))
    assert ("問1", "在宅勤務で仕事の効率は上がった", "5：そう思う", 4, 66.7, 6) in rows
    assert any(str(r[2]).startswith("記述のまとまり：VPN") for r in rows)
    entry = AuditEntry.objects.filter(action="export", object_type="surveys.survey").get()
    assert entry.changes["anonymous"] is True


def test_named_export_lists_answers_by_person_with_cells_made_safe(org, client_for) -> None:
    survey = make_survey(anonymous=False)
    people = list(Staff.objects.order_by("staff_number"))
    for i in range(5):
        respond(
            survey,
            division=org["shimin"],
            staff=people[i % len(people)] if i < len(people) else None,
            scale=4,
            choice="other",
            other_text='=HYPERLINK("http://x")' if i == 0 else "自宅",
        )
    response = client_for("hr").get(reverse("surveys:results_export", args=[survey.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "回答一覧"
    rows = list(book["回答一覧"].iter_rows(values_only=True))
    assert rows[0][:4] == ("職員番号", "氏名", "所属", "回答日")
    assert {r[1] for r in rows[1:]} >= {"山田 太郎", "佐藤 花子", "鈴木 一郎"}
    cells = [str(c) for r in rows for c in r if c is not None]
    assert not any(c.startswith("=") for c in cells)
    assert any("HYPERLINK" in c for c in cells)


def test_the_page_reads_in_a_constant_number_of_queries(org, client_for) -> None:
    client = client_for("hr")

    def queries(n: int) -> int:
        survey = make_survey()
        for i in range(n):
            respond(survey, division=org["shimin" if i % 2 else "zeimu"], number=i, text="VPN")
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("surveys:results", args=[survey.pk]), {"by": "unit"}).status_code
                == 200
            )
        return len(captured)

    assert queries(10) == queries(40)

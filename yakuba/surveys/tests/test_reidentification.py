"""An attacker with every results page, filter, breakdown and export of an anonymous
survey tries to single out one respondent: the only head of 市民課, who answered 1 on the
scale where everyone else answered 5. Every attempt must fail."""

import io
import itertools
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yakuba.core.smallgroups import smallest_singled_out
from yakuba.org.models import Unit
from yakuba.surveys import results as R
from yakuba.surveys import results_selectors
from yakuba.surveys.tests.results_factories import make_survey, q_of, respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(org):
    dept = org["dept"]
    zaisei = Unit.objects.create(code="130", name="財政課", kind="division", parent=dept)
    kaikei = Unit.objects.create(code="140", name="会計課", kind="division", parent=dept)
    survey = make_survey()
    # The target: 市民課's only unit head, the only "1" and the only 業務システム.
    respond(
        survey,
        division=org["shimin"],
        role="unit_head",
        scale=1,
        multiple=["system"],
        number=173,
        text="課長として部下の在宅勤務を把握しにくかった",
    )
    for _ in range(5):
        respond(survey, division=org["shimin"], scale=5, multiple=["line"], number=3)
        respond(survey, division=org["zeimu"], role="unit_head", scale=5, number=3)
    for _ in range(4):
        respond(survey, division=zaisei, band="0", scale=5, number=3)
    respond(survey, division=zaisei, employment="fiscal", band="10+", scale=5, number=3)
    for band in ("0", "1-4", "1-4", "5-9", "5-9", "10+", "10+"):
        respond(survey, division=kaikei, band=band, scale=5, number=3, text="VPNが遅い")
    return survey


def _hostile_filters(survey, org) -> list[str]:
    """Every value an attacker could type, shown as an option or not."""
    units = [str(pk) for pk in Unit.objects.values_list("pk", flat=True)]
    return [
        *(f"unit:{u}" for u in units),
        *(f"role:{r}" for r in ("staff", "unit_head", "hr")),
        *(f"employment:{e}" for e in ("regular", "fiscal")),
        *(f"band:{b}" for b in ("0", "1-4", "5-9", "10+")),
        *(f"{d}:{R.OTHER_PARAM}" for d in R.DIMENSIONS),
        "",
    ]


def test_no_combination_of_filters_and_breakdowns_singles_anyone_out(survey, org) -> None:
    everyone = list(results_selectors.respondents(survey))
    target = next(
        a.response
        for a in results_selectors.answers(survey)
        if a.question == q_of(survey)["scale"].pk and a.scale == 1
    )
    visible = []
    for param, breakdown in itertools.product(_hostile_filters(survey, org), ("", *R.DIMENSIONS)):
        data = results_selectors.survey_results(survey, filter_param=param, breakdown=breakdown)
        results = data.results
        if not results.shown:
            assert results.questions == [] and results.rows == []
            continue
        assert results.respondents >= 5
        visible.append(results.members)
        for row in results.rows:
            assert row.respondents >= 5 and len(row.members) == row.respondents
            visible.append(row.members)
            # The answer 1 is only ever seen among at least four others.
            ones = row.summaries[q_of(survey)["scale"].pk].options[0].count
            assert ones == 0 or (target in row.members and row.respondents >= 5)
    # Adding and subtracting any of these groups never isolates fewer than five people.
    assert smallest_singled_out(everyone, visible) >= 5
    # And the naive attack — heads minus 税務課 — has nothing to work on.
    by_role = results_selectors.survey_results(survey, breakdown="role").results
    by_unit = results_selectors.survey_results(survey, breakdown="unit").results
    heads = next((r for r in by_role.rows if r.value == "unit_head"), None)
    zeimu = next((r for r in by_unit.rows if r.value == org["zeimu"].pk), None)
    assert heads is None or zeimu is None or len(heads.members - zeimu.members) != 1


BREAKDOWN_ROW = re.compile(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td>')


def test_the_pages_show_only_groups_of_five_or_more(survey, org, client_for) -> None:
    client = client_for("hr")
    url = reverse("surveys:results", args=[survey.pk])
    for param, breakdown in itertools.product(_hostile_filters(survey, org), R.DIMENSIONS):
        text = client.get(url, {"filter": param, "by": breakdown}).content.decode()
        for table in text.split("別の内訳</caption>")[1:]:
            body = table.split("</table>")[0]
            for label, count in BREAKDOWN_ROW.findall(body):
                assert int(count) >= 5, (param, breakdown, label, count)


def test_the_export_shows_no_more_than_the_pages(survey, org, client_for) -> None:
    client = client_for("hr")
    url = reverse("surveys:results_export", args=[survey.pk])
    for param in _hostile_filters(survey, org):
        response = client.get(url, {"filter": param})
        book = load_workbook(io.BytesIO(response.content))
        assert "回答一覧" not in book.sheetnames  # anonymous: aggregated only
        cells = [
            str(c)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c is not None
        ]
        assert "課長として部下の在宅勤務を把握しにくかった" not in cells  # no raw texts
        assert "173" not in cells and "173.0" not in cells  # no one's own value
        for ws in book.worksheets[1:]:
            for row in ws.iter_rows(min_row=2, values_only=True):
                assert isinstance(row[1], int) and row[1] >= 5, (param, ws.title, row)

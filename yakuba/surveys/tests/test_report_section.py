"""「アンケートから見た効果と課題」 in the evidence report, on small fixed data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yakuba.evaluation import sections
from yakuba.evaluation.sections import Period, ReportRequest
from yakuba.surveys import report_section
from yakuba.surveys.tests.results_factories import make_survey, respond

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
NOW = Period(TODAY - dt.timedelta(days=30), TODAY, "今期")
YEAR_AGO = Period(NOW.start - dt.timedelta(days=365), NOW.end - dt.timedelta(days=365), "前年")


def _survey(org, closes: dt.date, agree: int, people: int = 6):
    survey = make_survey()
    survey.closes_at = timezone.make_aware(dt.datetime.combine(closes, dt.time(12)))
    survey.opens_at = survey.closes_at - dt.timedelta(days=14)
    survey.save()
    for i in range(people):
        respond(
            survey,
            division=org["shimin"],
            scale=5 if i < agree else 2,
            text=["VPNが遅い", "ＶＰＮにつながらない", "子どもの送迎で助かった"][i % 3],
        )
    return survey


def test_the_section_is_registered() -> None:
    assert report_section.SECTION in sections.registered()


def test_no_survey_in_the_period_means_no_data(org) -> None:
    _survey(org, TODAY - dt.timedelta(days=100), agree=3)
    assert report_section.compute(ReportRequest(NOW)).has_data is False


def test_figures_compare_the_same_question_across_periods(org) -> None:
    now = _survey(org, TODAY - dt.timedelta(days=2), agree=4)
    _survey(org, YEAR_AGO.end - dt.timedelta(days=3), agree=3)
    result = report_section.compute(ReportRequest(NOW, YEAR_AGO))
    assert result.has_data
    by_key = {f.key: f for f in result.figures}
    scale = by_key["survey-scale-1"]
    assert scale.label == "在宅勤務で仕事の効率は上がった"
    assert (scale.value, scale.comparison) == (66.7, 50.0)
    assert "平均 4.0" in str(scale.note)
    assert scale.source.url == reverse("surveys:results", args=[now.pk])
    table = next(t for t in result.tables if t.key == "survey-scales")
    assert table.rows[0][1:5] == [66.7, 4.0, 50.0, 3.5] and table.chart is not None
    texts = next(t for t in result.tables if t.key.startswith("survey-texts"))
    first = list(texts.rows[0])
    assert str(first[0]).startswith("VPN") and first[1:] == [4, 66.7]
    assert all("市民課" not in str(cell) for t in result.tables for row in t.rows for cell in row)


def test_too_few_respondents_give_no_figures_but_the_rate(org) -> None:
    _survey(org, TODAY - dt.timedelta(days=2), agree=2, people=3)
    result = report_section.compute(ReportRequest(NOW))
    assert [f.key for f in result.figures] == ["survey-response-rate"]
    assert result.tables == () and "5人未満" in str(result.paragraphs[0])


def test_constant_queries(org) -> None:
    def count(people: int, days_ago: int) -> int:
        # Each call's surveys close later than the previous ones: they are the ones read.
        _survey(org, TODAY - dt.timedelta(days=days_ago), agree=people // 2, people=people)
        _survey(org, YEAR_AGO.end - dt.timedelta(days=days_ago), agree=people // 2, people=people)
        with CaptureQueriesContext(connection) as captured:
            result = report_section.compute(ReportRequest(NOW, YEAR_AGO))
        assert list(result.tables[0].rows[0])[5] == people
        return len(captured)

    assert count(6, days_ago=3) == count(30, days_ago=2)

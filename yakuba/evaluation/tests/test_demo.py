"""The demo evidence report 「緊急事態宣言期間と1年後の比較」 has its survey section: the
loader adds a closed telework survey about the 2020 emergency (sent to those the 2020
rosters show at home) and one about the same days of 2021 whose answers tell what
improved; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.evaluation import demo
from yakuba.rosters.audience import teleworker_ids
from yakuba.surveys.models import Answer, Invitation, Response, Survey, SurveyStatus


def _section(report, code: str) -> dict:
    return next(s for s in report.result["sections"] if s["code"] == code)


@pytest.mark.django_db
def test_demo_report_has_the_survey_section_with_a_comparison(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--no-sign-ins", stdout=StringIO())
    out = StringIO()
    call_command("seed_evaluation_demo", "--if-empty", stdout=out)
    assert "アンケートの回答" in out.getvalue()

    then = Survey.objects.get(title=demo.SURVEY_2020)
    later = Survey.objects.get(title=demo.SURVEY_2021)
    for survey in (then, later):
        assert survey.status == SurveyStatus.CLOSED and survey.anonymous
        assert survey.source is not None and survey.source.is_template
        assert not Response.objects.filter(survey=survey, staff__isnull=False).exists()
    start, end = demo.emergency_days()
    assert then.period_start == start and then.period_end == end
    # Sent to exactly the people the 2020 rosters show teleworking.
    assert set(Invitation.objects.filter(survey=then).values_list("staff_id", flat=True)) == set(
        teleworker_ids(start, end).values_list("staff_id", flat=True)
    )
    answered_then = Response.objects.filter(survey=then).count()
    answered_later = Response.objects.filter(survey=later).count()
    assert 170 <= answered_then <= 230
    assert 20 <= answered_later < answered_then

    later_texts = list(
        Answer.objects.filter(survey=later, question__kind="text").values_list("text", flat=True)
    )
    for word in ("VPN", "増強", "電子決裁"):
        assert sum(word in t for t in later_texts) >= 5, word

    report = demo.demo_report()
    assert report is not None and report.status == "done"
    section = _section(report, "surveys")
    assert section["has_data"]
    figures = {f["key"]: f for f in section["figures"]}
    assert figures["survey-response-rate"]["source"]["label"].endswith(
        f"「{demo.SURVEY_2020}」の回答"
    )
    scales = [f for k, f in figures.items() if k.startswith("survey-scale-")]
    assert len(scales) >= 5 and all(f["comparison"] is not None for f in scales)
    same_pace = next(f for f in scales if "同じように仕事を進められた" in f["label"])
    assert same_pace["value"] < same_pace["comparison"]  # 2021 went better than 2020
    drops = next(f for f in scales if "接続が切れる" in f["label"])
    assert drops["value"] > drops["comparison"]
    assert any(demo.SURVEY_2021 in p for p in section["paragraphs"])
    groups = [t for t in section["tables"] if t["key"].startswith("survey-texts-")]
    assert groups and all(t["rows"] for t in groups)
    assert any("VPN" in row[0] for t in groups for row in t["rows"])

    # Idempotent: neither the command nor the survey step adds anything a second time.
    surveys, answers = Survey.objects.count(), Answer.objects.count()
    call_command("seed_evaluation_demo", "--if-empty", stdout=StringIO())
    assert demo.seed_surveys(User.objects.get(username=accounts.PLANNING)) == {}
    assert (Survey.objects.count(), Answer.objects.count()) == (surveys, answers)

"""Surveys with responses for the results tests, written straight to the tables (the way
the submit service stores them: anonymous responses with no person and no date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yakuba.org.models import Staff, Unit
from yakuba.surveys.models import (
    Answer,
    Choice,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
    SurveyStatus,
)

_QUESTIONS: dict[int, dict[str, Any]] = {}


def q_of(survey: Survey) -> dict[str, Any]:
    """The questions and choices `make_survey` made, by name ("scale", "vpn", "text"…)."""
    return _QUESTIONS[survey.pk]


def make_survey(*, anonymous: bool = True, closed: bool = True, title: str = "") -> Survey:
    now = timezone.now()
    survey = Survey.objects.create(
        title=title or "テレワーク実施状況調査",
        status=SurveyStatus.CLOSED if closed else SurveyStatus.OPEN,
        anonymous=anonymous,
        owner_role="hr",
        opens_at=now - dt.timedelta(days=14),
        closes_at=now - dt.timedelta(days=1) if closed else now + dt.timedelta(days=7),
        launched_at=now - dt.timedelta(days=14),
        closed_at=now - dt.timedelta(days=1) if closed else None,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 4, 30),
    )
    section = Section.objects.create(survey=survey, order=1, title="働き方")
    q: dict[str, Any] = {}
    q["scale"] = Question.objects.create(
        survey=survey, section=section, order=1, kind="scale", text="在宅勤務で仕事の効率は上がった"
    )
    q["single"] = Question.objects.create(
        survey=survey, section=section, order=2, kind="single", text="主に使った接続方法"
    )
    q["vpn"] = Choice.objects.create(question=q["single"], order=1, label="VPN")
    q["thin"] = Choice.objects.create(question=q["single"], order=2, label="LGWANテレワーク")
    q["other"] = Choice.objects.create(question=q["single"], order=3, label="その他", is_other=True)
    q["multiple"] = Question.objects.create(
        survey=survey, section=section, order=3, kind="multiple", text="困ったこと"
    )
    q["line"] = Choice.objects.create(question=q["multiple"], order=1, label="回線")
    q["system"] = Choice.objects.create(question=q["multiple"], order=2, label="業務システム")
    q["number"] = Question.objects.create(
        survey=survey,
        section=section,
        order=4,
        kind="number",
        text="在宅勤務の日数",
        unit_label="日",
    )
    q["date"] = Question.objects.create(
        survey=survey, section=section, order=5, kind="date", text="最初に在宅勤務をした日"
    )
    q["text"] = Question.objects.create(
        survey=survey, section=section, order=6, kind="text", text="困ったこと・良かったこと"
    )
    _QUESTIONS[survey.pk] = q
    return survey


def invite(survey: Survey, people: Sequence[Staff], answered: bool = True) -> None:
    Invitation.objects.bulk_create(
        Invitation(survey=survey, staff=s, invited_at=timezone.now(), answered=answered)
        for s in people
    )


def respond(
    survey: Survey,
    *,
    division: Unit | None,
    role: str = "staff",
    employment: str = "regular",
    band: str = "1-4",
    staff: Staff | None = None,
    scale: int | None = 3,
    choice: str | None = "vpn",
    multiple: Sequence[str] = (),
    number: int | None = None,
    day: dt.date | None = None,
    text: str = "",
    other_text: str = "",
) -> Response:
    q = q_of(survey)
    response = Response.objects.create(
        survey=survey,
        staff=None if survey.anonymous else staff,
        submitted_on=None if survey.anonymous else timezone.localdate(),
        department=division.parent if division else None,
        division=division,
        role=role,
        employment_type=employment,
        telework_band=band,
    )
    rows = []
    if scale is not None:
        rows.append(Answer(question=q["scale"], scale=scale))
    if choice is not None:
        rows.append(
            Answer(
                question=q["single"], choice=q[choice], text=other_text if choice == "other" else ""
            )
        )
    for name in multiple:
        rows.append(Answer(question=q["multiple"], choice=q[name]))
    if number is not None:
        rows.append(Answer(question=q["number"], number=Decimal(number)))
    if day is not None:
        rows.append(Answer(question=q["date"], date=day))
    if text:
        rows.append(Answer(question=q["text"], text=text))
    for row in rows:
        row.response = response
        row.survey = survey
    Answer.objects.bulk_create(rows)
    return response


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A closed anonymous survey with 6 answers from 市民課 (the authorization matrix)."""
    if "surveyresults" in objs:
        return dict(objs["surveyresults"])
    org = objs["org"]
    survey = make_survey()
    for i in range(6):
        respond(survey, division=org["shimin"], scale=4, text=f"VPNが遅い {i}")
    objs["surveyresults"] = {"survey": survey, "question": q_of(survey)["text"]}
    return dict(objs["surveyresults"])

"""Surveys the tests and the authorization matrix need (made on demand)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from yakuba.org.models import Staff
from yakuba.rosters.audience import Audience, describe
from yakuba.surveys.models import (
    Choice,
    Invitation,
    Question,
    Section,
    Survey,
    SurveyStatus,
)


def make_survey(
    *,
    title: str = "テスト調査",
    anonymous: bool = True,
    audience: Audience | None = None,
    closes_in: dt.timedelta = dt.timedelta(days=7),
    period: tuple[dt.date, dt.date] | None = None,
) -> Any:  # a Survey with `.q`: its questions and choices by key
    """A draft with one question of every kind over two sections:

    - section 1: ``scale`` (required), ``single`` (required, with その他), ``multiple``
      (optional, at most 2), ``cond`` (text, shown when ``single`` = 「はい」),
      ``tw`` (scale, only for people with ≥ 1 telework day)
    - section 2: ``number`` (0–10, integer), ``date`` (optional), ``text`` (optional),
      ``later`` (text, required, shown when ``multiple`` has 「VPN」).
    """
    audience = audience or Audience()
    survey = Survey.objects.create(
        title=title,
        anonymous=anonymous,
        audience=audience.to_json(),
        audience_text=describe(audience),
        owner_role="planning",
        closes_at=timezone.now() + closes_in,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
    )
    one = Section.objects.create(survey=survey, order=1, title="基本")
    two = Section.objects.create(survey=survey, order=2, title="詳細")
    q: dict[str, Any] = {"survey": survey, "sections": (one, two)}
    q["scale"] = Question.objects.create(
        survey=survey, section=one, order=1, kind="scale", text="効率よく働けた"
    )
    q["single"] = Question.objects.create(
        survey=survey, section=one, order=2, kind="single", text="在宅勤務をしましたか"
    )
    q["yes"] = Choice.objects.create(question=q["single"], order=1, label="はい")
    q["no"] = Choice.objects.create(question=q["single"], order=2, label="いいえ")
    q["single_other"] = Choice.objects.create(
        question=q["single"], order=3, label="その他（自由記述）", is_other=True
    )
    q["multiple"] = Question.objects.create(
        survey=survey,
        section=one,
        order=3,
        kind="multiple",
        text="困ったこと",
        required=False,
        max_choices=2,
    )
    q["vpn"] = Choice.objects.create(question=q["multiple"], order=1, label="VPN")
    q["paper"] = Choice.objects.create(question=q["multiple"], order=2, label="紙の決裁")
    q["chat"] = Choice.objects.create(question=q["multiple"], order=3, label="チャット")
    q["cond"] = Question.objects.create(
        survey=survey,
        section=one,
        order=4,
        kind="text",
        text="在宅勤務で良かったこと",
        show_if_choice=q["yes"],
    )
    q["tw"] = Question.objects.create(
        survey=survey,
        section=one,
        order=5,
        kind="scale",
        text="在宅勤務の日は孤独を感じた",
        show_if_telework_days_min=1,
    )
    q["number"] = Question.objects.create(
        survey=survey,
        section=two,
        order=1,
        kind="number",
        text="希望日数",
        min_value=0,
        max_value=10,
        unit_label="日",
    )
    q["date"] = Question.objects.create(
        survey=survey, section=two, order=2, kind="date", text="初めての日", required=False
    )
    q["text"] = Question.objects.create(
        survey=survey, section=two, order=3, kind="text", text="ご意見", required=False
    )
    q["later"] = Question.objects.create(
        survey=survey,
        section=two,
        order=4,
        kind="text",
        text="VPNで困ったこと",
        show_if_choice=q["vpn"],
    )
    survey.q = q  # type: ignore[attr-defined]
    return survey


def launched(
    survey: Survey, people: Iterable[Staff], *, telework_days: dict[int, int] | None = None
) -> list[Invitation]:
    """Open `survey` for exactly `people` (bypassing the audience), as a launch would."""
    now = timezone.now()
    survey.status = SurveyStatus.OPEN
    survey.launched_at = now
    survey.opens_at = now - dt.timedelta(minutes=1)
    survey.save()
    days = telework_days or {}
    return [
        Invitation.objects.create(
            survey=survey, staff=s, invited_at=now, telework_days=days.get(s.pk, 0)
        )
        for s in people
    ]


def full_answers(survey: Any, **overrides: Any) -> dict[str, Any]:
    """A complete valid answer set (as posted) for `make_survey`."""
    q = survey.q
    data: dict[str, Any] = {
        f"q{q['scale'].pk}": "4",
        f"q{q['single'].pk}": str(q["yes"].pk),
        f"q{q['multiple'].pk}": [str(q["paper"].pk)],
        f"q{q['cond'].pk}": "通勤時間が減った",
        f"q{q['number'].pk}": "2",
        # Shown only to people who teleworked; ignored for the others.
        f"q{q['tw'].pk}": "3",
    }
    for key, value in overrides.items():
        name = f"q{q[key].pk}" if key in q else key
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """An open survey to which only 山田 (1001, no account) is invited, and a draft."""
    if "surveys" in objs:
        return objs["surveys"]
    org = objs["org"]
    survey = make_survey(title="受付中の調査")
    launched(survey, [org["staff"]["1001"]])
    draft = make_survey(title="作成中の調査")
    draft.period_start = dt.date(2026, 1, 1)
    draft.period_end = dt.date(2026, 1, 31)
    draft.save()
    objs["surveys"] = {
        "open": survey,
        "draft": draft,
        "section": draft.q["sections"][1],
        "question": draft.q["text"],
    }
    return objs["surveys"]

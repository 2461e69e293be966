"""Objects the campaign tests and the authorization matrix need (made on demand)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yakuba.awareness.models import Choice, Lesson, Question
from yakuba.campaigns import content
from yakuba.campaigns.models import Assignment, Campaign, CampaignStatus, Course
from yakuba.rosters.audience import Audience, describe


def make_bank() -> dict[str, Any]:
    """Two lessons and four questions: two single choice, one ○×, one multiple."""
    if Lesson.objects.filter(code="t-lesson-1").exists():
        lessons = {x.code: x for x in Lesson.objects.filter(code__startswith="t-")}
        questions = {x.code: x for x in Question.objects.filter(code__startswith="t-")}
        return {"lessons": lessons, "questions": questions}
    lessons = {
        code: Lesson.objects.create(code=code, topic=topic, title=title, body=body)
        for code, topic, title, body in [
            ("t-lesson-1", "telework", "在宅勤務の基本", "貸与端末だけを使います。"),
            ("t-lesson-2", "phishing", "不審なメール", "すぐに報告します。"),
        ]
    }
    questions = {}
    for code, kind, text, choices in [
        ("t-q-1", "single", "業務データはどこで扱う？", [("貸与端末", True), ("私物PC", False)]),
        ("t-q-2", "true_false", "離席時は画面をロックする。", [("○", True), ("×", False)]),
        (
            "t-q-3",
            "multiple",
            "正しいものをすべて選ぶ",
            [("多要素認証", True), ("使い回さない", True), ("付箋に書く", False)],
        ),
        ("t-q-4", "single", "リンクを開いてしまったら？", [("報告する", True), ("黙る", False)]),
    ]:
        q = Question.objects.create(
            code=code,
            topic="telework",
            kind=kind,
            text=text,
            explanation=f"{code} の解説です。",
        )
        for n, (label, ok) in enumerate(choices, start=1):
            Choice.objects.create(question=q, order=n, text=label, correct=ok)
        questions[code] = q
    return {"lessons": lessons, "questions": questions}


def make_course(
    *, required: bool = True, pass_percent: int = 75, title: str = "必須研修"
) -> Course:
    bank = make_bank()
    course = Course.objects.create(
        title=title, pass_percent=pass_percent, required_for_telework=required
    )
    items = [
        bank["lessons"]["t-lesson-1"],
        bank["questions"]["t-q-1"],
        bank["questions"]["t-q-2"],
        bank["lessons"]["t-lesson-2"],
        bank["questions"]["t-q-3"],
        bank["questions"]["t-q-4"],
    ]
    content.replace_items(items, course=course)
    return course


def make_campaign(
    *,
    course: Course | None = None,
    audience: Audience | None = None,
    starts_on: dt.date | None = None,
    due_on: dt.date | None = None,
    codes: tuple[str, ...] = ("t-lesson-2", "t-q-4"),
    title: str = "ミニ研修",
) -> Campaign:
    bank = make_bank()
    today = timezone.localdate()
    audience = audience or Audience()
    campaign = Campaign.objects.create(
        title=title,
        course=course,
        audience=audience.to_json(),
        audience_text=describe(audience),
        starts_on=starts_on or today,
        due_on=due_on or today + dt.timedelta(days=14),
    )
    if course is None:
        every = {**bank["lessons"], **bank["questions"]}
        content.replace_items([every[c] for c in codes], campaign=campaign)
    return campaign


def launched(campaign: Campaign, staff: list[Any]) -> list[Assignment]:
    """Launch without the service (no reminders): the given people assigned."""
    campaign.status = CampaignStatus.LAUNCHED
    campaign.launched_at = timezone.now()
    campaign.save()
    return [
        Assignment.objects.create(
            campaign=campaign,
            course=campaign.course,
            staff=s,
            due_on=campaign.due_on,
            assigned_at=campaign.launched_at,
        )
        for s in staff
    ]


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A launched campaign for 市民課 (someone else's assignment in it), a draft, a course."""
    if "campaigns" in objs:
        return objs["campaigns"]
    from yakuba.rosters.audience import Audience as A

    org = objs["org"]
    course = make_course()
    campaign = make_campaign(audience=A(unit_ids=(org["shimin"].pk,)))
    (assignment,) = launched(campaign, [org["staff"]["1001"]])
    draft = make_campaign(title="下書き")
    objs["campaigns"] = {
        "course": course,
        "campaign": campaign,
        "draft": draft,
        "assignment": assignment,
        "unit": org["shimin"],
    }
    return objs["campaigns"]

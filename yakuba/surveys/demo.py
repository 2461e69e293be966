"""Demo staff surveys (`manage.py seed_surveys_demo`, after `seed_demo` and the rosters):

* a **closed** 「テレワーク実施状況調査」 built from the shipped template, about last month,
  sent to the people who teleworked then and answered by about 300 of them, with varied
  Japanese free text (`freetext`) — what the results pages, the text grouping and the
  evidence report read;
* an **open** short survey for everyone, that demo-staff (and every demo account) can
  answer now: the home panel and 「わたしのアンケート」 show it.

The invitees of the closed survey are the people the published rosters show teleworking in
last month. The demo city's rosters may hold only the current month: then the loader adds
people of the office (regular staff first) with the telework days of that historic month
as it records them, up to `CLOSED_INVITED` — an older survey whose rosters were never kept
in Yakuba. Deterministic (seeded random); dates relative to today.

Other demo loaders make closed surveys of their own periods the same way: `prepare` a copy
of the template about a period, then `answer_closed` invites, answers (validated and stored
like a real answer) and closes it; a `Mood` says how that period felt — which concerns
were common, how the scales lean, what had improved since (the evaluation demo's 2020
state of emergency against a year later).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.org.models import Staff
from yakuba.rosters.audience import Audience, describe, previous_month, telework_days
from yakuba.surveys import building, freetext
from yakuba.surveys.answering import store
from yakuba.surveys.defaults import ensure_default_template
from yakuba.surveys.models import (
    Choice,
    Invitation,
    Question,
    QuestionKind,
    Section,
    Survey,
    SurveyStatus,
)
from yakuba.surveys.selectors import structure
from yakuba.surveys.validation import validate

CLOSED_INVITED = 340
ANSWER_RATE = 0.88
OPEN_TITLE = "庁内チャット・Web会議の使い勝手アンケート"


@dataclass(frozen=True)
class Mood:
    """How the people answering a demo survey found the period it asks about."""

    #: Concern → chance, overriding `freetext.WEIGHTS` (e.g. fewer VPN troubles).
    concerns: Mapping[str, float] = field(default_factory=dict)
    #: Added to the mean of the "it went well" scales, taken from the "it hurt" ones.
    better: float = 0.0
    #: Concerns the office has addressed since (`freetext.IMPROVED`): some say so.
    improved: tuple[str, ...] = ()
    answer_rate: float = ANSWER_RATE
    #: Share answering 「初めて在宅勤務をした日」 (low once telework is old news).
    first_time: float = 0.4


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _scale(rng: random.Random, mean: float) -> str:
    return str(min(5, max(1, round(rng.gauss(mean, 0.9)))))


def _pick(choices: list[Choice], label_part: str) -> Choice:
    return next(c for c in choices if label_part in c.label)


def _answers(
    survey: Survey,
    s: Any,
    days: int,
    rng: random.Random,
    by_text: dict[str, Question],
    mood: Mood,
) -> dict[str, Any]:
    """A plausible set of raw answers for one person (then validated like a real one)."""
    teleworked = days > 0
    concerns = freetext.persona(rng, teleworked, mood.concerns)
    up, down = mood.better, -mood.better
    raw: dict[str, Any] = {}

    def q(part: str) -> Question:
        return next(v for k, v in by_text.items() if part in k)

    def choose(question: Question, *parts: str) -> None:
        options = s.choices[question.pk]
        picked = [_pick(options, p) for p in parts]
        raw[f"q{question.pk}"] = [str(c.pk) for c in picked]

    method = q("主に利用した在宅勤務の方法")
    choose(method, rng.choices(["VPN", "LGWAN", "貸出端末"], weights=[5, 3, 2])[0])
    if not teleworked:
        reasons = [
            r
            for r in ("窓口", "在宅でできる", "端末", "言い出し", "作業する場所")
            if rng.random() < 0.3
        ]
        choose(q("在宅勤務をしなかった理由"), *(reasons or ["窓口"]))
    if rng.random() < mood.first_time:
        first: dt.date = (survey.period_start or dt.date.today()) + dt.timedelta(
            days=rng.randint(0, 10)
        )
        raw[f"q{q('初めて在宅勤務をした日').pk}"] = first.isoformat()
    hampered = "vpn" in concerns or "finance" in concerns or "paper" in concerns
    raw[f"q{q('同じように仕事を進められた').pk}"] = _scale(rng, (2.6 if hampered else 3.8) + up)
    raw[f"q{q('通勤がない分').pk}"] = _scale(rng, 4.2 if "commute" in concerns else 3.5)
    blocked = [
        part
        for concern, part in (
            ("finance", "財務会計"),
            ("paper", "押印"),
            ("residents_system", "住民情報"),
            ("phone", "電話"),
        )
        if concern in concerns
    ]
    if "paper" in concerns and rng.random() < 0.5:
        blocked.append("紙の資料")
    if rng.random() < 0.3:
        blocked.append("文書管理")
    choose(q("在宅ではできなかった業務"), *(blocked or ["特になし"]))
    if rng.random() < 0.7:
        raw[f"q{q('在宅でできなかったこと、不便だった').pk}"] = freetext.problem_text(concerns, rng)
    raw[f"q{q('必要な連絡がとれた').pk}"] = _scale(rng, (3.0 if "lonely" in concerns else 4.0) + up)
    tools = ["チャット"] if "chat" in concerns or rng.random() < 0.5 else []
    tools += [t for t in ("Web会議", "電話", "メール", "朝のミーティング") if rng.random() < 0.5]
    choose(q("使った連絡手段"), *(tools or ["メール"]))
    raw[f"q{q('接続が切れる').pk}"] = _scale(rng, (3.8 if "vpn" in concerns else 2.3) + down)
    raw[f"q{q('孤独を感じる').pk}"] = _scale(rng, (3.9 if "lonely" in concerns else 2.2) + down)
    switching = 3.6 if "childcare" in concerns else 2.6
    raw[f"q{q('切り替えが難しかった').pk}"] = _scale(rng, switching + down)
    choose(q("疲れ方"), rng.choices(["少ない", "同じくらい", "多い"], weights=[5, 3, 2])[0])
    problems = []
    if "vpn" in concerns:
        problems += ["VPN", "回線が遅い"] if rng.random() < 0.6 else ["VPN"]
    if "device" in concerns:
        problems.append("画面が小さく" if rng.random() < 0.5 else "端末の性能")
    if rng.random() < 0.15:
        problems.append("Wi-Fi")
    problems_question = q("機器や回線で困ったこと")
    if rng.random() < 0.05:
        choose(problems_question, "その他")
        raw[f"q{problems_question.pk}_other"] = rng.choice(
            ("ヘッドセットの音が小さい", "マウスの貸出がない", "停電で作業が止まった")
        )
    else:
        choose(problems_question, *(problems or ["特になし"]))
    choose(
        q("自宅で主に使った回線"),
        rng.choices(["光回線", "モバイルルーター", "テザリング"], weights=[7, 2, 1])[0],
    )
    carer = "childcare" in concerns or "care" in concerns
    choose(q("育児や介護と仕事の両立"), "はい" if carer else "いいえ")
    if carer and rng.random() < 0.8:
        raw[f"q{q('両立のために必要な配慮').pk}"] = freetext.care_text(concerns, rng)
    raw[f"q{q('来年度も在宅勤務を利用したい').pk}"] = _scale(rng, (4.0 if teleworked else 3.0) + up)
    raw[f"q{q('希望する在宅勤務の日数').pk}"] = str(
        rng.choices([0, 1, 2, 3, 4, 5], weights=[1, 4, 6, 3, 1, 1])[0]
    )
    if rng.random() < 0.65:
        good = freetext.good_text(concerns, rng)
        if mood.improved:
            good = freetext.improvement_text(mood.improved, concerns, rng) + good
        raw[f"q{q('在宅勤務で良かったこと').pk}"] = good
    if rng.random() < 0.6:
        raw[f"q{q('来年度に向けての要望').pk}"] = freetext.wish_text(concerns, rng)
    return raw


def _closed_invitees(start: dt.date, end: dt.date, rng: random.Random) -> list[tuple[Staff, int]]:
    staff = {s.pk: s for s in Staff.objects.filter(active=True).select_related("unit", "user")}
    days = telework_days(start, end, staff_ids=None)
    people = [(staff[pk], n) for pk, n in sorted(days.items()) if pk in staff]
    if len(people) < CLOSED_INVITED:
        # The rosters of that month are not in Yakuba: the survey's own record.
        chosen = {s.pk for s, _n in people}
        rest = sorted(
            (s for s in staff.values() if s.pk not in chosen),
            key=lambda s: (s.employment_type != "regular", s.staff_number),
        )
        rng.shuffle(rest)
        rest.sort(key=lambda s: s.employment_type != "regular")
        for s in rest[: CLOSED_INVITED - len(people)]:
            people.append(
                (
                    s,
                    rng.choices(
                        range(1, 16), weights=[6, 7, 7, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 1]
                    )[0],
                )
            )
    return people


def prepare(actor: User, title: str, audience: Audience, start: dt.date, end: dt.date) -> Survey:
    """A copy of the shipped template, titled ``title``, about ``start``〜``end``, for
    ``audience`` (a draft: `answer_closed` invites, answers and closes it)."""
    survey = building.copy_survey(actor=actor, source=ensure_default_template(), title=title)
    Survey.objects.filter(pk=survey.pk).update(
        audience=audience.to_json(),
        audience_text=describe(audience),
        period_start=start,
        period_end=end,
    )
    survey.refresh_from_db()
    return survey


def answer_closed(
    survey: Survey,
    invitees: Sequence[tuple[Staff, int]],
    *,
    launched_at: dt.datetime,
    closes_at: dt.datetime,
    rng: random.Random,
    mood: Mood = Mood(),
) -> int:
    """Invite ``invitees`` (person, telework days in the survey's period), answer for
    about ``mood.answer_rate`` of them — not the demo accounts —, validated and stored
    like a real answer, remind the others twice and close the survey at ``closes_at``.
    Returns how many answered."""
    Invitation.objects.bulk_create(
        Invitation(survey=survey, staff=s, invited_at=launched_at, telework_days=min(n, 366))
        for s, n in invitees
    )
    s = structure(survey)
    by_text = {question.text: question for question in s.questions}
    invitations = {i.staff_id: i for i in Invitation.objects.filter(survey=survey)}
    answered: list[int] = []
    for person, days in invitees:
        user = person.user
        if user is not None and user.username in accounts.ROLE_USERNAMES:
            continue  # the demo accounts have not answered: their own pages stay simple
        if rng.random() > mood.answer_rate:
            continue
        raw = _answers(survey, s, days, rng, by_text, mood)
        outcome = validate(s.questions, s.choices, raw, days)
        if not outcome.ok:  # pragma: no cover - the generator makes valid answers
            raise AssertionError(outcome.errors)
        role = user.role if user is not None else "staff"
        store(survey, invitations[person.pk], person, role, outcome, closes_at.date())
        answered.append(invitations[person.pk].pk)
    Invitation.objects.filter(pk__in=answered).update(answered=True)
    Invitation.objects.filter(survey=survey, answered=False).update(
        reminders_sent=2, last_reminded_on=closes_at.date()
    )
    Survey.objects.filter(pk=survey.pk).update(
        status=SurveyStatus.CLOSED,
        opens_at=launched_at,
        launched_at=launched_at,
        closes_at=closes_at,
        closed_at=closes_at,
    )
    return len(answered)


@transaction.atomic
def seed_surveys_demo(seed: int = 15) -> dict[str, Any]:
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    planning = User.objects.get(username=accounts.PLANNING)
    hr = User.objects.get(username=accounts.HR)

    # --- the closed survey about last month ---------------------------------------------
    start, end = previous_month(today)
    closed = prepare(
        planning,
        f"テレワーク実施状況調査（{start.year}年{start.month}月）",
        Audience(teleworked_from=start, teleworked_to=end),
        start,
        end,
    )
    launched_at = _at(today - dt.timedelta(days=min(today.day + 3, 20)), 9)
    closes_at = _at(today - dt.timedelta(days=1), 17)
    invitees = _closed_invitees(start, end, rng)
    answered = answer_closed(
        closed, invitees, launched_at=launched_at, closes_at=closes_at, rng=rng
    )

    # --- the open survey for everyone ---------------------------------------------------
    open_survey = Survey.objects.create(
        title=OPEN_TITLE,
        description="庁内チャットとWeb会議の使い勝手について伺います。3分ほどで終わります。",
        anonymous=True,
        owner_role=hr.role,
        owner_unit=getattr(getattr(hr, "staff", None), "unit", None),
        closes_at=_at(today + dt.timedelta(days=10), 17),
        period_start=start,
        period_end=end,
        audience=Audience().to_json(),
        audience_text=describe(Audience()),
        created_by=hr,
    )
    one = Section.objects.create(survey=open_survey, order=1, title="チャット")
    two = Section.objects.create(survey=open_survey, order=2, title="Web会議")
    used = Question.objects.create(
        survey=open_survey,
        section=one,
        order=1,
        kind=QuestionKind.SINGLE,
        text="庁内チャットを業務で使っていますか。",
    )
    yes = Choice.objects.create(question=used, order=1, label="毎日使う")
    Choice.objects.create(question=used, order=2, label="ときどき使う")
    Choice.objects.create(question=used, order=3, label="使っていない")
    Question.objects.create(
        survey=open_survey,
        section=one,
        order=2,
        kind=QuestionKind.SCALE,
        text="チャットで相談しやすくなった。",
        show_if_choice=yes,
    )
    Question.objects.create(
        survey=open_survey,
        section=two,
        order=1,
        kind=QuestionKind.SCALE,
        text="Web会議の音声や映像は安定している。",
    )
    meetings = Question.objects.create(
        survey=open_survey,
        section=two,
        order=2,
        kind=QuestionKind.MULTIPLE,
        text="Web会議で困ることをすべて選んでください。",
        required=False,
    )
    for order, label in enumerate(
        ["接続が切れる", "資料が見えにくい", "発言しにくい", "ヘッドセットがない"], start=1
    ):
        Choice.objects.create(question=meetings, order=order, label=label)
    Choice.objects.create(question=meetings, order=5, label="その他（自由記述）", is_other=True)
    Question.objects.create(
        survey=open_survey,
        section=two,
        order=3,
        kind=QuestionKind.NUMBER,
        text="先週、Web会議に参加した回数",
        min_value=0,
        max_value=50,
        unit_label="回",
    )
    Question.objects.create(
        survey=open_survey,
        section=two,
        order=4,
        kind=QuestionKind.TEXT,
        text="改善してほしいことがあれば書いてください。",
        required=False,
    )
    invited = building.launch(actor=hr, survey=open_survey, now=now)
    return {
        "closed": closed.title,
        "invited": len(invitees),
        "answered": answered,
        "open": open_survey.title,
        "open_invited": invited,
    }

"""Demo courses and campaigns (`manage.py seed_campaigns_demo`, after `seed_demo`).

* The course required for telework, 「在宅勤務を始める前の情報セキュリティ研修」 (pass mark
  80 %, valid 365 days), made of bank lessons and questions on telework, home Wi-Fi,
  phishing, home printing and incident reporting. When the bank does not hold enough of
  them yet (the starter bank is loaded by the awareness demo), the few the course needs
  are added under codes starting ``course-``, so both can coexist.
* Last month's campaign of that course for everyone, finished: most passed (some at the
  second attempt), a few still overdue.
* A campaign running now (a phishing mini-set for three divisions, due in four days) with
  mixed progress; demo-staff has not started yet, so the home panel and 「わたしの
  セキュリティ」 show the assignment, and demo-head sees the unit's progress.

Dates are relative to today. Never called by a production start.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.awareness.models import Choice, Lesson, Question
from yakuba.campaigns import content
from yakuba.campaigns.models import (
    Answer,
    Assignment,
    Attempt,
    Campaign,
    CampaignStatus,
    Course,
    Reminder,
    ReminderKind,
)
from yakuba.demo import accounts
from yakuba.org.models import Staff, Unit
from yakuba.rosters.audience import Audience, describe
from yakuba.security.topics import Topic

COURSE_TITLE = "在宅勤務を始める前の情報セキュリティ研修"
COURSE_TOPICS = (
    Topic.TELEWORK,
    Topic.HOME_NETWORK,
    Topic.PHISHING,
    Topic.HOME_PRINTING,
    Topic.INCIDENT_REPORTING,
)
MIN_BANK_QUESTIONS = 5
GUIDELINE = "総務省「地方公共団体における情報セキュリティポリシーに関するガイドライン」"

# (code, topic, title, body)
LESSONS = (
    (
        "course-lesson-telework",
        Topic.TELEWORK,
        "在宅勤務の基本ルール",
        "在宅勤務では、貸与された端末だけを使い、業務データを私物のパソコンやUSBメモリに"
        "保存しません。\n作業する場所は、家族や来客から画面が見えない場所を選びます。"
        "短い時間でも、席を離れるときは画面をロックします（Windows キー＋L）。\n"
        "個人情報を含む紙の資料は持ち帰らず、自宅のプリンターで印刷しません。",
    ),
    (
        "course-lesson-home-network",
        Topic.HOME_NETWORK,
        "自宅のWi-Fiとルーター",
        "ルーターの管理画面のパスワードを初期設定から変更し、ファームウェアを最新にします。\n"
        "Wi-Fi は WPA2 または WPA3 で暗号化し、推測されにくいパスワードにします。\n"
        "駅やカフェなどの公衆Wi-Fiでは業務をしません。",
    ),
    (
        "course-lesson-phishing",
        Topic.PHISHING,
        "不審なメールに気づいたら",
        "差出人やリンク先のアドレス、急がせる文面、心当たりのない添付ファイルに注意します。\n"
        "開いてしまった・入力してしまったときも、すぐに「不審なメールを報告」から報告してください。"
        "早く報告するほど、被害を小さくできます。報告した人が責められることはありません。",
    ),
    (
        "course-lesson-incident",
        Topic.INCIDENT_REPORTING,
        "紛失・誤送信はすぐに報告",
        "端末やUSBメモリの紛失、メールやFAXの誤送信に気づいたら、自分だけで解決しようとせず、"
        "すぐに所属長と情報セキュリティ管理者に報告します。\n"
        "いつ・何が・どこへ（誰へ）を分かる範囲で伝え、分からないことは後から伝えれば十分です。",
    ),
)

# (code, topic, kind, text, explanation, [(choice, correct), ...])
QUESTIONS: tuple[tuple[str, str, str, str, str, list[tuple[str, bool]]], ...] = (
    (
        "course-q-telework-device",
        Topic.TELEWORK,
        "single",
        "在宅勤務で業務データを扱うとき、正しいものはどれですか。",
        "業務データは貸与端末の中だけで扱います。私物や家族と共用のパソコンには、"
        "役場のウイルス対策や暗号化の管理が及びません。",
        [
            ("貸与された端末だけで扱う", True),
            ("私物のパソコンに一時的に保存する", False),
            ("家族と共用のパソコンでメールを確認する", False),
        ],
    ),
    (
        "course-q-screen-lock",
        Topic.TELEWORK,
        "true_false",
        "自宅でも、席を離れるときは画面をロックする。",
        "家族や来客が画面を見たり、誤って操作したりするおそれがあります。"
        "短い時間でも Windows キー＋L でロックします。",
        [("○", True), ("×", False)],
    ),
    (
        "course-q-router",
        Topic.HOME_NETWORK,
        "single",
        "自宅のルーターについて、まずすべきことはどれですか。",
        "初期パスワードのままのルーターは乗っ取られやすく、古いファームウェアには"
        "知られた弱点（脆弱性）が残っています。",
        [
            ("管理画面のパスワードを初期設定から変え、ファームウェアを更新する", True),
            ("つながりやすいように Wi-Fi の暗号化を切る", False),
            ("ルーターの設定は何も変えない", False),
        ],
    ),
    (
        "course-q-public-wifi",
        Topic.HOME_NETWORK,
        "true_false",
        "駅やカフェの公衆Wi-Fiにつないで業務をしてもよい。",
        "公衆Wi-Fiでは通信をのぞき見られたり、偽のアクセスポイントに誘導されたりする"
        "おそれがあるため、業務では使いません。",
        [("○", False), ("×", True)],
    ),
    (
        "course-q-phishing-click",
        Topic.PHISHING,
        "single",
        "不審なメールのリンクを開いてしまいました。まずすることはどれですか。",
        "早く報告するほど、同じメールを受け取った人への注意喚起や調査が間に合います。"
        "開いてしまったことを責めることはありません。",
        [
            ("すぐに「不審なメールを報告」から報告する", True),
            ("何も起きなければ黙っておく", False),
            ("メールを削除して忘れる", False),
        ],
    ),
    (
        "course-q-home-print",
        Topic.HOME_PRINTING,
        "true_false",
        "個人情報を含む資料を自宅のプリンターで印刷してよい。",
        "自宅で印刷した紙は、保管や廃棄を確実に管理できません。個人情報を含む資料は"
        "自宅で印刷しません。",
        [("○", False), ("×", True)],
    ),
    (
        "course-q-lost-usb",
        Topic.INCIDENT_REPORTING,
        "single",
        "業務で使うUSBメモリをなくしたことに気づきました。正しい行動はどれですか。",
        "暗号化していても、紛失はすぐに報告します。報告が早いほど、必要な対応"
        "（関係者への連絡、記録の確認）を早く始められます。",
        [
            ("すぐに所属長と情報セキュリティ管理者に報告する", True),
            ("自分で探して、見つからなければ報告する", False),
            ("暗号化していれば報告しなくてよい", False),
        ],
    ),
    (
        "course-q-passwords",
        Topic.PASSWORDS,
        "multiple",
        "パスワードの扱いとして正しいものをすべて選んでください。",
        "使い回したパスワードは、ほかのサービスから漏れたときに一緒に破られます。"
        "多要素認証があれば、パスワードが漏れても不正なサインインを防げます。",
        [
            ("ほかのサービスと同じパスワードを使わない", True),
            ("多要素認証を有効にする", True),
            ("忘れないよう付箋に書いて端末に貼る", False),
        ],
    ),
)
PHISHING_SET = (
    "course-lesson-phishing",
    "course-q-phishing-click",
    "course-lesson-incident",
    "course-q-lost-usb",
    "course-q-passwords",
)


def ensure_course_items() -> None:
    """The course's own lessons and questions, added once by code (never changed)."""
    for code, topic, title, body in LESSONS:
        Lesson.objects.get_or_create(
            code=code,
            defaults={
                "topic": topic,
                "title": title,
                "body": body,
                "source": "本市の情報セキュリティ対策基準（在宅勤務）",
            },
        )
    lessons = {lesson.code: lesson for lesson in Lesson.objects.filter(code__startswith="course-")}
    for code, q_topic, kind, text, explanation, choices in QUESTIONS:
        lesson_code: str = {
            str(Topic.TELEWORK): "course-lesson-telework",
            str(Topic.HOME_NETWORK): "course-lesson-home-network",
            str(Topic.PHISHING): "course-lesson-phishing",
        }.get(q_topic, "course-lesson-incident")
        question, created = Question.objects.get_or_create(
            code=code,
            defaults={
                "topic": q_topic,
                "kind": kind,
                "text": text,
                "explanation": explanation,
                "lesson": lessons.get(lesson_code),
                "source": GUIDELINE,
            },
        )
        if created:
            Choice.objects.bulk_create(
                Choice(question=question, order=n, text=t, correct=ok)
                for n, (t, ok) in enumerate(choices, start=1)
            )


def _usable_questions(topics: tuple[str, ...]) -> list[Question]:
    return [
        q
        for q in Question.objects.filter(active=True, topic__in=topics)
        .exclude(code__startswith="course-")
        .prefetch_related("choices")
        .order_by("topic", "code")
        if any(c.correct for c in q.choices.all())
    ]


def course_items() -> list[Lesson | Question]:
    """From the bank when it has enough on the course's topics, else the course's own."""
    bank = _usable_questions(COURSE_TOPICS)
    if len(bank) >= MIN_BANK_QUESTIONS:
        items: list[Lesson | Question] = []
        for topic in COURSE_TOPICS:
            lesson = (
                Lesson.objects.filter(active=True, topic=topic)
                .exclude(code__startswith="course-")
                .order_by("code")
                .first()
            )
            if lesson is not None:
                items.append(lesson)
            items.extend([q for q in bank if q.topic == topic][:2])
        return items
    ensure_course_items()
    codes = [lesson[0] for lesson in LESSONS] + [question[0] for question in QUESTIONS]
    return list(content.parse_codes("\n".join(codes)))


def _staff(username: str) -> Staff:
    return User.objects.select_related("staff__unit").get(username=username).staff


def _take(
    assignment: Assignment,
    steps: list[content.Step],
    rng: random.Random,
    *,
    skill: float,
    finished_at: dt.datetime,
    pass_percent: int | None,
    attempts: list[Attempt],
    answers: list[tuple[int, Answer]],
    finish: bool = True,
) -> None:
    """One simulated attempt (answers right with probability `skill`)."""
    questions = [s.question for s in steps if s.question is not None]
    number = len([a for a in attempts if a.assignment is assignment]) + 1
    started = finished_at - dt.timedelta(minutes=rng.randint(8, 25))
    attempt = Attempt(assignment=assignment, number=number, started_at=started)
    correct = 0
    answered = questions if finish else questions[: max(1, len(questions) // 2)]
    for i, question in enumerate(answered):
        ok = rng.random() < skill
        correct += ok
        choices = list(question.choices.all())
        right = [c.pk for c in choices if c.correct]
        wrong = [c.pk for c in choices if not c.correct] or right
        answers.append(
            (
                len(attempts),
                Answer(
                    question=question,
                    chosen=right if ok else [rng.choice(wrong)],
                    correct=ok,
                    answered_at=started + dt.timedelta(minutes=i + 1),
                ),
            )
        )
    if finish:
        attempt.finished_at = finished_at
        attempt.position = len(steps)
        attempt.total = len(questions)
        attempt.correct = correct
        attempt.percent = round(100 * correct / len(questions)) if questions else 100
        attempt.passed = None if pass_percent is None else attempt.percent >= pass_percent
        if attempt.passed is not False:
            assignment.completed_at = finished_at
        assignment.best_percent = max(assignment.best_percent or 0, attempt.percent)
    else:  # stopped after the last answered question: the next step is the one after it
        asked = [i for i, s in enumerate(steps) if s.question is not None]
        attempt.position = asked[len(answered) - 1] + 1
    assignment.started_at = assignment.started_at or started
    attempts.append(attempt)


def _save(
    assignments: list[Assignment], attempts: list[Attempt], answers: list[tuple[int, Answer]]
) -> None:
    Assignment.objects.bulk_create(assignments, batch_size=500)
    for attempt in attempts:
        attempt.assignment_id = attempt.assignment.pk
    Attempt.objects.bulk_create(attempts, batch_size=500)
    for index, answer in answers:
        answer.attempt = attempts[index]
    Answer.objects.bulk_create([a for _i, a in answers], batch_size=1000)


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
    )


@transaction.atomic
def seed_campaigns_demo(seed: int = 14) -> dict[str, Any]:
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    infosec = User.objects.get(username=accounts.INFOSEC)
    me = _staff(accounts.STAFF)
    head = _staff(accounts.HEAD)

    course = Course.objects.create(
        title=COURSE_TITLE,
        description="在宅勤務を始める前に、貸与端末・自宅のWi-Fi・不審なメール・紛失時の報告の"
        "基本を確認します。問題の正答率80%以上で修了です（有効期間1年）。",
        pass_percent=80,
        required_for_telework=True,
        validity_days=365,
        created_by=infosec,
    )
    content.replace_items(course_items(), course=course)
    course_steps = content.items_of(course=course)

    # Last month's campaign of the course, for everyone: finished.
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    done_campaign = Campaign.objects.create(
        title=f"{COURSE_TITLE}（{first.year}年{first.month}月）",
        description="在宅勤務をする・しないにかかわらず、全職員が受講します。",
        course=course,
        audience=Audience().to_json(),
        audience_text=describe(Audience()),
        starts_on=first,
        due_on=first + dt.timedelta(days=19),
        status=CampaignStatus.LAUNCHED,
        launched_at=timezone.make_aware(dt.datetime.combine(first, dt.time(9))),
        created_by=infosec,
    )
    everyone = list(Staff.objects.filter(active=True).order_by("staff_number"))
    assignments: list[Assignment] = []
    attempts: list[Attempt] = []
    answers: list[tuple[int, Answer]] = []
    for person in everyone:
        a = Assignment(
            campaign=done_campaign,
            course=course,
            staff=person,
            due_on=done_campaign.due_on,
            assigned_at=done_campaign.launched_at or now,
        )
        assignments.append(a)
        roll = 0.0 if person.pk in (me.pk, head.pk) else rng.random()
        if roll < 0.93:
            day = first + dt.timedelta(days=rng.randint(0, 18))
            if roll > 0.85:  # failed once, passed the next day
                _take(
                    a,
                    course_steps,
                    rng,
                    skill=0.45,
                    finished_at=_moment(day, rng),
                    pass_percent=course.pass_percent,
                    attempts=attempts,
                    answers=answers,
                )
                day += dt.timedelta(days=1)
            _take(
                a,
                course_steps,
                rng,
                skill=1.0 if roll < 0.6 else 0.9,
                finished_at=_moment(day, rng),
                pass_percent=course.pass_percent,
                attempts=attempts,
                answers=answers,
            )
            if a.completed_at is None:  # unlucky twice: a third, careful attempt
                _take(
                    a,
                    course_steps,
                    rng,
                    skill=1.0,
                    finished_at=_moment(day, rng) + dt.timedelta(hours=1),
                    pass_percent=course.pass_percent,
                    attempts=attempts,
                    answers=answers,
                )
        elif roll < 0.96:
            day = first + dt.timedelta(days=rng.randint(5, 18))
            _take(
                a,
                course_steps,
                rng,
                skill=0.5,
                finished_at=_moment(day, rng),
                pass_percent=course.pass_percent,
                attempts=attempts,
                answers=answers,
            )
    _save(assignments, attempts, answers)
    weeks_overdue = max(0, (today - done_campaign.due_on).days // 7)
    Reminder.objects.bulk_create(
        [
            Reminder(
                campaign=done_campaign,
                kind=ReminderKind.LAUNCH,
                sent_on=first,
                recipients=len(everyone),
            ),
            Reminder(
                campaign=done_campaign,
                kind=ReminderKind.BEFORE,
                sent_on=done_campaign.due_on - dt.timedelta(days=3),
                recipients=len(everyone) // 5,
            ),
            Reminder(
                campaign=done_campaign,
                kind=ReminderKind.DUE,
                sent_on=done_campaign.due_on,
                recipients=len(everyone) // 12,
            ),
            *[
                Reminder(
                    campaign=done_campaign,
                    kind=ReminderKind.OVERDUE,
                    week=w,
                    sent_on=done_campaign.due_on + dt.timedelta(days=7 * w),
                    recipients=len(everyone) // 25,
                )
                for w in range(1, min(weeks_overdue, 4) + 1)
            ],
        ]
    )

    # A phishing mini-set running now for demo-head's division and two more: mixed progress.
    ensure_course_items()
    others = (
        Unit.objects.filter(kind="division", active=True)
        .exclude(pk=head.unit.pk)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    divisions = [head.unit.pk, *others[:2]]
    audience = Audience(unit_ids=tuple(sorted(divisions)))
    running = Campaign.objects.create(
        title="標的型攻撃メールに備える（ミニ研修）",
        description="訓練メールの実施前に、不審なメールの見分け方と報告のしかたを確認します（5分ほど）。",
        audience=audience.to_json(),
        audience_text=describe(audience),
        starts_on=today - dt.timedelta(days=10),
        due_on=today + dt.timedelta(days=4),
        status=CampaignStatus.LAUNCHED,
        launched_at=now - dt.timedelta(days=10),
        created_by=infosec,
    )
    content.replace_items(content.parse_codes("\n".join(PHISHING_SET)), campaign=running)
    running_steps = content.items_of(campaign=running)
    from yakuba.rosters.audience import resolve

    assignments, attempts, answers = [], [], []
    for person in resolve(audience).order_by("staff_number"):
        a = Assignment(
            campaign=running,
            staff=person,
            due_on=running.due_on,
            assigned_at=running.launched_at or now,
        )
        assignments.append(a)
        roll = 1.0 if person.pk == me.pk else rng.random()
        day = running.starts_on + dt.timedelta(days=rng.randint(0, 9))
        if roll < 0.45:
            _take(
                a,
                running_steps,
                rng,
                skill=0.85,
                finished_at=_moment(day, rng),
                pass_percent=None,
                attempts=attempts,
                answers=answers,
            )
        elif roll < 0.65:
            _take(
                a,
                running_steps,
                rng,
                skill=0.8,
                finished_at=_moment(day, rng),
                pass_percent=None,
                attempts=attempts,
                answers=answers,
                finish=False,
            )
    _save(assignments, attempts, answers)
    Reminder.objects.create(
        campaign=running,
        kind=ReminderKind.LAUNCH,
        sent_on=running.starts_on,
        recipients=len(assignments),
    )
    return {
        "course": course.title,
        "campaigns": 2,
        "assignments": Assignment.objects.count(),
        "answers": Answer.objects.count(),
    }

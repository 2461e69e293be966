"""Demo training: three courses with past sessions (attendance, feedback) and future ones,
one future session full with a waiting list (demo-staff can join the list and is promoted
when someone registered cancels), and required courses some people are overdue on.
Dates relative to today."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yakuba.demo.accounts import STAFF
from yakuba.org.models import EmploymentType, Staff
from yakuba.training.models import (
    Feedback,
    Registration,
    RegistrationStatus,
    Requirement,
    TrainingCourse,
    TrainingSession,
)

R = RegistrationStatus
COURSES = (
    (
        "Web会議の使い方",
        "Zoom・Teams の入り方、マイクとカメラ、画面共有、接続が切れたときの戻り方。",
        60,
    ),
    (
        "テレワークの始め方",
        "VPN端末・LGWANテレワークの接続手順、持ち帰りのルール、困ったときの連絡先。",
        90,
    ),
    ("情報セキュリティ研修", "標的型攻撃メール、パスワード、自宅のルーター、個人情報の扱い。", 60),
)
COMMENTS = (
    "分かりやすかった",
    "実機で練習できて良かった",
    "もう少し時間がほしい",
    "資料を後で見返したい",
    "",
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def seed_training_demo() -> dict[str, int]:
    rng = random.Random(16)
    today = timezone.localdate()
    people = list(Staff.objects.filter(active=True).exclude(user__username=STAFF).order_by("pk"))
    if len(people) < 12:
        raise ValueError("seed_demo first")
    rng.shuffle(people)
    instructor = people[0]
    made = {"sessions": 0, "registrations": 0}
    courses = [
        TrainingCourse.objects.create(title=t, description=d, duration_minutes=m)
        for t, d, m in COURSES
    ]
    pool = iter(people[1:])

    def take(n: int) -> list[Staff]:
        out = []
        for _ in range(n):
            try:
                out.append(next(pool))
            except StopIteration:
                break
        return out

    for i, course in enumerate(courses):
        # Two past sessions with attendance (mostly attended) and feedback.
        for back in (40 + 7 * i, 12 + 3 * i):
            day = today - dt.timedelta(days=back)
            s = TrainingSession.objects.create(
                course=course,
                starts_at=_at(day, 14),
                ends_at=_at(day, 15),
                place="本庁舎 3階 研修室",
                capacity=12,
                instructor=instructor,
                attendance_taken_at=_at(day, 16),
            )
            made["sessions"] += 1
            for person in take(8):
                status = R.ATTENDED if rng.random() < 0.85 else R.ABSENT
                reg = Registration.objects.create(
                    session=s,
                    staff=person,
                    status=status,
                    registered_at=_at(day - dt.timedelta(days=7), 9),
                    attendance_source="manual",
                )
                made["registrations"] += 1
                if status == R.ATTENDED and rng.random() < 0.7:
                    Feedback.objects.create(
                        registration=reg,
                        rating=rng.choice((3, 4, 4, 5, 5)),
                        comment=rng.choice(COMMENTS),
                    )
        # One future session with seats.
        day = today + dt.timedelta(days=10 + 5 * i)
        s = TrainingSession.objects.create(
            course=course,
            starts_at=_at(day, 10),
            ends_at=_at(day, 11),
            place="本庁舎 3階 研修室",
            capacity=20,
            instructor=instructor,
        )
        made["sessions"] += 1
        for person in take(4):
            Registration.objects.create(
                session=s, staff=person, status=R.REGISTERED, registered_at=timezone.now()
            )
            made["registrations"] += 1
    # The full one: テレワークの始め方 in three days, 5 seats, 2 waiting (demo-staff is not one).
    day = today + dt.timedelta(days=3)
    full = TrainingSession.objects.create(
        course=courses[1],
        starts_at=_at(day, 15),
        ends_at=_at(day, 16) + dt.timedelta(minutes=30),
        place="本庁舎 2階 会議室B（VPN端末5台）",
        capacity=5,
        instructor=instructor,
    )
    made["sessions"] += 1
    for n, person in enumerate(take(7)):
        waiting = n >= 5
        Registration.objects.create(
            session=full,
            staff=person,
            status=R.WAITLISTED if waiting else R.REGISTERED,
            waitlist_position=n - 4 if waiting else None,
            registered_at=timezone.now() - dt.timedelta(hours=10 - n),
        )
        made["registrations"] += 1
    # Required: the security course for everyone (due a month ago: those who missed it are
    # overdue), telework for fiscal-year appointees within 60 days, Web meetings for new hires.
    Requirement.objects.create(course=courses[2], due_date=today - dt.timedelta(days=30))
    Requirement.objects.create(
        course=courses[1], employment_type=EmploymentType.FISCAL_YEAR, due_within_days=60
    )
    Requirement.objects.create(course=courses[0], new_hires_within_days=180, due_within_days=30)
    made["courses"] = len(courses)
    return made

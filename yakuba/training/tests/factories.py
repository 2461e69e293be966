"""Objects the training tests and the authorization matrix need."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yakuba.org.models import Staff
from yakuba.training.models import (
    Registration,
    RegistrationStatus,
    TrainingCourse,
    TrainingSession,
)


def make_course(title: str = "Web会議の使い方", **extra: Any) -> TrainingCourse:
    extra.setdefault("description", "Zoom の操作を学びます。")
    return TrainingCourse.objects.create(title=title, **extra)


def make_session(
    course: TrainingCourse | None = None,
    *,
    capacity: int = 2,
    days: float = 7,
    hours: float = 2,
    **extra: Any,
) -> TrainingSession:
    start = timezone.now() + dt.timedelta(days=days)
    return TrainingSession.objects.create(
        course=course or make_course(),
        starts_at=extra.pop("starts_at", start),
        ends_at=extra.pop("ends_at", start + dt.timedelta(hours=hours)),
        place=extra.pop("place", "本庁舎 3階 会議室A"),
        capacity=capacity,
        **extra,
    )


def make_staff(number: str, unit: Any, **extra: Any) -> Staff:
    s = Staff(
        staff_number=number, name=f"職員 {number}", name_kana="ショクイン", unit=unit, **extra
    )
    s.save()
    return s


def attended(session: TrainingSession, staff: Staff) -> Registration:
    return Registration.objects.create(
        session=session,
        staff=staff,
        status=RegistrationStatus.ATTENDED,
        registered_at=session.starts_at - dt.timedelta(days=3),
    )


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A course, a future session taught by nobody in particular, with 山田 (市民課, no
    account) registered; cached in `objs`."""
    if "training" in objs:
        return objs["training"]
    org = objs["org"]
    course = make_course()
    session = make_session(course, capacity=5)
    reg = Registration.objects.create(
        session=session,
        staff=org["staff"]["1001"],
        status=RegistrationStatus.REGISTERED,
        registered_at=timezone.now(),
    )
    objs["training"] = {"course": course, "session": session, "registration": reg}
    return objs["training"]

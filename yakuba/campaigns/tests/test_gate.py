"""The readiness requirement 「必須研修の修了」: the required course passed within its
validity, judged for a list of people in a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yakuba.campaigns.hooks import REQUIRED_COURSE, judge_required_course
from yakuba.campaigns.models import Attempt
from yakuba.campaigns.tests.factories import launched, make_campaign, make_course
from yakuba.security import gate

pytestmark = pytest.mark.django_db


def passed(assignment, days_ago: int) -> None:
    at = timezone.now() - dt.timedelta(days=days_ago)
    Attempt.objects.create(
        assignment=assignment, number=1, started_at=at, finished_at=at, percent=100, passed=True
    )


def test_registered_with_the_gate() -> None:
    assert REQUIRED_COURSE in gate.registered()


def test_without_a_required_course_everyone_meets_it(org) -> None:
    make_course(required=False)
    verdicts = judge_required_course([org["staff"]["1001"].pk])
    assert verdicts[org["staff"]["1001"].pk].met


def test_passed_expired_and_missing(org) -> None:
    course = make_course()
    staff = org["staff"]
    recent, old, _never = launched(
        make_campaign(course=course), [staff["1001"], staff["1002"], staff["2001"]]
    )
    passed(recent, 10)
    passed(old, 400)
    verdicts = judge_required_course([s.pk for s in staff.values()])
    assert verdicts[staff["1001"].pk].met
    assert "まで有効" in str(verdicts[staff["1001"].pk].detail)
    expired = verdicts[staff["1002"].pk]
    assert (
        not expired.met and "有効期限" in str(expired.detail) and "必須研修" in str(expired.detail)
    )
    never = verdicts[staff["2001"].pk]
    assert not never.met and "「必須研修」を修了していません" in str(never.detail)
    assert never.action_url == reverse("campaigns:course_take", args=[course.pk])


def test_a_failed_attempt_does_not_count(org) -> None:
    course = make_course()
    (a,) = launched(make_campaign(course=course), [org["staff"]["1001"]])
    Attempt.objects.create(
        assignment=a,
        number=1,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        percent=40,
        passed=False,
    )
    assert not judge_required_course([org["staff"]["1001"].pk])[org["staff"]["1001"].pk].met


def test_constant_queries_for_a_list(org) -> None:
    from yakuba.org.models import Staff

    make_course()
    few = [s.pk for s in org["staff"].values()]
    with CaptureQueriesContext(connection) as small:
        judge_required_course(few)
    many = few + [
        Staff.objects.create(
            staff_number=f"60{n:02d}", name="x", name_kana="x", unit=org["zeimu"]
        ).pk
        for n in range(30)
    ]
    with CaptureQueriesContext(connection) as large:
        judge_required_course(many)
    assert len(large) == len(small) == 2

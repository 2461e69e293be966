"""Overdue reminders: the owner unit's heads are told once per countermeasure and due date."""

from __future__ import annotations

import datetime as dt

import pytest

from yakuba.core import scheduling
from yakuba.notifications.models import Notice
from yakuba.problems.models import Countermeasure, Status
from yakuba.problems.notices import REMINDERS, send_overdue_reminders
from yakuba.problems.tests.factories import make_countermeasure, make_problem

pytestmark = pytest.mark.django_db


def test_the_job_is_registered_daily():
    assert scheduling.get_job("problems.overdue_reminders") is REMINDERS


def test_overdue_measures_are_reminded_once_per_due_date(org, make_user):
    shimin_head = make_user("unit_head", username="shimin-head")
    zeimu_head = make_user("unit_head", unit_key="zeimu", username="zeimu-head")
    problem = make_problem(org["shimin"])
    late = make_countermeasure(problem, due_on=dt.date(2026, 5, 1))
    make_countermeasure(problem, due_on=dt.date(2026, 6, 30))  # not yet due
    make_countermeasure(problem, status=Status.DONE, due_on=dt.date(2026, 4, 1))  # done
    make_countermeasure(
        problem, org["zeimu"], status=Status.CONSIDERING, due_on=dt.date(2026, 5, 2)
    )

    sent = send_overdue_reminders("2026-05-10")
    assert sent == {"countermeasures": 2, "notices": 2}
    shimin_notice = Notice.objects.get(recipient=shimin_head)
    assert "期限を過ぎた対応策が 1 件あります" in shimin_notice.subject
    assert "2026-05-01" in shimin_notice.body
    assert Notice.objects.filter(recipient=zeimu_head).count() == 1

    # Run again the same day and the next: nobody is told twice.
    assert send_overdue_reminders("2026-05-10")["notices"] == 0
    assert send_overdue_reminders("2026-05-11")["notices"] == 0
    assert Notice.objects.count() == 2

    # A new due date, passed in its turn, is reminded once more.
    Countermeasure.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 5, 20))
    assert send_overdue_reminders("2026-05-15")["notices"] == 0
    assert send_overdue_reminders("2026-05-21") == {"countermeasures": 1, "notices": 1}
    assert Notice.objects.filter(recipient=shimin_head).count() == 2

"""Reminders: before the end and on the last day, each step once (claim keys), each person
at most once a day, never to those who answered; the owner's 「今すぐ催促」 is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yakuba.audit.models import AuditEntry
from yakuba.core import scheduling
from yakuba.notifications.models import Notice
from yakuba.surveys import answering, reminders
from yakuba.surveys.building import close_expired
from yakuba.surveys.models import Invitation, Survey, SurveyStatus
from yakuba.surveys.tests.factories import full_answers, launched, make_survey

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def people(org, make_user):
    return [make_user("staff", username=f"r{i}", staff_number=f"70{i}") for i in range(3)]


def run_tick(now):
    """What the scheduler does: claim due steps, then run each claimed one."""
    from yakuba.core.models import JobClaim

    result = scheduling.tick(now, jobs=[reminders.REMINDERS])
    for claim in JobClaim.objects.filter(job=reminders.JOB_NAME, finished_at__isnull=True):
        # Run as the task would (`reminders.run`), with the test's clock.
        survey_id, step = claim.args
        if step == reminders.CLOSE:
            close_expired(now)
        else:
            reminders.send(Survey.objects.get(pk=survey_id), step, now)
        JobClaim.objects.filter(pk=claim.pk).update(finished_at=now)
    return result


def test_steps_three_days_before_and_on_the_last_day_once_each(people) -> None:
    end_day = timezone.localdate() + dt.timedelta(days=10)
    survey = make_survey()
    survey.closes_at = at(end_day, 17)
    survey.save()
    launched(survey, [u.staff for u in people])
    answering.submit(actor=people[0], survey=survey, raw=full_answers(survey))

    assert run_tick(at(end_day - dt.timedelta(days=4), 12)).claimed == []
    first = run_tick(at(end_day - dt.timedelta(days=3), 9, 5))
    assert first.keys(reminders.JOB_NAME) == [f"{survey.pk}:before"]
    notices = Notice.objects.filter(subject__contains="ご回答をお願いします")
    assert sorted(n.recipient_id for n in notices) == sorted(u.pk for u in people[1:])
    # Later ticks the same day and the next days: nothing new.
    for hours in (1, 5, 24, 48):
        run_tick(at(end_day - dt.timedelta(days=3), 9, 5) + dt.timedelta(hours=hours))
    assert Notice.objects.filter(subject__contains="ご回答をお願いします").count() == 2
    # The last day, from 9:00: once.
    run_tick(at(end_day, 9, 1))
    run_tick(at(end_day, 12))
    last = Notice.objects.filter(subject__contains="本日")
    assert last.count() == 2 and "17:00 締切" in last.first().subject
    assert set(
        Invitation.objects.filter(answered=False).values_list("reminders_sent", flat=True)
    ) == {2}
    assert Invitation.objects.get(staff=people[0].staff).reminders_sent == 0
    # After the end: the survey is closed, nobody reminded.
    run_tick(at(end_day, 17, 1))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    assert Notice.objects.filter(subject__contains="アンケート").count() == 4


def test_a_scheduler_down_until_the_last_day_sends_only_the_last_day_step(people) -> None:
    end_day = timezone.localdate() + dt.timedelta(days=10)
    survey = make_survey()
    survey.closes_at = at(end_day, 17)
    survey.save()
    launched(survey, [u.staff for u in people])
    result = run_tick(at(end_day, 10))
    assert result.keys(reminders.JOB_NAME) == [f"{survey.pk}:last_day"]
    assert Notice.objects.count() == 3


def test_remind_now_is_audited_and_at_most_once_a_day_per_person(people, planner) -> None:
    user, client = planner
    survey = make_survey()
    launched(survey, [u.staff for u in people])
    url = reverse("surveys:survey_remind", args=[survey.pk])
    page = client.post(url, follow=True).content.decode()
    assert "未回答の 3 名に催促を送りました。" in page
    assert AuditEntry.objects.filter(
        object_type="surveys.survey", actor=user, changes__reminded=["manual", 3]
    ).exists()
    page = client.post(url, follow=True).content.decode()
    assert "催促する人はいません" in page
    assert Notice.objects.count() == 3
    # Staff may not remind.
    from conftest import verified_client

    staff_client = verified_client(type(client)(), people[0])
    assert staff_client.post(url).status_code == 403


def test_no_reminder_after_the_end(people) -> None:
    survey = make_survey()
    launched(survey, [u.staff for u in people])
    assert reminders.send(survey, reminders.BEFORE, survey.closes_at + dt.timedelta(seconds=1)) == 0
    assert not Notice.objects.exists()

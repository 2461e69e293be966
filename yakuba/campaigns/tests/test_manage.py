"""Infosec writes courses and the reminder settings; every change is audited and bad
input writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from yakuba.audit.models import AuditEntry
from yakuba.campaigns.models import Attempt, CampaignSettings, Course
from yakuba.campaigns.tests.factories import launched, make_bank, make_campaign, make_course

pytestmark = pytest.mark.django_db


def course_data(**extra: object) -> dict[str, object]:
    return {
        "title": "在宅勤務を始める前の研修",
        "description": "",
        "pass_percent": "80",
        "required_for_telework": "on",
        "validity_days": "365",
        "active": "on",
        "codes": "t-lesson-1\nt-q-1\nt-q-2",
        **extra,
    }


def test_infosec_creates_a_course_from_bank_codes(org, client_for) -> None:
    make_bank()
    client = client_for("infosec")
    response = client.post(reverse("campaigns:course_create"), course_data())
    assert response.status_code == 302
    course = Course.objects.get()
    assert course.required_for_telework and course.pass_percent == 80
    assert [i.lesson or i.question for i in course.items.all()][1].code == "t-q-1"
    assert AuditEntry.objects.filter(object_type="campaigns.course", action="create").exists()


def test_a_course_needs_a_question_and_a_sane_pass_mark(org, client_for) -> None:
    make_bank()
    client = client_for("infosec")
    page = client.post(
        reverse("campaigns:course_create"), course_data(codes="t-lesson-1", pass_percent="120")
    ).content.decode()
    assert "問題を1問以上入れてください" in page
    assert not Course.objects.exists()


def test_steps_of_a_course_being_taken_are_not_changed(org, client_for) -> None:
    course = make_course()
    (assignment,) = launched(make_campaign(course=course), [org["staff"]["1001"]])
    Attempt.objects.create(assignment=assignment, number=1, started_at=timezone.now())
    client = client_for("infosec")
    page = client.post(
        reverse("campaigns:course_edit", args=[course.pk]), course_data(codes="t-q-1")
    ).content.decode()
    assert "受講中の人がいるため" in page
    assert course.items.count() == 6
    # Other fields may still change.
    codes = "\n".join(
        (i.lesson or i.question).code for i in course.items.select_related("lesson", "question")
    )
    ok = client.post(
        reverse("campaigns:course_edit", args=[course.pk]), course_data(codes=codes, title="改題")
    )
    assert ok.status_code == 302
    course.refresh_from_db()
    assert course.title == "改題"


def test_reminder_settings_are_saved_and_audited(org, client_for) -> None:
    client = client_for("infosec")
    assert CampaignSettings.current().remind_days_before == 3  # the default, not stored
    response = client.post(
        reverse("campaigns:settings"),
        {
            "remind_days_before": "5",
            "remind_hour": "8",
            "overdue_reminders": "2",
            "send_email": "on",
        },
    )
    assert response.status_code == 302
    saved = CampaignSettings.current()
    assert (saved.remind_days_before, saved.remind_hour, saved.post_to_chat) == (5, 8, False)
    assert AuditEntry.objects.filter(object_type="campaigns.campaignsettings").exists()
    bad = client.post(
        reverse("campaigns:settings"), {"remind_days_before": "0", "remind_hour": "25"}
    )
    assert bad.status_code == 200
    assert CampaignSettings.current().remind_hour == 8

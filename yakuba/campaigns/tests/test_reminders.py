"""Reminders: at the start, N days before the due date, on the due date, then weekly while
overdue — in-app and by e-mail (a real local SMTP server), each step once whatever runs
it; chat channels get each unit's counts, never the names of who is behind."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from yakuba.campaigns import reminders, services
from yakuba.campaigns.models import Assignment, CampaignSettings, Reminder, ReminderKind
from yakuba.campaigns.tests.factories import launched, make_campaign
from yakuba.core import scheduling
from yakuba.notifications.models import Channel, Delivery, Notice
from yakuba.rosters.audience import Audience

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def people(make_user):
    users = []
    for n, unit in enumerate(("shimin", "madoguchi")):
        user = make_user("staff", unit_key=unit, username=f"p{n}")
        user.staff.email = f"p{n}@example.jp"
        user.staff.save()
        users.append(user)
    return users


def tick(day: dt.date, capture, hour: int = 10) -> list[str]:
    with capture(execute=True):
        return scheduling.tick(at(day, hour), jobs=[reminders.REMINDERS]).keys(reminders.JOB_NAME)


def test_launch_notifies_everyone_in_app_and_by_email(
    org, make_user, people, smtp_server, django_capture_on_commit_callbacks
) -> None:
    infosec = make_user("infosec")
    campaign = make_campaign(audience=Audience(roles=("staff",)))
    with django_capture_on_commit_callbacks(execute=True):
        services.launch(actor=infosec, campaign=campaign)
    for user in people:
        notice = Notice.objects.get(recipient=user)
        assert "「ミニ研修」を受講してください" in notice.subject
        assert notice.url == "/security/campaigns/mine/"
    assert sorted(m["To"] for m in smtp_server.messages) == ["p0@example.jp", "p1@example.jp"]
    assert "ミニ研修" in smtp_server.messages[0]["Subject"]
    assert Reminder.objects.filter(campaign=campaign, kind=ReminderKind.LAUNCH).count() == 1


def test_each_step_is_sent_once_and_completed_people_are_left_alone(
    org, people, smtp_server, django_capture_on_commit_callbacks
) -> None:
    today = timezone.localdate()
    campaign = make_campaign(starts_on=today, due_on=today + dt.timedelta(days=10))
    first, _second = launched(campaign, [u.staff for u in people])
    Reminder.objects.create(campaign=campaign, kind=ReminderKind.LAUNCH, sent_on=today)
    due = campaign.due_on

    # Nothing between the start and N (3) days before; before 9:00 the job is not due.
    assert tick(due - dt.timedelta(days=5), django_capture_on_commit_callbacks) == [
        (due - dt.timedelta(days=5)).isoformat()
    ]
    assert Notice.objects.count() == 0
    assert tick(due - dt.timedelta(days=3), django_capture_on_commit_callbacks, hour=8) == []
    assert tick(due - dt.timedelta(days=3), django_capture_on_commit_callbacks) != []
    assert Notice.objects.filter(subject__contains="あと 3 日").count() == 2
    assert len(smtp_server.messages) == 2
    # The same day again: the claim and the reminder row make it a no-op.
    assert tick(due - dt.timedelta(days=3), django_capture_on_commit_callbacks) == []
    assert reminders.run((due - dt.timedelta(days=2)).isoformat()) == 0  # before: already sent
    assert Notice.objects.count() == 2 and len(smtp_server.messages) == 2

    # One person completes; the due-date and overdue reminders go to the other only.
    Assignment.objects.filter(pk=first.pk).update(completed_at=timezone.now())
    tick(due, django_capture_on_commit_callbacks)
    assert list(
        Notice.objects.filter(subject__contains="今日").values_list("recipient", flat=True)
    ) == [people[1].pk]
    for week in range(1, 7):
        tick(due + dt.timedelta(days=7 * week), django_capture_on_commit_callbacks)
    overdue = Reminder.objects.filter(campaign=campaign, kind=ReminderKind.OVERDUE)
    # Weekly, up to the office's number (default 4), then it stops.
    assert sorted(overdue.values_list("week", flat=True)) == [1, 2, 3, 4]
    assert Notice.objects.filter(recipient=people[0]).count() == 1
    assert Notice.objects.filter(recipient=people[1], subject__contains="過ぎています").count() == 4
    assert len(smtp_server.to("p1@example.jp")) == 1 + 1 + 4


def test_email_can_be_turned_off(
    org, people, smtp_server, django_capture_on_commit_callbacks
) -> None:
    CampaignSettings.objects.create(pk=1, send_email=False)
    today = timezone.localdate()
    campaign = make_campaign(starts_on=today, due_on=today + dt.timedelta(days=10))
    launched(campaign, [u.staff for u in people])
    with django_capture_on_commit_callbacks(execute=True):
        reminders.run(today.isoformat())
    assert Notice.objects.count() == 2
    assert smtp_server.messages == []


def test_chat_gets_the_units_counts_without_names(
    org, people, settings, django_capture_on_commit_callbacks
) -> None:
    channel = Channel(unit=org["shimin"], name="市民課", kind="mattermost")
    channel.set_url("https://chat.example.jp/hooks/abc")
    channel.save()
    today = timezone.localdate()
    campaign = make_campaign(starts_on=today, due_on=today + dt.timedelta(days=10))
    first, _second = launched(campaign, [u.staff for u in people] + [org["staff"]["1001"]])[:2]
    Assignment.objects.filter(pk=first.pk).update(completed_at=timezone.now())
    reminders.run(today.isoformat())
    posts = Delivery.objects.filter(kind="chat", channel=channel)
    assert posts.count() == 1
    text = json.dumps(posts.get().payload, ensure_ascii=False)
    # 市民課 counts its own people (p0 and 山田): one done of two; nobody is named.
    assert "修了 1 / 2 名（未修了 1 名）" in text
    for name in ("山田", "staff 職員", "佐藤"):
        assert name not in text


def test_a_draft_or_future_campaign_sends_nothing(org, people) -> None:
    today = timezone.localdate()
    draft = make_campaign()
    Assignment.objects.create(campaign=draft, staff=people[0].staff, assigned_at=timezone.now())
    future = make_campaign(
        starts_on=today + dt.timedelta(days=3), due_on=today + dt.timedelta(days=9)
    )
    launched(future, [people[1].staff])
    assert reminders.run(today.isoformat()) == 0
    assert not Notice.objects.exists()

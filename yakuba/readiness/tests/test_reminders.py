"""Expiry reminders: 30 days before and on expiry, each once, however often the job runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yakuba.core import scheduling
from yakuba.notifications.models import Delivery, Notice
from yakuba.readiness.reminders import JOB, send_expiry_reminders
from yakuba.readiness.tests.conftest import answer_all

pytestmark = pytest.mark.django_db


def _expiring_on(staff, day: dt.date):
    submission = answer_all(staff)
    submission.valid_until = day
    submission.save()
    return submission


def test_thirty_days_before_and_on_expiry_each_once(make_user) -> None:
    today = timezone.localdate()
    soon = make_user("staff", username="soon").staff
    later = make_user("staff", username="later").staff
    gone = make_user("staff", username="gone").staff
    _expiring_on(soon, today + dt.timedelta(days=30))
    _expiring_on(later, today + dt.timedelta(days=31))
    _expiring_on(gone, today - dt.timedelta(days=1))
    assert send_expiry_reminders(today.isoformat()) == {"expiring": 1, "expired": 1}
    assert send_expiry_reminders(today.isoformat()) == {"expiring": 0, "expired": 0}
    notices = {n.recipient.username: n.subject for n in Notice.objects.select_related("recipient")}
    assert set(notices) == {"soon", "gone"}
    assert "有効期限が近づいています" in notices["soon"]
    assert "有効期限が切れました" in notices["gone"]
    # A day later "later" enters its last 30 days; nobody else is told again.
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert send_expiry_reminders(tomorrow) == {"expiring": 1, "expired": 0}
    assert Notice.objects.filter(recipient__username="later").count() == 1
    assert Notice.objects.count() == 3


def test_the_reminder_goes_by_e_mail_too_once(make_user) -> None:
    person = make_user("staff", username="mailme").staff
    person.email = "mailme@example.jp"
    person.save()
    _expiring_on(person, timezone.localdate())
    send_expiry_reminders()
    send_expiry_reminders()
    assert Delivery.objects.filter(email="mailme@example.jp").count() == 1


def test_renewing_stops_the_reminders(make_user) -> None:
    person = make_user("staff", username="renewed").staff
    _expiring_on(person, timezone.localdate() + dt.timedelta(days=5))
    answer_all(person)  # answered again: valid for another 180 days
    assert send_expiry_reminders() == {"expiring": 0, "expired": 0}


def test_the_scheduler_claims_the_day_once(make_user) -> None:
    from yakuba.core.models import JobClaim

    person = make_user("staff", username="tick").staff
    _expiring_on(person, timezone.localdate() + dt.timedelta(days=2))
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8, 30)))
    first = scheduling.tick(morning, jobs=[JOB])
    second = scheduling.tick(morning + dt.timedelta(minutes=1), jobs=[JOB])
    assert first.keys(JOB.name) == [timezone.localdate().isoformat()]
    assert second.keys(JOB.name) == []
    claim = JobClaim.objects.get(job=JOB.name)
    scheduling.run_claim(claim.pk)
    assert not scheduling.run_claim(claim.pk)  # delivered twice: nothing more to do
    assert Notice.objects.filter(recipient__username="tick").count() == 1

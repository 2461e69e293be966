"""The day-before reminder (job ``training.reminders``): sessions starting within 24 hours
are claimed once each; every registered person is reminded once, nobody waiting is."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.core import scheduling
from yakuba.notifications.models import Notice
from yakuba.training import reminders, services
from yakuba.training.models import RegistrationStatus
from yakuba.training.tests.factories import make_session, make_staff


def _person(org, n: int) -> User:
    user = User.objects.create_user(f"r{n}", password=None, role="staff")
    make_staff(f"61{n:02d}", org["shimin"], user=user)
    return user


@pytest.mark.django_db
def test_the_day_before_each_registered_person_is_reminded_once(org) -> None:
    tomorrow = make_session(capacity=1, days=0.5)
    next_week = make_session(capacity=1, days=7)
    seated, waiting = _person(org, 1), _person(org, 2)
    assert services.register(actor=seated, session=tomorrow).status == RegistrationStatus.REGISTERED
    assert services.register(actor=waiting, session=tomorrow).status == (
        RegistrationStatus.WAITLISTED
    )
    services.register(actor=_person(org, 3), session=next_week)

    due = list(reminders.due(timezone.now(), frozenset()))
    assert [d.key for d in due] == [f"{tomorrow.pk}:day_before"]  # next week's not yet
    assert list(reminders.due(timezone.now(), frozenset({due[0].key}))) == []  # claimed

    before = set(Notice.objects.values_list("pk", flat=True))
    assert reminders.send(tomorrow.pk) == 1
    reminded = Notice.objects.exclude(pk__in=before)
    assert [n.recipient_id for n in reminded] == [seated.pk]
    assert "研修会のお知らせ" in reminded.get().subject
    assert reminders.send(tomorrow.pk) == 0  # run again: nobody twice


def test_the_job_is_registered() -> None:
    assert reminders.JOB_NAME in {job.name for job in scheduling.registered()}

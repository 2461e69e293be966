"""The demo: demo-staff joins the waiting list of the full session and is promoted when
someone registered cancels; some people are overdue on a required course."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.notifications.models import Notice
from yakuba.training import selectors, services
from yakuba.training.models import Registration, TrainingSession


@pytest.mark.django_db
def test_seed_training_demo_and_the_waiting_list_story(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", stdout=StringIO())
    out = StringIO()
    call_command("seed_training_demo", "--if-empty", stdout=out)
    assert "研修 3 件" in out.getvalue()
    call_command("seed_training_demo", "--if-empty", stdout=StringIO())  # idempotent
    assert TrainingSession.objects.filter(capacity=5).count() == 1

    me = User.objects.get(username=accounts.STAFF)
    full = TrainingSession.objects.get(capacity=5)
    reg = services.register(actor=me, session=full)
    assert reg.status == "waitlisted" and selectors.waitlist_rank(reg) == 3
    hr = User.objects.get(username=accounts.HR)  # HR cancels three people's places
    for first in Registration.objects.filter(session=full, status="registered")[:3]:
        services.cancel(actor=hr, registration=first)
    assert Registration.objects.get(pk=reg.pk).status == "registered"
    assert Notice.objects.filter(recipient=me, subject__contains="繰り上がりました").count() == 1

    head = User.objects.get(username=accounts.HEAD)
    root = selectors.coverage_root(head)
    assert root is not None
    data = selectors.coverage(root)
    assert any(row.overdue for row in data["rows"])

"""The demo: the required telework course, last month's finished campaign and one running
now; demo-staff has an open assignment and a valid pass of the required course."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.campaigns.hooks import judge_required_course
from yakuba.campaigns.models import Campaign, Course
from yakuba.campaigns.selectors import my_assignments, progress_by_unit
from yakuba.demo import accounts
from yakuba.org.models import Staff


@pytest.mark.django_db
def test_seed_campaigns_demo(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", stdout=StringIO())
    out = StringIO()
    call_command("seed_campaigns_demo", "--if-empty", stdout=out)
    assert "在宅勤務を始める前の情報セキュリティ研修" in out.getvalue()
    course = Course.objects.get(required_for_telework=True)
    assert course.items.filter(question__isnull=False).count() >= 5

    me = User.objects.get(username=accounts.STAFF)
    today = timezone.localdate()
    open_ = [a for a in my_assignments(me) if a.completed_at is None]
    assert len(open_) == 1 and open_[0].due_on is not None and open_[0].due_on > today
    assert judge_required_course([me.staff.pk])[me.staff.pk].met

    infosec = User.objects.get(username=accounts.INFOSEC)
    finished, running = Campaign.objects.order_by("starts_on")
    done = progress_by_unit(infosec, finished, today).total
    assert done.assigned == Staff.objects.filter(active=True).count()
    assert 0.85 < done.completed / done.assigned < 1
    assert done.overdue == done.assigned - done.completed
    now = progress_by_unit(infosec, running, today).total
    assert now.completed and now.in_progress and now.not_started and not now.overdue
    head = User.objects.get(username=accounts.HEAD)
    assert 0 < progress_by_unit(head, running, today).total.assigned < now.assigned

    call_command("seed_campaigns_demo", "--if-empty", stdout=out)
    assert Campaign.objects.count() == 2

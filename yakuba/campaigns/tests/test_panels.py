"""My assignments on the home page (only when due within a week or overdue) and in
「わたしのセキュリティ」, with the required course for telework."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yakuba.campaigns.models import Assignment
from yakuba.campaigns.tests.factories import launched, make_campaign, make_course

pytestmark = pytest.mark.django_db


def test_home_panel_only_when_due_soon_or_overdue(me) -> None:
    user, client = me
    today = timezone.localdate()
    later = make_campaign(title="まだ先の研修", due_on=today + dt.timedelta(days=20))
    launched(later, [user.staff])
    home = client.get(reverse("core:home")).content.decode()
    assert "セキュリティ研修" not in home
    soon = make_campaign(title="もうすぐの研修", due_on=today + dt.timedelta(days=3))
    late = make_campaign(
        title="遅れた研修",
        starts_on=today - dt.timedelta(days=9),
        due_on=today - dt.timedelta(days=2),
    )
    launched(soon, [user.staff])
    (done,) = launched(late, [user.staff])
    home = client.get(reverse("core:home")).content.decode()
    assert "もうすぐの研修" in home and "あと 3 日" in home
    assert "遅れた研修" in home and "期限を 2 日過ぎています" in home
    assert "まだ先の研修" not in home
    Assignment.objects.filter(pk=done.pk).update(completed_at=timezone.now())
    assert "遅れた研修" not in client.get(reverse("core:home")).content.decode()


def test_my_security_lists_open_ones_and_the_required_course(me) -> None:
    user, client = me
    course = make_course(title="在宅勤務の必須研修")
    launched(make_campaign(title="今の研修"), [user.staff])
    future = make_campaign(
        title="来週からの研修", starts_on=timezone.localdate() + dt.timedelta(days=7)
    )
    launched(future, [user.staff])
    page = client.get(reverse("security:home")).content.decode()
    assert "今の研修" in page
    assert "来週からの研修" not in page
    assert "「在宅勤務の必須研修」をまだ修了していません" in page
    assert reverse("campaigns:course_take", args=[course.pk]) in page


def test_someone_elses_assignments_are_not_shown(me, org) -> None:
    _user, client = me
    launched(make_campaign(title="山田さんの研修"), [org["staff"]["1001"]])
    assert "山田さんの研修" not in client.get(reverse("security:home")).content.decode()
    assert "山田さんの研修" not in client.get(reverse("campaigns:mine")).content.decode()


def test_panel_and_section_read_in_constant_queries(me) -> None:
    user, client = me
    today = timezone.localdate()
    launched(make_campaign(due_on=today + dt.timedelta(days=2)), [user.staff])
    url = reverse("security:home")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        launched(make_campaign(title=f"追加{n}", due_on=today + dt.timedelta(days=2)), [user.staff])
    with CaptureQueriesContext(connection) as six:
        page = client.get(url).content.decode()
    assert "追加4" in page
    assert len(six) == len(one)

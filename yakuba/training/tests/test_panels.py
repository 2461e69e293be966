"""The training panel of the home page: my upcoming sessions (the waiting-list rank shown)
and the required courses I am overdue on, read in a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from conftest import verified_client
from yakuba.training.models import Registration, RegistrationStatus, Requirement, SessionStatus
from yakuba.training.panels import training_panel
from yakuba.training.tests.factories import attended, make_course, make_session, make_staff

pytestmark = pytest.mark.django_db
R = RegistrationStatus


def _reg(session, staff, status=R.REGISTERED, position=None) -> Registration:
    return Registration.objects.create(
        session=session,
        staff=staff,
        status=status,
        waitlist_position=position,
        registered_at=timezone.now(),
    )


def _panel(client, user) -> str:
    with translation.override("ja"):
        verified_client(client, user)
        html = client.get(reverse("core:home")).content.decode()
    marker = 'aria-labelledby="panel-training-heading"'
    if marker not in html:
        return ""
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


def test_my_sessions_with_my_place_in_the_queue_and_overdue_courses(client, make_user, org):
    me = make_user("staff")
    web = make_course("Web会議の使い方")
    telework = make_course("テレワークの始め方")
    security = make_course("情報セキュリティ研修")
    mine = make_session(web, days=2)
    _reg(mine, me.staff)
    full = make_session(telework, capacity=1, days=5)
    _reg(full, org["staff"]["1001"])
    _reg(full, org["staff"]["1002"], R.WAITLISTED, position=1)
    _reg(full, me.staff, R.WAITLISTED, position=3)
    dropped = make_session(security, days=3)
    _reg(dropped, me.staff, R.CANCELLED)
    stopped = make_session(make_course("Excel 入門"), days=4, status=SessionStatus.CANCELLED)
    _reg(stopped, me.staff)
    past = make_session(web, days=-10)
    _reg(past, me.staff)
    Requirement.objects.create(
        course=security, due_date=timezone.localdate() - dt.timedelta(days=3)
    )
    Requirement.objects.create(course=web, due_date=timezone.localdate() - dt.timedelta(days=3))
    attended(make_session(web, days=-20), me.staff)  # web is done: not overdue

    panel = _panel(client, me)
    assert "期限を過ぎた必修研修" in panel
    assert "情報セキュリティ研修" in panel and "期限超過" in panel
    assert panel.count("Web会議の使い方") == 1  # the upcoming session, not a requirement
    assert reverse("training:session_detail", args=[mine.pk]) in panel
    assert reverse("training:session_detail", args=[full.pk]) in panel
    assert "キャンセル待ち 2 番目" in panel
    assert panel.index("Web会議の使い方") < panel.index("テレワークの始め方")  # by date
    assert "Excel 入門" not in panel  # a cancelled session
    assert reverse("training:session_detail", args=[past.pk]) not in panel
    assert reverse("training:mine") in panel


def test_nothing_to_say_shows_no_panel(client, make_user, org):
    me = make_user("staff")
    make_session(days=2)  # exists, but I am not registered
    Requirement.objects.create(
        course=make_course("情報セキュリティ研修"),
        due_date=timezone.localdate() + dt.timedelta(days=10),  # not overdue yet
    )
    assert _panel(client, me) == ""
    account_only = make_user("auditor")
    account_only.staff.delete()
    account_only.refresh_from_db()
    assert _panel(client, account_only) == ""


def _queries(user) -> int:
    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as qs:
        context = training_panel(request)
        assert context is not None
        render_to_string("training/panels/mine.html", {"p": context, "request": request})
    return len(qs)


def test_constant_queries_whatever_the_number_of_sessions_and_requirements(make_user, org):
    me = make_user("staff")
    course = make_course()
    first = make_session(course, capacity=1)
    _reg(first, me.staff)
    Requirement.objects.create(course=course, due_date=timezone.localdate() - dt.timedelta(1))
    small = _queries(type(me).objects.get(pk=me.pk))

    for i in range(12):
        c = make_course(f"研修 {i}")
        s = make_session(c, capacity=1, days=1 + i)
        other = make_staff(f"70{i:02d}", org["shimin"])
        _reg(s, other)
        _reg(s, make_staff(f"71{i:02d}", org["shimin"]), R.WAITLISTED, position=1)
        _reg(s, me.staff, R.WAITLISTED, position=2 + i)
        Requirement.objects.create(course=c, due_date=timezone.localdate() - dt.timedelta(2))
        attended(make_session(c, days=-30), other)
    large = _queries(type(me).objects.get(pk=me.pk))
    assert large == small, (small, large)
    assert small <= 6

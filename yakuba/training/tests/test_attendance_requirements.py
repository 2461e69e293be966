"""Attendance from the online meeting's presence (≥ 75 % of the meeting counts), by hand;
required courses, due and overdue; each person's record; coverage scoped to the unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.meetings.models import AttendanceSource, PresenceInterval
from yakuba.meetings.tests.factories import make_meeting
from yakuba.org.models import StaffChange, StaffChangeKind
from yakuba.training import selectors, services
from yakuba.training.models import Registration, RegistrationStatus, Requirement
from yakuba.training.tests.factories import attended, make_course, make_session, make_staff

R = RegistrationStatus


def _reg(session, staff, status=R.REGISTERED) -> Registration:
    return Registration.objects.create(
        session=session, staff=staff, status=status, registered_at=timezone.now()
    )


@pytest.mark.django_db
def test_attendance_from_meeting_counts_people_present_for_three_quarters(org, make_user) -> None:
    hr = make_user("hr")
    start = timezone.now() - dt.timedelta(hours=3)
    meeting = make_meeting(org, hr, start=start, end=start + dt.timedelta(hours=1))
    session = make_session(
        starts_at=start, ends_at=start + dt.timedelta(hours=1), meeting=meeting, place=""
    )
    yamada, sato, suzuki = (org["staff"][n] for n in ("1001", "1002", "2001"))
    late_but_there = make_staff("3001", org["shimin"])
    regs = {s.pk: _reg(session, s) for s in (yamada, sato, suzuki, late_but_there)}

    def present(staff, a: int, b: int) -> None:
        PresenceInterval.objects.create(
            meeting=meeting,
            staff=staff,
            join=start + dt.timedelta(minutes=a),
            leave=start + dt.timedelta(minutes=b),
            source=AttendanceSource.ZOOM,
        )

    present(yamada, 0, 60)  # the whole time
    present(sato, 0, 25)  # left early: 25 min + 20 min = 45/60 = 75 % → attended
    present(sato, 40, 60)
    present(suzuki, 0, 30)  # half: absent
    present(late_but_there, 10, 60)  # 50/60 → attended
    counts = services.attendance_from_meeting(actor=hr, session=session)
    assert counts == {"attended": 3, "absent": 1}
    status = {pk: Registration.objects.get(pk=r.pk).status for pk, r in regs.items()}
    assert status[yamada.pk] == status[sato.pk] == status[late_but_there.pk] == R.ATTENDED
    assert status[suzuki.pk] == R.ABSENT
    # Marked by hand afterwards: kept when the meeting data is read again.
    services.mark_attendance(actor=hr, session=session, marks={regs[suzuki.pk].pk: R.ATTENDED})
    services.attendance_from_meeting(actor=hr, session=session)
    assert Registration.objects.get(pk=regs[suzuki.pk].pk).status == R.ATTENDED
    assert AuditEntry.objects.filter(object_type="training.trainingsession").count() == 3


@pytest.mark.django_db
def test_attendance_refused_before_the_start_and_to_others(org, make_user) -> None:
    hr, staff = make_user("hr"), make_user("staff")
    session = make_session()
    reg = _reg(session, org["staff"]["1001"])
    with pytest.raises(ValidationError, match="開始前"):
        services.mark_attendance(actor=hr, session=session, marks={reg.pk: R.ATTENDED})
    past = make_session(days=-1, instructor=staff.staff)
    reg = _reg(past, org["staff"]["1001"])
    # The instructor marks their own session; a member of staff cannot mark another one.
    services.mark_attendance(actor=staff, session=past, marks={reg.pk: R.ATTENDED})
    other = make_session(days=-1)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.mark_attendance(actor=staff, session=other, marks={})


@pytest.mark.django_db
def test_required_courses_due_overdue_and_done(org, make_user) -> None:
    today = timezone.localdate()
    sec = make_course("情報セキュリティ研修")
    tele = make_course("テレワークの始め方")
    web = make_course("Web会議の使い方")
    Requirement.objects.create(course=sec, due_date=today - dt.timedelta(days=10))  # everyone
    Requirement.objects.create(course=tele, employment_type="fiscal_year", due_within_days=30)
    Requirement.objects.create(course=web, new_hires_within_days=90, due_within_days=14)
    yamada, sato = org["staff"]["1001"], org["staff"]["1002"]
    sato.employment_type = "fiscal_year"
    sato.save()
    StaffChange.objects.create(
        staff=yamada,
        kind=StaffChangeKind.JOIN,
        effective_date=today - dt.timedelta(days=20),
        applied_at=timezone.now(),
    )
    attended(make_session(sec, days=-3), sato)
    needs = selectors.needs_of(selectors.people([yamada, sato]))
    y = {n.requirement.course.title: n.state for n in needs[yamada.pk]}
    s = {n.requirement.course.title: n.state for n in needs[sato.pk]}
    # 山田: everyone's course overdue; a new hire 20 days ago with 14 days → overdue too.
    assert y == {"情報セキュリティ研修": "overdue", "Web会議の使い方": "overdue"}
    # 佐藤 (fiscal-year): attended the security course; telework due in 30 days.
    assert s == {"情報セキュリティ研修": "done", "テレワークの始め方": "due"}


@pytest.mark.django_db
def test_my_record_page_shows_attended_and_overdue(org, make_user, client) -> None:
    user = make_user("staff")
    sec = make_course("情報セキュリティ研修")
    Requirement.objects.create(course=sec, due_date=timezone.localdate() - dt.timedelta(days=1))
    attended(make_session(make_course("Web会議の使い方"), days=-5), user.staff)
    page = verified_client(client, user).get(reverse("training:mine")).content.decode()
    assert "Web会議の使い方" in page and "期限超過" in page and "回答する" in page


@pytest.mark.django_db
def test_coverage_scoped_to_own_units_and_exported(org, make_user, client_factory) -> None:
    sec = make_course("情報セキュリティ研修")
    Requirement.objects.create(course=sec, due_date=timezone.localdate() - dt.timedelta(days=1))
    attended(make_session(sec, days=-2), org["staff"]["1002"])
    head = verified_client(client_factory(), make_user("unit_head"))  # 市民課
    page = head.get(reverse("training:coverage", args=[org["shimin"].pk])).content.decode()
    assert "山田 太郎" in page and "佐藤 花子" in page and "鈴木 一郎" not in page
    assert head.get(reverse("training:coverage", args=[org["zeimu"].pk])).status_code == 404
    assert head.get(reverse("training:coverage_home")).url.endswith(f"/{org['shimin'].pk}/")
    hr = verified_client(client_factory(), make_user("hr", username="hr2"))
    assert hr.get(reverse("training:coverage", args=[org["zeimu"].pk])).status_code == 200
    response = head.get(reverse("training:coverage_export", args=[org["shimin"].pk]))
    import io

    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    states = {r[1]: r[5] for r in rows[1:] if r[3] == "情報セキュリティ研修"}
    assert states["山田 太郎"] == "期限超過" and states["佐藤 花子"] == "受講済み"
    assert AuditEntry.objects.filter(action="export", object_type="training.coverage").count() == 1
    staff = verified_client(client_factory(), make_user("staff"))
    assert staff.get(reverse("training:coverage", args=[org["shimin"].pk])).status_code == 403


@pytest.mark.django_db
def test_register_and_cancel_through_the_page_with_htmx(org, make_user, client_factory) -> None:
    session = make_session(capacity=1)
    a = verified_client(client_factory(), make_user("staff", username="a"))
    b = verified_client(client_factory(), make_user("unit_head", username="b"))
    url = reverse("training:session_register", args=[session.pk])
    page = a.post(url, headers={"HX-Request": "true"}).content.decode()
    assert "申込済みです" in page
    page = b.post(url, headers={"HX-Request": "true"}).content.decode()
    assert "キャンセル待ち 1 番目" in page
    a.post(reverse("training:session_cancel", args=[session.pk]), headers={"HX-Request": "true"})
    page = b.get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert "キャンセル待ちから繰り上がりました" in page


@pytest.mark.django_db
def test_feedback_once_after_attending(org, make_user, client) -> None:
    user = make_user("staff")
    reg = attended(make_session(days=-1), user.staff)
    c = verified_client(client, user)
    url = reverse("training:feedback", args=[reg.pk])
    assert "満足度を選んでください" in c.post(url, {"comment": "x"}).content.decode()
    assert c.post(url, {"rating": "5", "comment": "分かりやすかった"}).status_code == 302
    assert reg.__class__.objects.get(pk=reg.pk).feedback.rating == 5
    assert c.post(url, {"rating": "1"}).status_code == 302  # already answered: unchanged
    assert reg.__class__.objects.get(pk=reg.pk).feedback.rating == 5

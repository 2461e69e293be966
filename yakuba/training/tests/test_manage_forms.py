"""The management forms (courses, sessions, required courses): bad input is answered with a
clear Japanese message and nothing is written; who may and who may not.

Lowering a session's capacity below the people already registered is *refused* (nobody is
moved to the waiting list behind their back); raising it promotes the first waiting."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.training.forms import MAX_MATERIAL_BYTES
from yakuba.training.models import (
    Registration,
    RegistrationStatus,
    Requirement,
    TrainingCourse,
    TrainingSession,
)
from yakuba.training.tests.factories import make_course, make_session, make_staff

pytestmark = pytest.mark.django_db
R = RegistrationStatus
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _local(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def _session_post(course: TrainingCourse, **over) -> dict:
    start = timezone.now() + dt.timedelta(days=5)
    data = {
        "course": course.pk,
        "starts_at": _local(start),
        "ends_at": _local(start + dt.timedelta(hours=1)),
        "place": "本庁舎 3階 研修室",
        "meeting": "",
        "capacity": "10",
        "instructor": "",
    }
    data.update(over)
    return data


def _stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "training" / "materials"
    return set(os.listdir(root)) if root.exists() else set()


@pytest.fixture
def hr(make_user, client_factory):
    return verified_client(client_factory(), make_user("hr"))


# --- sessions --------------------------------------------------------------------------


def test_end_before_start_and_no_place_are_refused_with_nothing_written(hr) -> None:
    course = make_course()
    start = timezone.now() + dt.timedelta(days=5)
    audit = AuditEntry.objects.count()
    page = hr.post(
        reverse("training:session_create"),
        _session_post(
            course, ends_at=_local(start - dt.timedelta(hours=1)), starts_at=_local(start)
        ),
    )
    assert page.status_code == 200
    assert "終了は開始より後にしてください。" in page.content.decode()
    page = hr.post(reverse("training:session_create"), _session_post(course, place=""))
    assert "会場かオンライン会議のどちらかを指定してください。" in page.content.decode()
    page = hr.post(reverse("training:session_create"), _session_post(course, capacity="0"))
    assert "1 以上" in page.content.decode() or "1以上" in page.content.decode()
    page = hr.post(reverse("training:session_create"), _session_post(course, starts_at="明日"))
    assert "日時を正しく入力してください。" in page.content.decode()
    assert not TrainingSession.objects.exists()
    assert AuditEntry.objects.count() == audit

    page = hr.post(reverse("training:session_create"), _session_post(course))
    session = TrainingSession.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse(
        "training:session_detail", args=[session.pk]
    )
    assert session.capacity == 10 and session.place == "本庁舎 3階 研修室"


def test_capacity_below_the_registered_is_refused_raising_it_promotes(hr, org) -> None:
    session = make_session(capacity=3)
    people = [make_staff(f"80{i:02d}", org["shimin"]) for i in range(5)]
    for n, person in enumerate(people):
        Registration.objects.create(
            session=session,
            staff=person,
            status=R.REGISTERED if n < 3 else R.WAITLISTED,
            waitlist_position=None if n < 3 else n - 2,
            registered_at=timezone.now() - dt.timedelta(hours=10 - n),
        )
    url = reverse("training:session_edit", args=[session.pk])
    audit = AuditEntry.objects.count()
    page = hr.post(
        url,
        _session_post(
            session.course,
            capacity="2",
            starts_at=_local(session.starts_at),
            ends_at=_local(session.ends_at),
        ),
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "すでに 3 人が申し込んでいるため、定員を 3 人より少なくはできません。" in body
    session.refresh_from_db()
    assert session.capacity == 3
    assert Registration.objects.filter(session=session, status=R.REGISTERED).count() == 3
    assert AuditEntry.objects.count() == audit

    page = hr.post(
        url,
        _session_post(
            session.course,
            capacity="4",
            starts_at=_local(session.starts_at),
            ends_at=_local(session.ends_at),
        ),
    )
    assert page.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 4
    first_waiting = Registration.objects.get(session=session, staff=people[3])
    assert first_waiting.status == R.REGISTERED and first_waiting.promoted_at is not None
    assert Registration.objects.get(session=session, staff=people[4]).status == R.WAITLISTED


# --- courses and their materials ---------------------------------------------------------


def _course_post(upload=None, **over) -> dict:
    data = {"title": "Web会議の使い方", "description": "", "duration_minutes": "60", "active": "on"}
    data.update(over)
    if upload is not None:
        data["materials"] = upload
    return data


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "setup.exe",
            b"MZ\x90\x00" + b"\x00" * 64,
            "資料は PDF・PowerPoint・Word・Excel・テキストのファイルにしてください。",
        ),
        ("手順.pdf", b"MZ\x90\x00" + b"\x00" * 64, "ファイルの中身が拡張子（PDF）と合いません。"),
        ("手順.docx", b"%PDF-1.4 not a zip", "ファイルの中身が拡張子（DOCX）と合いません。"),
        ("メモ.txt", b"\x00\x01\x02binary", "ファイルの中身が拡張子（TXT）と合いません。"),
        ("大きい.pdf", b"%PDF-" + b"0" * MAX_MATERIAL_BYTES, "資料は20MBまでです。"),
    ],
)
def test_materials_of_a_wrong_type_or_too_big_are_refused(hr, name, content, message) -> None:
    before = _stored_files()
    page = hr.post(
        reverse("training:course_create"), _course_post(SimpleUploadedFile(name, content))
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not TrainingCourse.objects.exists()
    assert _stored_files() == before


def test_materials_stored_and_served_to_signed_in_staff_only(hr, make_user, client_factory) -> None:
    page = hr.post(
        reverse("training:course_create"),
        _course_post(SimpleUploadedFile("Zoomの手順.pdf", PDF), title="Web会議の使い方"),
    )
    assert page.status_code == 302
    course = TrainingCourse.objects.get()
    assert course.materials_name == "Zoomの手順.pdf"
    assert "Zoom" not in str(course.materials.name)  # a random name in the private storage
    sjis = "研修の連絡事項です。".encode("cp932")
    page = hr.post(
        reverse("training:course_edit", args=[course.pk]),
        _course_post(SimpleUploadedFile("連絡.txt", sjis)),
    )
    assert page.status_code == 302
    course.refresh_from_db()
    assert course.materials_name == "連絡.txt"

    staff = verified_client(client_factory(), make_user("staff"))
    got = staff.get(reverse("training:material", args=[course.pk]))
    assert got.status_code == 200
    assert b"".join(got.streaming_content if got.streaming else [got.content]) == sjis
    anonymous = client_factory().get(reverse("training:material", args=[course.pk]))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_empty_title_and_out_of_range_duration(hr) -> None:
    page = hr.post(reverse("training:course_create"), _course_post(title="", duration_minutes="0"))
    body = page.content.decode()
    assert "このフィールドは必須です。" in body
    assert "5 以上" in body or "5以上" in body
    assert not TrainingCourse.objects.exists()


# --- required courses --------------------------------------------------------------------


def test_requirement_with_both_a_date_and_days_is_refused(hr) -> None:
    course = make_course()
    audit = AuditEntry.objects.count()
    page = hr.post(
        reverse("training:requirements"),
        {"course": course.pk, "due_date": "2027-03-31", "due_within_days": "30"},
    )
    assert "期限は日付か日数のどちらか一方を指定してください。" in page.content.decode()
    page = hr.post(reverse("training:requirements"), {"course": "999999", "due_within_days": "30"})
    assert "正しく選択してください" in page.content.decode()
    assert not Requirement.objects.exists()
    assert AuditEntry.objects.count() == audit
    page = hr.post(
        reverse("training:requirements"),
        {"course": course.pk, "role": "staff", "due_within_days": "30"},
    )
    assert page.status_code == 302
    req = Requirement.objects.get()
    assert (req.role, req.due_within_days) == ("staff", 30)
    assert AuditEntry.objects.filter(object_type__endswith="requirement").count() == 1


# --- who may and who may not ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "unit_head", "auditor", "planning"])
def test_others_may_not_write_courses_sessions_or_requirements(
    role, make_user, client_factory
) -> None:
    client = verified_client(client_factory(), make_user(role))
    course = make_course()
    session = make_session(course, capacity=3)
    posts = [
        (reverse("training:course_create"), _course_post(title="勝手な研修")),
        (reverse("training:course_edit", args=[course.pk]), _course_post(title="書き換え")),
        (reverse("training:session_create"), _session_post(course)),
        (
            reverse("training:session_edit", args=[session.pk]),
            _session_post(course, capacity="99"),
        ),
        (reverse("training:session_stop", args=[session.pk]), {}),
        (reverse("training:requirements"), {"course": course.pk, "due_within_days": "1"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    course.refresh_from_db()
    session.refresh_from_db()
    assert course.title == "Web会議の使い方"
    assert (session.capacity, session.status) == (3, "scheduled")
    assert TrainingCourse.objects.count() == 1 and TrainingSession.objects.count() == 1
    assert not Requirement.objects.exists()


def test_the_information_division_may_manage_an_instructor_only_their_attendance(
    make_user, client_factory
) -> None:
    infosec = verified_client(client_factory(), make_user("infosec"))
    course = make_course()
    assert (
        infosec.post(reverse("training:session_create"), _session_post(course)).status_code == 302
    )
    session = TrainingSession.objects.get()

    teacher = make_user("staff", username="teacher", unit_key="zeimu")
    session.instructor = teacher.staff
    session.save()
    client = verified_client(client_factory(), teacher)
    assert client.get(reverse("training:attendance", args=[session.pk])).status_code == 200
    other = make_session(course)
    assert client.get(reverse("training:attendance", args=[other.pk])).status_code == 404
    edit = client.post(
        reverse("training:session_edit", args=[session.pk]), _session_post(course, capacity="1")
    )
    assert edit.status_code == 403
    session.refresh_from_db()
    assert session.capacity == 10


def test_an_organiser_cancels_a_registration_and_the_first_waiting_moves_up(
    hr, make_user, client_factory, org
) -> None:
    session = make_session(capacity=1)
    seated, waiting = org["staff"]["1001"], org["staff"]["1002"]
    reg = Registration.objects.create(
        session=session, staff=seated, status=R.REGISTERED, registered_at=timezone.now()
    )
    Registration.objects.create(
        session=session,
        staff=waiting,
        status=R.WAITLISTED,
        waitlist_position=1,
        registered_at=timezone.now(),
    )
    url = reverse("training:registration_cancel", args=[reg.pk])
    staff = verified_client(client_factory(), make_user("staff"))
    assert staff.post(url).status_code == 404
    assert hr.get(url).status_code == 405
    reg.refresh_from_db()
    assert reg.status == R.REGISTERED

    roster = hr.get(reverse("training:attendance", args=[session.pk])).content.decode()
    assert "キャンセル待ち 1 番目" in roster and url in roster
    page = hr.post(url, follow=True)
    assert f"{seated.name} さんの申し込みを取り消しました。" in page.content.decode()
    reg.refresh_from_db()
    assert reg.status == R.CANCELLED
    moved = Registration.objects.get(session=session, staff=waiting)
    assert moved.status == R.REGISTERED and moved.promoted_at is not None

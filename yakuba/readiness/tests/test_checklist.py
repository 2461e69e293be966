"""The home checklist: every item confirmed → valid for the office's period; "まだ" →
incomplete with what to do; bad input writes nothing; expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.readiness import selectors
from yakuba.readiness.models import ChecklistItem, ChecklistSubmission, ReadinessSettings
from yakuba.readiness.status import Status, standing
from yakuba.readiness.tests.conftest import answer_all, form_data

pytestmark = pytest.mark.django_db


def test_the_shipped_checklist_is_in_japanese_and_covers_the_home_and_the_terminal() -> None:
    texts = " ".join(ChecklistItem.objects.filter(active=True).values_list("text", flat=True))
    for topic in (
        "ルーター",
        "初期パスワード",
        "WPA2",
        "更新",
        "画面ロック",
        "他の人",
        "見えない",
        "印刷",
    ):
        assert topic in texts, topic


def test_confirming_every_item_makes_it_valid_for_the_office_period(client, make_user) -> None:
    user = make_user("staff")
    page = verified_client(client, user)
    form = page.get(reverse("readiness:checklist")).content.decode()
    assert "ルーター" in form and "できている" in form and "まだ" in form
    response = page.post(reverse("readiness:checklist"), form_data(), follow=True)
    submission = ChecklistSubmission.objects.get(staff=user.staff)
    today = timezone.localdate()
    assert submission.complete and submission.valid_until == today + dt.timedelta(days=179)
    assert f"{submission.valid_until.isoformat()} まで有効" in response.content.decode()
    assert AuditEntry.objects.filter(
        action="create", object_type="readiness.checklistsubmission", object_id=str(submission.pk)
    ).exists()


def test_a_missing_answer_writes_nothing_and_names_the_item(client, make_user) -> None:
    user = make_user("staff")
    first = ChecklistItem.objects.filter(active=True).first()
    assert first is not None
    response = verified_client(client, user).post(reverse("readiness:checklist"), form_data(skip=1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "答えていない項目があります" in html and first.text in html
    assert not ChecklistSubmission.objects.exists()


def test_an_unknown_answer_is_refused(client, make_user) -> None:
    user = make_user("staff")
    data = form_data()
    data[next(iter(data))] = "yes-please"
    response = verified_client(client, user).post(reverse("readiness:checklist"), data)
    assert response.status_code == 200
    assert "「できている」か「まだ」を選んでください" in response.content.decode()
    assert not ChecklistSubmission.objects.exists()


def test_not_yet_makes_it_incomplete_with_what_to_do_and_replaces_a_valid_one(
    client, make_user
) -> None:
    user = make_user("staff")
    answer_all(user.staff)
    assert selectors.my_standing(user.staff).valid
    page = verified_client(client, user)
    response = page.post(reverse("readiness:checklist"), form_data(not_yet=1), follow=True)
    html = response.content.decode()
    first = ChecklistItem.objects.filter(active=True).first()
    assert first is not None
    assert "できていない項目が 1 件あります" in html
    assert "すること" in html and first.guidance[:20] in html
    found = selectors.my_standing(user.staff)
    assert found.status == Status.INCOMPLETE and not found.valid
    assert ChecklistSubmission.objects.filter(staff=user.staff, current=True).count() == 1
    assert ChecklistSubmission.objects.filter(staff=user.staff).count() == 2


def test_validity_follows_the_office_setting_and_expires(make_user) -> None:
    office = ReadinessSettings.current()
    office.validity_days = 90
    office.save()
    user = make_user("staff")
    submission = answer_all(user.staff)
    today = timezone.localdate()
    assert submission.valid_until == today + dt.timedelta(days=89)
    assert standing(submission, today, 30).status == Status.READY
    last = submission.valid_until
    assert standing(submission, last - dt.timedelta(days=31), 30).status == Status.READY
    assert standing(submission, last - dt.timedelta(days=30), 30).status == Status.EXPIRING
    assert standing(submission, last, 30).valid
    assert standing(submission, last + dt.timedelta(days=1), 30).status == Status.EXPIRED
    assert standing(None, today, 30).status == Status.NEVER


def test_a_deactivated_item_is_no_longer_asked(make_user) -> None:
    item = ChecklistItem.objects.filter(active=True).first()
    assert item is not None
    item.active = False
    item.save()
    user = make_user("staff")
    submission = answer_all(user.staff)
    assert submission.complete
    assert item.pk not in {a["item"] for a in submission.answers}


def test_an_account_without_a_staff_record_cannot_answer(client) -> None:
    from yakuba.accounts.models import User

    user = User.objects.create_user("no-staff", password=None, role="staff")
    page = verified_client(client, user)
    assert "職員情報と結び付いていない" in page.get(reverse("readiness:checklist")).content.decode()
    assert page.post(reverse("readiness:checklist"), form_data()).status_code == 403
    assert not ChecklistSubmission.objects.exists()

"""Returning people (復職): their disabled account signs in again when the return takes
effect, but nothing that ended when they left comes back (sessions, API tokens)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from yakuba.accounts import services
from yakuba.accounts.models import ApiToken, AuthSource, User
from yakuba.audit.models import AuditEntry
from yakuba.core import scheduling
from yakuba.org.importing import apply_plan, build_plan
from yakuba.org.models import Staff
from yakuba.org.tests.test_importing import csv_bytes
from yakuba.org.tests.test_personnel import SUZUKI, left

JST = ZoneInfo("Asia/Tokyo")
PASSWORD = "returning-password-2027"


def _signs_in() -> bool:
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": "suzuki", "password": PASSWORD})
    return "_auth_user_id" in browser.session


@pytest.fixture
def left_with_token(org, make_user):
    """鈴木 had an account and an API token, and left (staff import)."""
    admin = make_user("sysadmin", username="admin")
    hr = make_user("hr")
    user = User.objects.create_user("suzuki", password=PASSWORD, role="staff")
    Staff.objects.filter(staff_number="2001").update(user=user)
    _token, raw = services.create_api_token(actor=admin, name="sync", owner=user)
    assert _signs_in()
    apply_plan(build_plan("leave.csv", csv_bytes([left(SUZUKI)])), actor=hr, source="leave")
    user.refresh_from_db()
    assert not user.is_active and not _signs_in()
    return {"user": user, "hr": hr, "token": raw}


def _api_status(raw: str) -> int:
    return Client().get("/api/v1/units", headers={"Authorization": f"Bearer {raw}"}).status_code


@pytest.mark.django_db
def test_a_return_in_an_import_reenables_the_account_but_not_its_old_token(
    left_with_token,
) -> None:
    plan = build_plan("back.csv", csv_bytes([SUZUKI]))
    assert plan.preview_summary()["people"]["returning"] == 1
    assert plan.preview_summary()["people"]["accounts_reenabled"] == 1
    result = apply_plan(plan, actor=left_with_token["hr"], source="back")
    assert result.people["accounts_reenabled"] == 1
    user = left_with_token["user"]
    user.refresh_from_db()
    assert user.is_active and _signs_in()
    # The token ended with the leave stays revoked.
    assert _api_status(left_with_token["token"]) == 401
    assert ApiToken.objects.get(owner=user).revoked_at is not None
    entry = AuditEntry.objects.filter(
        object_type="accounts.user", object_id=str(user.pk), action="update"
    ).latest("seq")
    assert entry.actor == left_with_token["hr"]
    assert entry.changes["is_active"] == [False, True]


@pytest.mark.django_db(transaction=True)
def test_a_dated_return_reenables_the_account_when_the_job_applies_it(left_with_token) -> None:
    day = dt.date(2027, 4, 1)
    with time_machine.travel(dt.datetime(2027, 3, 15, 10, tzinfo=JST), tick=False):
        plan = build_plan("back.csv", csv_bytes([SUZUKI]), effective_date=day)
        apply_plan(plan, actor=left_with_token["hr"], source="back")
    user = left_with_token["user"]
    user.refresh_from_db()
    assert not user.is_active  # not before the day
    job = scheduling.get_job("org.apply_staff_changes")
    with time_machine.travel(dt.datetime(2027, 4, 1, 0, 0, 30, tzinfo=JST), tick=False):
        scheduling.tick(jobs=[job])
    user.refresh_from_db()
    assert user.is_active
    entry = AuditEntry.objects.filter(
        object_type="accounts.user", object_id=str(user.pk), action="update"
    ).latest("seq")
    assert entry.actor_label == "org.apply_staff_changes"
    assert entry.changes["is_active"] == [False, True]


@pytest.mark.django_db
def test_only_people_back_in_service_are_reenabled_and_only_once(make_user, org) -> None:
    hr = make_user("hr")
    still_gone = make_user("staff", username="gone")
    Staff.objects.filter(user=still_gone).update(active=False)
    directory = make_user("staff", username="dir-person")
    User.objects.filter(pk__in=[still_gone.pk, directory.pk]).update(is_active=False)
    User.objects.filter(pk=directory.pk).update(auth_source=AuthSource.DIRECTORY)
    users = list(User.objects.filter(pk__in=[still_gone.pk, directory.pk]))
    assert services.reenable_returning(actor=hr, users=users, reason="test") == 1
    still_gone.refresh_from_db()
    directory.refresh_from_db()
    assert not still_gone.is_active  # not in service: untouched
    assert directory.is_active  # the directory still decides at sign-in
    assert services.reenable_returning(actor=hr, users=users, reason="test") == 0

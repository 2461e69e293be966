"""Directory sync against the real test directory: joiners, link problems, leavers."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from yakuba.accounts.models import AuthSource, DirectoryLinkRequest, User
from yakuba.accounts.tests.ldap_server import USER_PASSWORD, USERS_DN, free_port
from yakuba.audit.models import AuditEntry
from yakuba.core import scheduling

JST = ZoneInfo("Asia/Tokyo")


def sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_directory", *args, stdout=out)
    return out.getvalue()


def test_the_preview_lists_joiners_and_problems_and_writes_nothing(directory) -> None:
    output = sync()
    assert "+ yamada -> staff 1001" in output
    assert "+ sato -> staff 1002" in output  # by e-mail
    assert "+ suzuki -> staff 2001" in output
    assert "? twin1: staff_number_duplicate" in output
    assert "? newbie: no_staff" in output
    assert "leaver" not in output  # disabled in the directory: no account
    assert "preview only" in output
    assert not User.objects.filter(auth_source=AuthSource.DIRECTORY).exists()
    assert not DirectoryLinkRequest.objects.exists()


def test_apply_creates_links_lists_and_disables(directory, make_user) -> None:
    gone = User.objects.create_user("gone", password=None, auth_source=AuthSource.DIRECTORY)
    browser = Client()
    browser.force_login(gone)
    local = make_user("sysadmin", username="breakglass")
    output = sync("--apply")
    assert "3 created" in output and "1 disabled" in output
    yamada = User.objects.get(username="yamada")
    assert (yamada.auth_source, yamada.staff.staff_number) == (AuthSource.DIRECTORY, "1001")
    assert set(DirectoryLinkRequest.objects.values_list("username", "problem")) == {
        ("twin1", "staff_number_duplicate"),
        ("twin2", "staff_number_duplicate"),
        ("newbie", "no_staff"),
    }
    gone.refresh_from_db()
    assert not gone.is_active
    assert browser.get(reverse("accounts:profile")).status_code == 302
    # Local accounts are not the directory's to disable.
    local.refresh_from_db()
    assert local.is_active
    # Running again changes nothing.
    again = sync("--apply")
    assert "0 created" in again and "0 disabled" in again


def test_a_person_disabled_in_ad_loses_the_session_at_the_next_sync(directory) -> None:
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": "yamada", "password": USER_PASSWORD})
    assert browser.get(reverse("accounts:profile")).status_code == 200
    dn = f"CN=yamada,{USERS_DN}"
    directory.set_attribute(dn, "userAccountControl", "514")
    try:
        assert "- yamada (staff 1001)" in sync("--apply")
    finally:
        directory.set_attribute(dn, "userAccountControl", "512")
    assert browser.get(reverse("accounts:profile")).status_code == 302
    assert not User.objects.get(username="yamada").is_active
    assert AuditEntry.objects.filter(
        action="update", object_repr="yamada", changes__sessions_ended=1
    ).exists()


def test_too_many_leavers_write_nothing(directory) -> None:
    for name in ("gone1", "gone2"):
        User.objects.create_user(name, password=None, auth_source=AuthSource.DIRECTORY)
    with pytest.raises(CommandError, match="2 accounts would be disabled"):
        sync("--apply", "--max-disable", "1")
    assert User.objects.filter(is_active=False).count() == 0
    assert not User.objects.filter(username="yamada").exists()
    assert "2 disabled" in sync("--apply", "--max-disable", "2")


def test_an_unreachable_directory_disables_nobody(directory, settings) -> None:
    User.objects.create_user("gone", password=None, auth_source=AuthSource.DIRECTORY)
    settings.LDAP_SERVER_URI = f"ldap://127.0.0.1:{free_port()}"
    with pytest.raises(CommandError, match="directory unavailable"):
        sync("--apply")
    assert User.objects.get(username="gone").is_active


def test_a_search_base_that_finds_nobody_disables_nobody(directory, settings) -> None:
    User.objects.create_user("gone", password=None, auth_source=AuthSource.DIRECTORY)
    settings.LDAP_SEARCH_BASE = f"OU=Groups,{USERS_DN.split(',', 1)[1]}"
    with pytest.raises(CommandError, match="returned nobody"):
        sync("--apply")
    assert User.objects.get(username="gone").is_active


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_runs_the_sync_daily_from_the_sync_hour(ldap_server, settings, org) -> None:
    for name, value in ldap_server.settings().items():
        setattr(settings, name, value)
    settings.LDAP_SYNC_HOUR = 5
    job = scheduling.get_job("accounts.directory_sync")
    with time_machine.travel(dt.datetime(2027, 4, 1, 4, 59, tzinfo=JST), tick=False):
        assert scheduling.tick(jobs=[job]).claimed == []
    with time_machine.travel(dt.datetime(2027, 4, 1, 5, 0, tzinfo=JST), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2027-04-01"]
    with time_machine.travel(dt.datetime(2027, 4, 1, 17, 0, tzinfo=JST), tick=False):
        assert scheduling.tick(jobs=[job]).claimed == []
    assert User.objects.get(username="yamada").staff.staff_number == "1001"
    created = AuditEntry.objects.get(action="create", object_repr="yamada")
    assert created.actor is None


def test_the_scheduler_leaves_a_large_disable_to_a_person(directory, settings) -> None:
    from yakuba.accounts.jobs import run_sync

    settings.LDAP_SYNC_MAX_DISABLE = 0
    User.objects.create_user("gone", password=None, auth_source=AuthSource.DIRECTORY)
    assert run_sync("2027-04-01").startswith("refused")
    assert User.objects.get(username="gone").is_active
    assert AuditEntry.objects.filter(object_type="accounts.directory_sync").exists()


def test_no_sync_without_a_sync_hour_or_a_directory(settings) -> None:
    job = scheduling.get_job("accounts.directory_sync")
    now = dt.datetime(2027, 4, 1, 12, 0, tzinfo=JST)
    settings.LDAP_SERVER_URI = "ldaps://dc1"
    settings.LDAP_SYNC_HOUR = None
    assert list(job.due(now, set())) == []
    settings.LDAP_SYNC_HOUR = 5
    settings.LDAP_SERVER_URI = ""
    assert list(job.due(now, set())) == []

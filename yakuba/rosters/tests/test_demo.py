"""The roster demo is relative to the day it runs: this month published, next month a draft.

The clock is pinned with time-machine (Tokyo dates near the end of a month and of a
year); the loader solves with the real planner, time-limited.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from conftest import verified_client
from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.rosters.demo import month_of, next_month
from yakuba.rosters.models import Assignment, RosterPeriod, VersionStatus

TOKYO = ZoneInfo("Asia/Tokyo")
# The smallest demo city whose counters can all be covered (cover rules are hard).
STAFF = "150"


@pytest.fixture
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_rosters() -> str:
    out = StringIO()
    with translation.override("ja"):
        call_command("seed_rosters_demo", "--if-empty", "--time-limit", "2", stdout=out)
    return out.getvalue()


def week_on_home_page(username: str, lang: str = "ja") -> list[str]:
    """The seven entries of 「今週の勤務予定」 as the person sees them."""
    client = verified_client(Client(), User.objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    html = client.get("/").content
    week = re.search(r'<ul class="week"[^>]*>(.*?)</ul>', html.decode(), re.S)
    assert week, "no week on the home page"
    return re.findall(r"<li[^>]*>(.*?)</li>", week.group(1), re.S)


def published_days(username: str, first: dt.date, last: dt.date) -> set[dt.date]:
    return set(
        Assignment.objects.filter(
            staff__user__username=username,
            date__gte=first,
            date__lte=last,
            version__status=VersionStatus.PUBLISHED,
        ).values_list("date", flat=True)
    )


def all_days(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}


@pytest.mark.parametrize(
    ("moment", "this_month", "following"),
    [
        # 23:30 on the last day of January in Tokyo (14:30 UTC).
        (dt.datetime(2026, 1, 31, 23, 30, tzinfo=TOKYO), (2026, 1, 31), (2026, 2, 28)),
        # 16:00 UTC on the last day of February is already 1 March in Tokyo.
        (dt.datetime(2028, 2, 29, 16, 0, tzinfo=dt.UTC), (2028, 3, 31), (2028, 4, 30)),
        # New Year's Eve: next month is January of the next year.
        (dt.datetime(2025, 12, 31, 12, 0, tzinfo=TOKYO), (2025, 12, 31), (2026, 1, 31)),
        (dt.datetime(2026, 1, 1, 0, 5, tzinfo=TOKYO), (2026, 1, 31), (2026, 2, 28)),
    ],
)
def test_months_follow_the_tokyo_calendar(moment, this_month, following) -> None:
    with time_machine.travel(moment, tick=False):
        today = timezone.localdate()
        first, last = month_of(today)
        assert (first.year, first.month, first.day) == (*this_month[:2], 1)
        assert (last.year, last.month, last.day) == this_month
        first, last = next_month()
        assert (first.year, first.month, first.day) == (*following[:2], 1)
        assert (last.year, last.month, last.day) == following


@pytest.mark.django_db
def test_end_of_january_publishes_january_and_drafts_february(fast_hashing: None) -> None:
    moment = dt.datetime(2026, 1, 31, 23, 30, tzinfo=TOKYO)  # a Saturday
    with time_machine.travel(moment):
        call_command("seed_demo", "--staff", STAFF, "--no-sign-ins", stdout=StringIO())
        out = load_rosters()
        week = week_on_home_page(accounts.STAFF)
        hr_week = week_on_home_page(accounts.HR)
        english_week = week_on_home_page(accounts.STAFF, "en")

    assert "2026年1月の全庁の勤務表（公開中）" in out
    assert "2026年2月の市民課の勤務表（下書き）" in out
    january = RosterPeriod.objects.get(start_date=dt.date(2026, 1, 1))
    assert january.unit is None and january.end_date == dt.date(2026, 1, 31)
    assert january.versions.get().status == VersionStatus.PUBLISHED
    february = RosterPeriod.objects.get(start_date=dt.date(2026, 2, 1))
    assert february.unit.name == "市民課" and february.end_date == dt.date(2026, 2, 28)
    assert february.versions.get().status == VersionStatus.SOLVED
    # Every demo account has the whole of January; nobody sees February's draft yet.
    january_days = all_days(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    for username in accounts.ROLE_USERNAMES:
        assert published_days(username, dt.date(2026, 1, 1), dt.date(2026, 2, 28)) == (
            january_days
        ), username
    # The home page week (Mon 26 Jan – Sun 1 Feb): six days of January filled in, and
    # only Sunday, in February, still "—".
    for entries in (week, hr_week):
        assert len(entries) == 7
        assert ["—" in e for e in entries] == [False] * 6 + [True]
    assert "1/31（土）" in week[5] and "2/1（日）" in week[6]
    assert "Sat 31 Jan" in english_week[5] and "（" not in "".join(english_week)


@pytest.mark.django_db
def test_new_years_eve_and_a_later_run_in_january(fast_hashing: None) -> None:
    with time_machine.travel(dt.datetime(2025, 12, 31, 10, 0, tzinfo=TOKYO)):
        call_command("seed_demo", "--staff", STAFF, "--no-sign-ins", stdout=StringIO())
        out = load_rosters()
        assert "2025年12月の全庁の勤務表（公開中）" in out
        assert "2026年1月の市民課の勤務表（下書き）" in out
        again = load_rosters()
        assert "読み込みませんでした" in again and "2025年12月の公開済みの勤務表" in again

    # `make run` again a few days later: January is published for everyone, February
    # drafted; December and 市民課's January draft stay as they were.
    with time_machine.travel(dt.datetime(2026, 1, 5, 8, 0, tzinfo=TOKYO)):
        out = load_rosters()
        week = week_on_home_page(accounts.STAFF)
    assert "2026年1月の全庁の勤務表（公開中）" in out
    assert "2026年2月の市民課の勤務表（下書き）" in out
    periods = {
        (p.start_date, p.unit.name if p.unit else None): p.versions.get().status
        for p in RosterPeriod.objects.select_related("unit")
    }
    assert periods == {
        (dt.date(2025, 12, 1), None): VersionStatus.PUBLISHED,
        (dt.date(2026, 1, 1), "市民課"): VersionStatus.SOLVED,
        (dt.date(2026, 1, 1), None): VersionStatus.PUBLISHED,
        (dt.date(2026, 2, 1), "市民課"): VersionStatus.SOLVED,
    }
    assert published_days(accounts.STAFF, dt.date(2025, 12, 1), dt.date(2026, 1, 31)) == (
        all_days(dt.date(2025, 12, 1), dt.date(2026, 1, 31))
    )
    assert not any("—" in entry for entry in week)
    my_month = verified_client(Client(), User.objects.get(username=accounts.STAFF)).get(
        reverse("rosters:my_schedule"), {"month": "2026-01"}
    )
    assert my_month.content.decode().count('<span class="muted">—</span>') == 0

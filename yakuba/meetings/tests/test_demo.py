"""The demo meetings: replayed through the real endpoints, catch-ups sent, one unread."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from yakuba.demo import accounts
from yakuba.meetings.demo_series import SERIES
from yakuba.meetings.models import (
    AttendanceEvent,
    CatchUp,
    ConnectionNudge,
    Meeting,
    MinutesEntry,
    PresenceInterval,
)
from yakuba.meetings.quality import selectors as quality_selectors
from yakuba.notifications.models import Notice


@pytest.mark.django_db
def test_seed_meetings_demo(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", stdout=StringIO())
    out = StringIO()
    call_command("seed_meetings_demo", "--if-empty", stdout=out)
    assert "エラー 0 件" in out.getvalue()
    # The three of meetings.demo (the in-person 課内会議 before last week's are a series').
    recurring = [s.title for s in SERIES if s.title != "市民課 課内会議"]
    three = Meeting.objects.exclude(title__in=recurring).exclude(platform="in_person")
    assert three.count() == 3
    assert AttendanceEvent.objects.filter(source="zoom").exists()
    assert PresenceInterval.objects.filter(source="teams").exists()
    unread = CatchUp.objects.filter(acknowledged_at__isnull=True)
    assert [c.staff.user.username for c in unread] == [accounts.STAFF]
    content = unread[0].content
    texts = [i["text"] for i in content["items"]]
    # demo-staff dropped 17:30–26:30 in the 繁忙期 item: that item, its note and their action.
    assert "窓口の繁忙期対応（3月・4月）" in texts
    assert "待ち時間の表示は庁舎1階のモニターに出す。" in texts
    assert "繁忙期の応援者の勤務表案を作る。" in texts
    assert "3月最終週と4月第1週は窓口を2人増員する。" not in texts
    assert content["drops"] == 1  # the 40-second blip is below the threshold
    # demo-staff's home line dropped often enough to be nudged (privately, once).
    assert "接続の確認の案内 1 件" in out.getvalue()
    nudge = ConnectionNudge.objects.get()
    assert nudge.staff.user.username == accounts.STAFF and nudge.drops_per_hour > 2
    assert Notice.objects.filter(recipient=nudge.staff.user, url="/netcheck/").exists()
    summary = quality_selectors.unit_summary()
    assert summary.summary.total.people >= 3 and summary.summary.total.above >= 1
    total = Meeting.objects.count()
    call_command("seed_meetings_demo", "--if-empty", stdout=out)
    assert Meeting.objects.count() == total


@pytest.mark.django_db
def test_the_demo_has_ten_recurring_meetings_with_attendance_and_minutes(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", stdout=StringIO())
    call_command("seed_meetings_demo", "--if-empty", stdout=StringIO())
    series = {(m["title"], m["organiser"]) for m in Meeting.objects.values("title", "organiser")}
    assert len(series) == 3 - 1 + 10  # 市民課 課内会議 is one of the three and a series
    for spec in SERIES:
        occurrences = Meeting.objects.filter(title=spec.title)
        assert occurrences.count() >= 3, spec.title
        assert PresenceInterval.objects.filter(meeting__in=occurrences).exists(), spec.title
        assert all(m.end - m.start == dt.timedelta(minutes=spec.minutes) for m in occurrences)
    weekly = Meeting.objects.filter(title="市民課 課内会議").order_by("start")
    assert weekly.count() == 13 and weekly.last().platform == "zoom"
    # The report-only series records neither decisions nor actions, the 庁議 decides.
    report_only = MinutesEntry.objects.filter(meeting__title="情報政策課 週次進捗報告会")
    assert report_only.exists() and not report_only.exclude(kind="note").exists()
    assert MinutesEntry.objects.filter(meeting__title="庁議", kind="decision").exists()
    # Nothing here is on Zoom (the licence demo's peaks) and no connection drops twice.
    assert not Meeting.objects.filter(title__in=[s.title for s in SERIES[1:]], platform="zoom")

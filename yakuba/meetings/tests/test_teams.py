"""Teams attendance reports: English and Japanese, UTF-16, restarted meetings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import verified_client
from yakuba.meetings import selectors, services, teams
from yakuba.meetings.models import Platform, PresenceInterval
from yakuba.meetings.tests.factories import make_meeting
from yakuba.meetings.tests.teams_files import report

TZ = ZoneInfo("Asia/Tokyo")
DAY = dt.datetime(2026, 11, 20, 14, 0)  # local


def at(minutes: int) -> dt.datetime:
    return DAY + dt.timedelta(minutes=minutes)


CONNECTIONS = [
    ("山田 太郎", "s1001@example.jp", at(0), at(22), False),
    ("山田 太郎", "s1001@example.jp", at(25), at(60), False),
    ("佐藤 花子", "", at(10), at(60), False),
    ("Consultant Jones", "jones@vendor.example.com", at(0), at(30), True),
]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_parse_report(lang: str) -> None:
    data = report("課内会議", CONNECTIONS, lang=lang)
    assert data.startswith(b"\xff\xfe")
    rows = teams.parse(data, TZ)
    assert len(rows) == 4
    first = rows[0]
    assert first.name == "山田 太郎" and first.email == "s1001@example.jp"
    assert first.join == at(0).replace(tzinfo=TZ) and first.leave == at(22).replace(tzinfo=TZ)
    assert rows[3].external and rows[3].name == "Consultant Jones"


def test_durations_and_names() -> None:
    assert teams.parse_duration("1h 5m 3s") == 3903
    assert teams.parse_duration("1 時間 5 分 3 秒") == 3903
    assert teams.parse_duration("45s") == 45
    assert teams.parse_duration("12 分") == 720
    assert teams.parse_duration("") is None
    assert teams.parse_duration("soon") is None
    assert teams.clean_name("Jones (External)") == ("Jones", True)
    assert teams.clean_name("Kim (Unverified)") == ("Kim", True)
    assert teams.clean_name("山田 太郎") == ("山田 太郎", False)


def test_only_participants_section_falls_back_to_first_and_last() -> None:
    text = "1. Summary\nMeeting title\tx\n\n2. Participants\n"
    text += "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\n"
    text += "Ann\t11/20/26, 2:00:00 PM\t11/20/26, 2:30:00 PM\t30m\tann@example.jp\n"
    rows = teams.parse(text.encode("utf-16"), TZ)
    assert [(r.name, r.leave - r.join) for r in rows] == [("Ann", dt.timedelta(minutes=30))]


def test_not_a_report() -> None:
    with pytest.raises(teams.ReportError):
        teams.parse("hello\tworld".encode("utf-16"), TZ)
    with pytest.raises(teams.ReportError):
        teams.parse(b"\xff\xfe\x00\xd8", TZ)  # lone surrogate


@pytest.fixture
def meeting(org, make_user):
    organiser = make_user("staff", username="organiser")
    start = at(0).replace(tzinfo=TZ)
    return make_meeting(
        org, organiser, platform=Platform.TEAMS, start=start, end=start + dt.timedelta(hours=1)
    )


def test_restarted_meeting_reports_merge(meeting, org) -> None:
    first = report("課内会議", [c for c in CONNECTIONS if c[2] < at(24)], lang="ja")
    second = report("課内会議", [c for c in CONNECTIONS if c[2] >= at(24)], lang="en")
    services.import_teams_report(actor=meeting.organiser, meeting=meeting, data=first)
    services.import_teams_report(actor=meeting.organiser, meeting=meeting, data=second)
    with pytest.raises(ValidationError):
        services.import_teams_report(actor=meeting.organiser, meeting=meeting, data=second)
    by_name = {p.label: p for p in selectors.attendance(meeting)}
    yamada = by_name["山田 太郎"].attendance
    assert len(yamada.present) == 2 and yamada.long_drops == 1
    assert by_name["佐藤 花子"].attendance.late
    assert by_name["Consultant Jones"].staff is None


def test_upload_view(client, meeting) -> None:
    c = verified_client(client, meeting.organiser)
    upload = SimpleUploadedFile("attendance.csv", report("x", CONNECTIONS, lang="ja"))
    r = c.post(f"/meetings/{meeting.pk}/teams-report/", {"report": upload})
    assert r.status_code == 302
    assert PresenceInterval.objects.filter(meeting=meeting).count() == 4
    junk = SimpleUploadedFile("attendance.csv", b"\x00\x01garbage")
    r = c.post(f"/meetings/{meeting.pk}/teams-report/", {"report": junk}, follow=True)
    assert r.status_code == 200
    assert PresenceInterval.objects.filter(meeting=meeting).count() == 4


def test_a_report_with_a_control_character_in_a_name_is_refused_whole(meeting) -> None:
    bad = report("課内会議", [*CONNECTIONS, ("来庁\x00者", "", at(5), at(30), True)], lang="ja")
    with pytest.raises(ValidationError, match="出席者の名前に使えない制御文字"):
        services.import_teams_report(actor=meeting.organiser, meeting=meeting, data=bad)
    assert not PresenceInterval.objects.filter(meeting=meeting).exists()
    # Refused, not recorded: the corrected file is still accepted.
    good = report("課内会議", CONNECTIONS, lang="ja")
    services.import_teams_report(actor=meeting.organiser, meeting=meeting, data=good)
    assert PresenceInterval.objects.filter(meeting=meeting).exists()

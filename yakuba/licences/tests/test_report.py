"""The monthly report: per-licence use, office peak concurrency and the recommendation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from yakuba.licences import report, services
from yakuba.licences.models import LicencePlatform
from yakuba.licences.tests.factories import MONTH, hosted, local, make_licence
from yakuba.meetings.models import Platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org, make_user):
    viewer = make_user("infosec", username="viewer")
    organiser = make_user("staff", username="organiser")
    s = org["staff"]
    return {
        "viewer": viewer,
        "organiser": organiser,
        "yamada": s["1001"],
        "sato": s["1002"],
        "suzuki": s["2001"],
        "org": org,
    }


def test_last_complete_month_in_tokyo() -> None:
    assert report.last_complete_month(dt.date(2026, 11, 1)) == dt.date(2026, 10, 1)
    assert report.last_complete_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)


def test_margin_is_the_larger_of_minimum_and_percent() -> None:
    assert report.margin_for(0, 1, 10) == 0
    assert report.margin_for(3, 1, 10) == 1
    assert report.margin_for(12, 1, 10) == 2  # 1.2 rounded up
    assert report.margin_for(5, 0, 0) == 0


def test_report_answers_how_many_licences_are_needed(people) -> None:
    p = people
    org_user = p["organiser"]
    lic_y = make_licence("Zoom01", p["yamada"], cost=2000)
    lic_s = make_licence("Zoom02", p["sato"], cost=2000)
    idle1 = make_licence("Zoom03", p["suzuki"], cost=2500)
    idle2 = make_licence("Zoom04", None, cost=2000)
    day = dt.date(2026, 10, 14)
    # 10:00–11:00 山田, 10:30–12:00 佐藤, 11:00–11:30 unlicensed host (ends-touch with 山田).
    hosted(org_user, p["yamada"], local(day, 10), 60)
    hosted(org_user, p["sato"], local(day, 10, 30), 90)
    hosted(org_user, org_user.staff, local(day, 11), 30)
    # Another day: 佐藤 alone, with actual times longer than scheduled.
    hosted(
        org_user,
        p["sato"],
        local(dt.date(2026, 10, 20), 14),
        30,
        actual=(local(dt.date(2026, 10, 20), 14, 5), local(dt.date(2026, 10, 20), 15, 5)),
    )
    # Teams meetings do not count towards Zoom; a meeting of another month neither.
    hosted(org_user, p["suzuki"], local(day, 10), 60, platform=Platform.TEAMS)
    hosted(org_user, p["suzuki"], local(dt.date(2026, 11, 2), 10), 60)

    built = report.build(p["viewer"], MONTH, margin_min=1, margin_percent=10)
    assert [s.platform for s in built.platforms] == [LicencePlatform.ZOOM]
    zoom = built.platforms[0]
    assert zoom.peak == 2  # 山田+佐藤 at 10:30; 佐藤+unlicensed at 11:00 (山田 ended)
    assert zoom.peak_at == local(day, 10, 30)
    assert zoom.days_at_peak == 1
    assert zoom.held == 4
    assert zoom.needed == 3
    assert zoom.surplus == 1
    assert [u.licence for u in zoom.idle] == [idle1, idle2]
    # Only one of the two idle licences can go while keeping 3: the dearer one.
    assert [u.licence for u in zoom.cancellable] == [idle1]
    assert zoom.saving == 2500
    uses = {u.licence.pk: u for u in zoom.licences}
    assert uses[lic_y.pk].meetings == 1 and uses[lic_y.pk].hours == 1.0
    assert uses[lic_s.pk].meetings == 2 and uses[lic_s.pk].hours == 2.5  # 1.5 + 1.0 actual
    assert zoom.actual_meetings == 1
    assert [(h.staff, h.meetings) for h in zoom.unlicensed] == [(org_user.staff, 1)]
    day14 = next(d for d in zoom.days if d.date == day)
    assert (day14.peak, day14.at) == (2, local(day, 10, 30))


def test_meeting_across_midnight_of_the_month_end_is_clipped(people) -> None:
    p = people
    make_licence("Zoom01", p["yamada"])
    hosted(p["organiser"], p["yamada"], local(dt.date(2026, 10, 31), 23), 120)
    hosted(p["organiser"], p["yamada"], local(dt.date(2026, 9, 30), 23, 30), 60)
    zoom = report.build(p["viewer"], MONTH).platforms[0]
    assert zoom.meetings == 2
    assert zoom.hours == 1.5  # 23:00–24:00 on the 31st, 00:00–00:30 on the 1st
    assert zoom.days[0].peak == 1 and zoom.days[-1].peak == 1


def test_reassignment_counts_meetings_by_who_held_it_that_day(people) -> None:
    p = people
    licence = make_licence("Zoom01", p["yamada"], held_from=dt.date(2026, 9, 1))
    services.reassign(None, licence, p["sato"], dt.date(2026, 10, 15))
    hosted(p["organiser"], p["yamada"], local(dt.date(2026, 10, 10), 10), 60)
    hosted(p["organiser"], p["sato"], local(dt.date(2026, 10, 12), 10), 60)  # before 佐藤's
    hosted(p["organiser"], p["sato"], local(dt.date(2026, 10, 20), 10), 60)
    zoom = report.build(p["viewer"], MONTH).platforms[0]
    use = zoom.licences[0]
    assert [s.name for s in use.holders] == ["山田 太郎", "佐藤 花子"]
    assert use.meetings == 2
    assert [(h.staff, h.meetings) for h in zoom.unlicensed] == [(p["sato"], 1)]


def test_licence_outside_its_contract_is_not_counted(people) -> None:
    p = people
    make_licence("Old", p["yamada"], valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 9, 30))
    make_licence("New", p["sato"], valid_from=dt.date(2026, 10, 16))
    hosted(p["organiser"], p["sato"], local(dt.date(2026, 10, 10), 10), 60)
    zoom = report.build(p["viewer"], MONTH).platforms[0]
    assert [u.licence.name for u in zoom.licences] == ["New"]
    assert zoom.licences[0].idle  # the meeting was before the contract began
    assert zoom.unlicensed[0].staff == p["sato"]


def test_unmeasured_platform_is_listed_without_numbers(people) -> None:
    make_licence("Webex01", people["yamada"], platform=LicencePlatform.WEBEX)
    built = report.build(people["viewer"], MONTH)
    assert built.platforms[0].measured is False
    assert built.platforms[0].peak == 0


@override_settings(LICENCE_MARGIN_MIN=2, LICENCE_MARGIN_PERCENT=50)
def test_margin_defaults_come_from_settings(people) -> None:
    make_licence("Zoom01", people["yamada"])
    hosted(people["organiser"], people["yamada"], local(dt.date(2026, 10, 5), 9), 60)
    zoom = report.build(people["viewer"], MONTH).platforms[0]
    assert (zoom.peak, zoom.margin, zoom.needed) == (1, 2, 3)


def test_report_is_empty_for_those_without_the_capability(people, make_user) -> None:
    make_licence("Zoom01", people["yamada"])
    assert report.build(make_user("unit_head", username="head"), MONTH).platforms == []

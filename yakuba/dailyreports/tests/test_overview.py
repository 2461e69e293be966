"""The overview's completion and lateness over time: figures and who may see a person's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.dailyreports import selectors, services
from yakuba.dailyreports.models import Report
from yakuba.dailyreports.tests.factories import submitted_report, window_for

START, END = dt.date(2026, 4, 27), dt.date(2026, 5, 3)  # Mon … Sun; 4/29 昭和の日
HOLIDAY = dt.date(2026, 4, 29)


def _late_report(staff, day: dt.date) -> Report:
    window = window_for(staff.unit)
    answers = {str(q.pk): "遅れました" for q in window.questions.all()}
    return services.save_report(
        actor=None,
        staff=staff,
        day=day,
        answers=answers,
        work_place="home",
        now=timezone.make_aware(dt.datetime.combine(day, dt.time(10, 5))),
    )


def _day_off(staff, day: dt.date) -> None:
    from yakuba.accounts.models import User
    from yakuba.rosters.models import RosterPeriod, RosterVersion, VersionStatus

    owner = User.objects.create_user("roster-owner", role="sysadmin")
    period = RosterPeriod.objects.create(
        unit=staff.unit, name="5月", start_date=day, end_date=day, created_by=owner
    )
    version = RosterVersion.objects.create(
        period=period,
        number=1,
        created_by=owner,
        status=VersionStatus.PUBLISHED,
        published_at=timezone.now(),
        time_limit=5,
    )
    version.assignments.create(staff=staff, date=day, activity=None)


@pytest.fixture
def history(org, make_user):
    """市民課: 山田 on time, late, missing, off; the unit head on time on the first day."""
    window_for(org["shimin"])
    head = make_user("unit_head")
    yamada = org["staff"]["1001"]
    submitted_report(yamada, dt.date(2026, 4, 27))
    submitted_report(head.staff, dt.date(2026, 4, 27))
    late = _late_report(yamada, dt.date(2026, 4, 28))
    assert late.late
    _day_off(yamada, dt.date(2026, 5, 1))
    return {"head": head, "yamada": yamada}


@pytest.mark.django_db
def test_completion_counts_late_reports_and_skips_holidays_and_days_off(org, history) -> None:
    hr = history["head"].__class__.objects.create_user("hr-user", role="hr")
    stats = selectors.completion(hr, unit=None, start=START, end=END, person=history["yamada"])
    by_day = {d["date"]: (d["expected"], d["done"], d["late"]) for d in stats["days"]}
    assert by_day == {
        dt.date(2026, 4, 27): (2, 2, 0),
        dt.date(2026, 4, 28): (2, 1, 1),  # the late report is done and late
        dt.date(2026, 4, 30): (2, 0, 0),
        dt.date(2026, 5, 1): (1, 0, 0),  # 山田 is off per the published roster
    }  # 4/29 (public holiday) and the weekend are not report days
    assert HOLIDAY not in by_day
    day28 = next(d for d in stats["days"] if d["date"] == dt.date(2026, 4, 28))
    assert (day28["rate"], day28["late_rate"]) == (50, 50)
    [unit] = stats["units"]
    assert (unit["unit"], unit["expected"], unit["done"], unit["late"]) == (
        org["shimin"],
        7,
        3,
        1,
    )
    people = {p["staff"].pk: (p["expected"], p["done"], p["late"]) for p in stats["people"]}
    assert people[history["yamada"].pk] == (3, 2, 1)
    assert people[history["head"].staff.pk] == (4, 1, 0)
    assert [(d["date"].day, d["status"]) for d in stats["person_days"]] == [
        (27, "done"),
        (28, "late"),
        (30, "missing"),
    ]
    [week] = stats["person_weeks"]
    assert (week["expected"], week["done"], week["late"], week["rate"], week["late_rate"]) == (
        3,
        2,
        1,
        67,
        33,
    )


def _overview(client, **params: str):
    return client.get(
        reverse("dailyreports:overview"),
        {"start": START.isoformat(), "end": END.isoformat(), **params},
    )


@pytest.mark.django_db
def test_person_series_for_unit_head_in_scope_and_hr(client, make_user, history) -> None:
    head = verified_client(client, history["head"])
    response = _overview(head, person=str(history["yamada"].pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="person-chart-title"' in html and "山田 太郎（市民課）の推移" in html
    assert "遅れて提出" in html and "<svg" in html
    hr = verified_client(client.__class__(), make_user("hr"))
    assert _overview(hr, person=str(history["yamada"].pk)).status_code == 200


@pytest.mark.django_db
def test_person_series_refused_outside_scope(client, make_user, org, history) -> None:
    from yakuba.audit.models import AuditEntry

    other_head = verified_client(
        client, make_user("unit_head", unit_key="zeimu", username="zeimu-head")
    )
    # Out of scope answers as if the person did not exist, and is audited once.
    assert _overview(other_head, person=str(history["yamada"].pk)).status_code == 404
    assert AuditEntry.objects.filter(action="denied").count() == 1
    # Their own unit's people are fine; an unknown id is not found.
    assert _overview(other_head, person=str(org["staff"]["2001"].pk)).status_code == 200
    assert _overview(other_head, person="999999").status_code == 404
    staff = verified_client(client.__class__(), make_user("staff", username="plain"))
    assert _overview(staff, person=str(history["yamada"].pk)).status_code == 403


@pytest.mark.django_db
def test_overview_chart_has_title_legend_and_table(client, history) -> None:
    html = _overview(verified_client(client, history["head"])).content.decode()
    assert 'role="img"' in html and 'aria-labelledby="chart-title chart-desc"' in html
    assert '<desc id="chart-desc">' in html
    assert "うち遅れ" in html  # the legend names the dark part
    assert "<table" in html and "遅れの割合" in html


@pytest.mark.django_db
def test_days_before_the_unit_began_reporting_are_not_counted(history) -> None:
    stats = selectors.completion(history["head"], unit=None, start=dt.date(2026, 4, 13), end=END)
    assert stats["days"][0]["date"] == START  # the first report; the week before is not "0%"
    assert (
        selectors.completion(
            history["head"], unit=None, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 24)
        )["days"]
        == []
    )


@pytest.mark.django_db
def test_overview_form_shows_the_dates_used_and_range_errors(client, history) -> None:
    head = verified_client(client, history["head"])
    html = head.get(reverse("dailyreports:overview")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
    html = _overview(head, start="2026-05-03", end="2026-04-27").content.decode()
    assert "開始日は終了日以前にしてください。" in html

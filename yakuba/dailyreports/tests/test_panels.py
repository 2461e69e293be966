"""Morning-report panels of the "today" page: my report of today in each of its states, and
for unit heads who has not reported yet."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from conftest import verified_client
from yakuba.core.tests.today_office import (
    DAY,
    at,
    colleagues,
    panel_context,
    panel_queries,
    publish_week,
)
from yakuba.dailyreports.tests.factories import submitted_report, window_for

pytestmark = pytest.mark.django_db


def _home(client, user, when) -> str:
    # A request in English leaves this thread in English: the override gives "ja" back.
    with time_machine.travel(when, tick=False), translation.override("ja"):
        verified_client(client, user)
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, heading_id: str) -> str:
    marker = f'aria-labelledby="{heading_id}"'
    if marker not in html:
        return ""
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


def _report_panel(client, user, when) -> str:
    return _section(_home(client, user, when), "panel-report-heading")


def _unreported_panel(client, user, when) -> str:
    return _section(_home(client, user, when), "panel-unreported-heading")


@pytest.fixture
def reporter(make_user, org):
    window_for(org["shimin"], opens_at=dt.time(8, 30), closes_at=dt.time(8, 45))
    return make_user("staff")


# My report ------------------------------------------------------------------------------


def test_before_the_window_opens(client, reporter) -> None:
    panel = _report_panel(client, reporter, at(8, 0))
    assert "受付は 08:30 からです（締切 08:45）。" in panel
    assert "先に書いておく" in panel
    assert "today-card--action" not in panel


def test_open_window_asks_to_report_by_the_deadline(client, reporter) -> None:
    panel = _report_panel(client, reporter, at(8, 40))
    assert "08:45 までに報告してください。" in panel
    assert f'href="{reverse("dailyreports:my_report")}" class="button">報告する' in panel
    assert "下書きがあります" not in panel


def test_a_draft_is_mentioned(client, reporter) -> None:
    from yakuba.dailyreports.services import save_report

    save_report(
        actor=None,
        staff=reporter.staff,
        day=DAY,
        answers={},
        work_place="office",
        submit=False,
        now=at(8, 32),
    )
    panel = _report_panel(client, reporter, at(8, 40))
    assert "08:45 までに報告してください。" in panel
    assert "下書きがあります。" in panel


def test_submitted_can_be_changed_until_the_close(client, reporter) -> None:
    submitted_report(reporter.staff, DAY)  # at 08:35
    panel = _report_panel(client, reporter, at(8, 40))
    assert "08:35 に提出しました。" in panel
    assert "08:45 までは直せます。" in panel
    assert "報告を直す" in panel
    after = _report_panel(client, reporter, at(9, 30))
    assert "08:35 に提出しました。" in after
    assert "報告を直す" not in after
    assert "報告を見る" in after


def test_past_the_deadline_without_a_report(client, reporter) -> None:
    panel = _report_panel(client, reporter, at(9, 0))
    assert "締切（08:45）を過ぎました。まだ提出していません。" in panel
    assert "遅れて提出する" in panel


def test_a_late_report_says_so(client, reporter) -> None:
    from yakuba.dailyreports.services import save_report

    save_report(
        actor=None,
        staff=reporter.staff,
        day=DAY,
        answers={str(q.pk): "予定" for q in reporter.staff.unit.report_window.questions.all()},
        work_place="home",
        now=at(9, 10),
    )
    panel = _report_panel(client, reporter, at(9, 30))
    assert "09:10 に提出しました（遅れて提出）。" in panel
    assert "今日中は直せます。" in panel


def test_no_report_on_a_day_off_in_the_roster(client, reporter, org) -> None:
    publish_week(org["shimin"], {reporter.staff: {DAY: "annual_leave"}})
    panel = _report_panel(client, reporter, at(8, 40))
    assert "今日は休みのため、報告はありません。" in panel
    assert "報告する" not in panel


def test_no_report_on_a_public_holiday_or_a_weekend(client, reporter) -> None:
    holiday = dt.date(2026, 11, 23)  # 勤労感謝の日
    assert "今日は勤労感謝の日のため、報告はありません。" in _report_panel(
        client, reporter, at(8, 40, holiday)
    )
    saturday = DAY - dt.timedelta(days=2)
    assert "今日は報告日ではありません。" in _report_panel(client, reporter, at(8, 40, saturday))


def test_hidden_where_the_unit_does_not_report(client, make_user, org) -> None:
    user = make_user("staff", unit_key="zeimu")  # 税務課 has no window
    assert _report_panel(client, user, at(8, 40)) == ""
    window_for(org["zeimu"], enabled=False)
    assert panel_context("dailyreports.today", user) is None


def test_english_panel(client, reporter, settings) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    panel = _report_panel(client, reporter, at(8, 40))
    assert "Please report by 08:45." in panel
    assert "Report now" in panel
    assert "（" not in panel and "。" not in panel


def test_report_panel_queries_do_not_grow_with_the_office(make_user, org) -> None:
    small, large = panel_queries("dailyreports.today", org, make_user, "staff")
    assert small == large <= 5  # my staff record and unit, the window, the report, the roster


# Who has not reported (unit heads) -------------------------------------------------------


@pytest.fixture
def unit(make_user, org):
    """市民課 and its 窓口係 report 08:30–08:45; a head of 市民課 and five colleagues."""
    for u in (org["shimin"], org["madoguchi"]):
        window_for(u, opens_at=dt.time(8, 30), closes_at=dt.time(8, 45))
    head = make_user("unit_head")
    people = colleagues(org, 5)
    return {"head": head, "people": people}


def test_unit_head_sees_who_has_not_reported(client, unit, org) -> None:
    head, people = unit["head"], unit["people"]
    for s in people[:2]:
        submitted_report(s, DAY)
    publish_week(org["shimin"], {people[2]: {DAY: "annual_leave"}})  # not expected
    panel = _unreported_panel(client, head, at(8, 40))
    # Expected: the head, 山田 (市民課), 佐藤 (窓口係) and four of the five colleagues.
    assert "2 / 7 人が提出済み" in panel
    assert "まだ提出していない人" in panel
    for s in people[3:]:
        assert s.name in panel
    for s in people[:3]:
        assert s.name not in panel
    assert "山田 太郎" in panel and "佐藤 花子" in panel
    assert "窓口係" in panel  # several units: each name says where
    assert reverse("dailyreports:board") in panel


def test_after_the_close_the_list_is_of_who_did_not_report(client, unit) -> None:
    panel = _unreported_panel(client, unit["head"], at(9, 0))
    assert "締切までに提出しなかった人" in panel


def test_everyone_reported(client, unit, org) -> None:
    for s in [*unit["people"], unit["head"].staff, org["staff"]["1001"], org["staff"]["1002"]]:
        submitted_report(s, DAY)
    panel = _unreported_panel(client, unit["head"], at(8, 44))
    assert "8 / 8 人が提出済み" in panel
    assert "全員提出しました。" in panel
    assert "まだ提出していない人" not in panel


def test_a_long_list_is_cut_short(client, unit, org) -> None:
    colleagues(org, 10)
    panel = _unreported_panel(client, unit["head"], at(8, 40))
    assert panel.count("<li>") == 8
    assert "0 / 18 人が提出済み" in panel
    assert "ほか 10 人" in panel  # 18 expected, none reported, 8 named


def test_not_before_the_window_opens(client, unit) -> None:
    assert _unreported_panel(client, unit["head"], at(8, 0)) == ""


def test_staff_do_not_see_it(client, unit, make_user) -> None:
    staff = make_user("staff")
    html = _home(client, staff, at(8, 40))
    assert 'id="panel-report-heading"' in html  # their own report, yes
    assert 'id="panel-unreported-heading"' not in html


def test_a_head_sees_only_their_own_units(client, unit, make_user) -> None:
    other = make_user("unit_head", unit_key="zeimu", username="zeimu-head")
    assert _unreported_panel(client, other, at(8, 40)) == ""  # 税務課 does not report


def test_hr_sees_their_own_unit_here_not_the_whole_office(client, unit, make_user, org) -> None:
    window_for(org["zeimu"], opens_at=dt.time(8, 30), closes_at=dt.time(8, 45))
    hr = make_user("hr", unit_key="zeimu")
    panel = _unreported_panel(client, hr, at(8, 40))
    assert "鈴木 一郎" in panel
    assert "山田 太郎" not in panel
    assert unit["people"][0].name not in panel


def test_unreported_panel_queries_do_not_grow_with_the_office(make_user, org) -> None:
    small, large = panel_queries("dailyreports.unreported", org, make_user, "unit_head")
    # My staff record and unit, the units, their staff, the roster's days off, the reports.
    assert small == large <= 6

"""The roster panel of the "today" page: where I work today (prominently) and this week."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from conftest import verified_client
from yakuba.core.tests.today_office import (
    DAY,
    MORNING,
    WEEK,
    activities,
    at,
    panel_context,
    panel_queries,
    publish_week,
)

pytestmark = pytest.mark.django_db


def _home(client, user, when=MORNING) -> str:
    # A request in English leaves this thread in English: the override gives "ja" back.
    with time_machine.travel(when, tick=False), translation.override("ja"):
        verified_client(client, user)
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def _panel(html: str) -> str:
    start = html.index('aria-labelledby="panel-rosters-heading"')
    return html[start : html.index("</section>", start)]


def _week(staff, today: str) -> dict:
    """Office on weekdays, off at the weekend; today an activity ("vpn"…) or a day off."""
    acts = activities()
    cells = {d: acts["office"] if d.weekday() < 5 else "off" for d in WEEK}
    cells[DAY] = acts.get(today, today)
    return {staff: cells}


def test_today_s_work_place_is_shown_with_the_week(client, make_user, org) -> None:
    user = make_user("staff")
    cells = _week(user.staff, "vpn")
    cells[user.staff][WEEK[2]] = "annual_leave"
    cells[user.staff][WEEK[3]] = "substitute"
    publish_week(org["shimin"], cells)
    panel = _panel(_home(client, user))
    today_line = panel[panel.index('class="today-place"') : panel.index("</p>")]
    assert "在宅（VPN）" in today_line
    assert "在宅勤務" in today_line  # the kind, when the name does not already say it
    assert "今週の勤務予定" in panel
    assert 'aria-current="date"' in panel
    for shown in ("年次休暇", "振替休日", "休み", "庁内勤務"):
        assert shown in panel
    assert reverse("rosters:my_schedule") in panel


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("off", "休み"),
        ("annual_leave", "年次休暇"),
        ("sick", "病気休暇"),
        ("substitute", "振替休日"),
    ],
)
def test_a_day_off_says_why(client, make_user, org, reason, shown) -> None:
    user = make_user("staff")
    publish_week(org["shimin"], _week(user.staff, reason))
    panel = _panel(_home(client, user))
    today_line = panel[panel.index('class="today-place"') : panel.index("</p>")]
    assert f"<strong>{shown}</strong>" in today_line


def test_no_roster_for_this_week_is_said_to_people_who_have_had_one(client, make_user, org) -> None:
    user = make_user("staff")
    last_month = {d - dt.timedelta(days=28): "off" for d in WEEK}
    publish_week(org["shimin"], {user.staff: last_month})
    panel = _panel(_home(client, user))
    assert "今日の分の勤務表は公開されていません。" in panel
    assert "今週の勤務予定" not in panel  # seven dashes would say nothing more


def test_hidden_from_people_whose_unit_does_not_use_rosters(client, make_user, org) -> None:
    user = make_user("staff")
    other = make_user("unit_head")
    publish_week(org["shimin"], _week(other.staff, "office"))
    assert 'id="panel-rosters-heading"' not in _home(client, user)
    assert panel_context("rosters.week", user) is None


def test_a_draft_roster_is_nobody_s_plan(client, make_user, org) -> None:
    user = make_user("staff")
    publish_week(org["shimin"], _week(user.staff, "vpn"), status="solved")
    assert 'id="panel-rosters-heading"' not in _home(client, user)


def test_hidden_for_an_account_without_staff_record(client, org) -> None:
    from yakuba.accounts.models import User

    user = User.objects.create_user("no-staff", password=None, role="staff")
    assert 'id="panel-rosters-heading"' not in _home(client, user)


def test_a_public_holiday_is_named(client, make_user, org) -> None:
    holiday = dt.date(2026, 11, 23)  # 勤労感謝の日, a Monday
    user = make_user("staff")
    publish_week(org["shimin"], {user.staff: {holiday: "off"}})
    panel = _panel(_home(client, user, at(9, 0, holiday)))
    assert "勤労感謝の日" in panel


def test_english_has_english_punctuation(client, make_user, org, settings) -> None:
    user = make_user("staff")
    publish_week(org["shimin"], _week(user.staff, "office"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    panel = _panel(_home(client, user))
    assert "Today&#x27;s work" in panel or "Today's work" in panel
    assert "Mon 7 Dec" in panel
    assert "（" not in panel.replace("在宅（VPN）", "")


def test_queries_do_not_grow_with_the_office(make_user, org) -> None:
    small, large = panel_queries("rosters.week", org, make_user, "staff")
    assert small == large <= 2

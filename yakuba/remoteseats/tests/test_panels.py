"""The remote-seat panel of the "today" page: the seat I hold today and on my next working
day (from the roster or a booking), a warning when I am rostered to telework without one,
and a loaned terminal due back soon."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from conftest import verified_client
from yakuba.core.tests.today_office import (
    DAY,
    MORNING,
    activities,
    at,
    panel_context,
    panel_queries,
    publish_week,
)

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY, FRIDAY = (DAY + dt.timedelta(days=n) for n in (1, 2, 4))
NEXT_MONDAY = DAY + dt.timedelta(days=7)


def _panel(client, user, when=MORNING) -> str:
    # A request in English leaves this thread in English: the override gives "ja" back.
    with time_machine.travel(when, tick=False), translation.override("ja"):
        verified_client(client, user)
        html = client.get(reverse("core:home")).content.decode()
    marker = 'aria-labelledby="panel-seats-heading"'
    if marker not in html:
        return ""
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


def _book(staff, pool, day):
    from yakuba.remoteseats.models import SeatBooking

    return SeatBooking.objects.create(resource=pool, staff=staff, date=day)


def _lend(staff, due_on, tag="YKB-PC-001"):
    from yakuba.remoteseats.models import LoanedTerminal, TerminalLoan

    terminal = LoanedTerminal.objects.create(asset_tag=tag, model_name="ノートPC（VPN）")
    return TerminalLoan.objects.create(
        terminal=terminal, staff=staff, checked_out_on=DAY - dt.timedelta(days=7), due_on=due_on
    )


@pytest.fixture
def me(make_user):
    return make_user("staff")


def test_a_seat_from_the_roster_today(client, me, org) -> None:
    acts = activities()
    publish_week(org["shimin"], {me.staff: {DAY: acts["vpn"], TUESDAY: acts["office"]}})
    panel = _panel(client, me)
    assert "今日 12/7（月）" in panel
    assert "<strong>VPN端末</strong>" in panel
    assert "勤務表で確保済み" in panel
    assert "明日" not in panel  # in the office tomorrow: nothing to say about seats


def test_a_booked_seat_tomorrow(client, me, org) -> None:
    acts = activities()
    publish_week(org["shimin"], {me.staff: {DAY: acts["office"], TUESDAY: acts["office"]}})
    _book(me.staff, acts["pool"], TUESDAY)
    panel = _panel(client, me)
    assert "明日 12/8（火）" in panel
    assert "予約済み" in panel
    assert "今日 12/7" not in panel


def test_telework_without_a_seat_is_a_warning_with_a_link_to_book(client, me, org) -> None:
    acts = activities()  # 在宅（LGWAN） consumes no pool
    publish_week(org["shimin"], {me.staff: {DAY: acts["lgwan"]}})
    panel = _panel(client, me)
    assert "today-list__item--warn" in panel
    assert "在宅（LGWAN）の予定ですが、接続枠がありません。" in panel
    assert f'href="{reverse("remoteseats:seats")}?date=2026-12-07">接続枠を予約する' in panel


def test_a_booking_answers_the_warning(client, me, org) -> None:
    acts = activities()
    publish_week(org["shimin"], {me.staff: {DAY: acts["lgwan"]}})
    _book(me.staff, acts["pool"], DAY)
    panel = _panel(client, me)
    assert "予約済み" in panel
    assert "接続枠がありません" not in panel


def test_no_warning_where_the_office_has_no_pools(client, me, org) -> None:
    from yakuba.rosters.models import AccessMethod, ActivityKind, WorkActivity

    lgwan = WorkActivity.objects.create(
        code="tw", name="在宅", kind=ActivityKind.TELEWORK, access_method=AccessMethod.LGWAN
    )
    publish_week(org["shimin"], {me.staff: {DAY: lgwan}})
    assert _panel(client, me) == ""


def test_the_next_working_day_skips_the_weekend(client, me, org) -> None:
    acts = activities()
    _book(me.staff, acts["pool"], NEXT_MONDAY)
    panel = _panel(client, me, at(9, 0, FRIDAY))
    assert "次の勤務日 12/14（月）" in panel
    assert "予約済み" in panel


def test_the_next_working_day_skips_leave_in_the_roster(client, me, org) -> None:
    acts = activities()
    publish_week(
        org["shimin"],
        {me.staff: {DAY: acts["office"], TUESDAY: "annual_leave", WEDNESDAY: acts["vpn"]}},
    )
    panel = _panel(client, me)
    assert "次の勤務日 12/9（水）" in panel
    assert "勤務表で確保済み" in panel


def test_other_people_s_and_cancelled_bookings_are_not_mine(client, me, org) -> None:
    acts = activities()
    _book(org["staff"]["1001"], acts["pool"], DAY)
    cancelled = _book(me.staff, acts["pool"], DAY)
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    assert _panel(client, me) == ""


@pytest.mark.parametrize(
    ("due", "text", "warn"),
    [
        (DAY + dt.timedelta(days=2), "12/9（水）が返却期限です（あと 2 日）。", False),
        (DAY, "今日が返却期限です。", False),
        (DAY - dt.timedelta(days=3), "返却期限の12/4（金）を 3 日過ぎています。", True),
    ],
)
def test_a_loaned_terminal_due_back(client, me, due, text, warn) -> None:
    _lend(me.staff, due)
    panel = _panel(client, me)
    assert "貸出端末の返却" in panel
    assert "YKB-PC-001" in panel
    assert text in panel
    assert ("today-list__item--warn" in panel) is warn


def test_a_loan_due_later_or_returned_says_nothing(client, me) -> None:
    _lend(me.staff, DAY + dt.timedelta(days=10))
    returned = _lend(me.staff, DAY - dt.timedelta(days=1), tag="YKB-PC-002")
    returned.returned_on = DAY - dt.timedelta(days=1)
    returned.save()
    assert _panel(client, me) == ""


def test_hidden_in_the_office_without_a_loan(client, me, org) -> None:
    acts = activities()
    publish_week(org["shimin"], {me.staff: {DAY: acts["office"], TUESDAY: acts["office"]}})
    assert _panel(client, me) == ""
    assert panel_context("remoteseats.today", me) is None


def test_english_panel(client, me, org, settings) -> None:
    acts = activities()
    publish_week(org["shimin"], {me.staff: {DAY: acts["lgwan"]}})
    _lend(me.staff, DAY + dt.timedelta(days=2))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    panel = _panel(client, me)
    assert "Today Mon 12/7" in panel
    assert "You are rostered for 在宅（LGWAN） but hold no remote seat." in panel
    assert "Due back on Wed 12/9 (in 2 days)." in panel
    assert "。" not in panel


def test_queries_do_not_grow_with_the_office(make_user, org) -> None:
    small, large = panel_queries("remoteseats.today", org, make_user, "staff")
    # My staff record, my cells for the week, their pools, my bookings, my loans.
    assert small == large <= 5

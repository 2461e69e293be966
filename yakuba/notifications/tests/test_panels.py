"""The notices panel of the "today" page: the latest unread notices and how many."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from conftest import verified_client
from yakuba.core.tests.today_office import DAY, MORNING, at, panel_context, panel_queries
from yakuba.notifications.models import Notice

pytestmark = pytest.mark.django_db


def _panel(client, user) -> str:
    # A request in English leaves this thread in English: the override gives "ja" back.
    with time_machine.travel(MORNING, tick=False), translation.override("ja"):
        verified_client(client, user)
        html = client.get(reverse("core:home")).content.decode()
    marker = 'aria-labelledby="panel-notices-heading"'
    if marker not in html:
        return ""
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


def _notice(user, subject, created_at, **extra):
    return Notice.objects.create(recipient=user, subject=subject, created_at=created_at, **extra)


@pytest.fixture
def me(make_user):
    return make_user("staff")


def test_the_latest_unread_notices_with_links(client, me, make_user) -> None:
    _notice(me, "勤務表が公開されました", at(7, 30), url="/rosters/me/")
    _notice(me, "昨日のお知らせ", at(17, 0, DAY - dt.timedelta(days=1)))
    _notice(me, "既読のお知らせ", at(7, 0), read_at=at(7, 5))
    _notice(make_user("unit_head"), "他の人へのお知らせ", at(7, 0))
    panel = _panel(client, me)
    assert "未読のお知らせ（2 件）" in panel
    assert '07:30</span>\n      <span class="today-list__what"><a href="/rosters/me/">' in panel
    assert "勤務表が公開されました" in panel
    assert "12/6（日） 17:00" in panel  # not today: the date too
    assert "昨日のお知らせ" in panel  # no link: plain text
    assert "既読のお知らせ" not in panel and "他の人へのお知らせ" not in panel
    assert reverse("notifications:inbox") in panel
    assert "ほか" not in panel


def test_many_unread_show_the_latest_three_and_the_count(client, me) -> None:
    for k in range(7):
        _notice(me, f"お知らせ {k}", at(7, k))
    panel = _panel(client, me)
    assert "未読のお知らせ（7 件）" in panel
    assert [f"お知らせ {k}" in panel for k in range(7)] == [False] * 4 + [True] * 3
    assert "ほか 4 件" in panel


def test_hidden_when_everything_is_read(client, me) -> None:
    _notice(me, "既読", at(7, 0), read_at=at(7, 1))
    assert _panel(client, me) == ""
    assert panel_context("notifications.unread", me) is None


def test_english_panel(client, me, settings) -> None:
    _notice(me, "Roster published", at(7, 30))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    panel = _panel(client, me)
    assert "Unread notice (1)" in panel
    assert "All notices" in panel


def test_queries_do_not_grow_with_the_office(make_user, org) -> None:
    small, large = panel_queries("notifications.unread", org, make_user, "staff")
    assert small == large <= 2  # the latest unread, and their count

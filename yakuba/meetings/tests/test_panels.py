"""The meetings panel of the "today" page: catch-ups to acknowledge and the meetings still
ahead of me today."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from conftest import verified_client
from yakuba.core.tests.today_office import DAY, MORNING, at, panel_context, panel_queries
from yakuba.meetings.models import CatchUp, Platform
from yakuba.meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def _panel(client, user, when=MORNING) -> str:
    # A request in English leaves this thread in English: the override gives "ja" back.
    with time_machine.travel(when, tick=False), translation.override("ja"):
        verified_client(client, user)
        html = client.get(reverse("core:home")).content.decode()
    marker = 'aria-labelledby="panel-meetings-heading"'
    if marker not in html:
        return ""
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


@pytest.fixture
def me(make_user):
    return make_user("staff")


@pytest.fixture
def organiser(make_user):
    return make_user("staff", username="organiser", unit_key="zeimu")


def _meeting(org, organiser, invitees, start, minutes=30, **extra):
    return make_meeting(
        org,
        organiser,
        invitees=invitees,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        platform_meeting_id="",
        **extra,
    )


def _catch_up(meeting, staff, **extra):
    return CatchUp.objects.create(
        meeting=meeting, staff=staff, content={"items": []}, sent_at=meeting.end, **extra
    )


def test_catch_ups_to_acknowledge(client, me, organiser, org) -> None:
    past = [
        _meeting(org, organiser, [me.staff], at(14, 0, DAY - dt.timedelta(days=k)), title=name)
        for k, name in ((1, "定例 1"), (2, "定例 2"), (3, "定例 3"))
    ]
    waiting = _catch_up(past[0], me.staff)
    _catch_up(past[1], me.staff, acknowledged_at=at(9, 0, DAY - dt.timedelta(days=1)))
    CatchUp.objects.create(meeting=past[2], staff=me.staff, content={})  # not sent yet
    _catch_up(past[2], org["staff"]["1001"])  # someone else's
    panel = _panel(client, me)
    assert "確認待ちのキャッチアップ（1 件）" in panel
    assert "12/6（日）" in panel
    assert (
        f'href="{reverse("meetings:catchup_detail", args=[waiting.pk])}">定例 1の共有を確認する'
        in panel
    )
    assert "定例 2" not in panel and "定例 3" not in panel
    assert reverse("meetings:catchup_list") in panel


def test_many_catch_ups_show_the_latest_and_a_count(client, me, organiser, org) -> None:
    for k in range(1, 9):
        m = _meeting(
            org, organiser, [me.staff], at(14, 0, DAY - dt.timedelta(days=k)), title=f"定例 {k}"
        )
        _catch_up(m, me.staff)
    panel = _panel(client, me)
    assert "確認待ちのキャッチアップ（8 件）" in panel
    assert "定例 1の" in panel and "定例 5の" in panel and "定例 6の" not in panel
    assert "ほか 3 件" in panel


def test_today_s_meetings_still_ahead(client, me, organiser, org) -> None:
    later = _meeting(
        org,
        organiser,
        [me.staff],
        at(10, 0),
        title="課内ミーティング",
        join_url="https://zoom.example.jp/j/1",
    )
    _meeting(org, organiser, [me.staff], at(8, 0), title="朝礼")  # over by 08:40
    _meeting(org, organiser, [me.staff], at(10, 0, DAY + dt.timedelta(days=1)), title="明日の会議")
    _meeting(org, organiser, [org["staff"]["1001"]], at(11, 0), title="招待されていない会議")
    panel = _panel(client, me)
    assert "今日これからの会議" in panel
    assert "10:00–10:30" in panel
    assert f'href="{reverse("meetings:meeting_detail", args=[later.pk])}">課内ミーティング' in panel
    assert 'href="https://zoom.example.jp/j/1"' in panel
    assert "参加する" in panel
    for hidden in ("朝礼", "明日の会議", "招待されていない会議"):
        assert hidden not in panel
    assert "開催中" not in panel
    assert "キャッチアップ" not in panel


def test_a_meeting_under_way_says_so(client, me, organiser, org) -> None:
    _meeting(org, organiser, [me.staff], at(8, 30), minutes=60, title="朝の打合せ")
    panel = _panel(client, me)
    assert "08:30–09:30" in panel
    assert "開催中" in panel
    assert "参加する" not in panel  # in person: no join link


def test_my_own_meeting_shows_even_without_an_invitation(client, me, org) -> None:
    _meeting(org, me, [], at(15, 0), title="自分で開く会議", platform=Platform.IN_PERSON)
    assert "自分で開く会議" in _panel(client, me)


def test_a_head_is_not_shown_every_meeting_of_their_unit(client, make_user, organiser, org):
    head = make_user("unit_head")
    _meeting(org, organiser, [org["staff"]["1001"]], at(11, 0), title="市民課の別の会議")
    assert _panel(client, head) == ""


def test_hidden_with_nothing_to_say(client, me) -> None:
    assert _panel(client, me) == ""
    assert panel_context("meetings.today", me) is None


def test_english_panel(client, me, organiser, org, settings) -> None:
    m = _meeting(org, organiser, [me.staff], at(14, 0, DAY - dt.timedelta(days=1)), title="定例")
    _catch_up(m, me.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    panel = _panel(client, me)
    assert "Catch-up to acknowledge (1)" in panel
    assert "Sun 12/6" in panel
    assert "Read the catch-up of 定例" in panel


def test_queries_do_not_grow_with_the_office(make_user, org) -> None:
    small, large = panel_queries("meetings.today", org, make_user, "staff")
    # My staff record, the latest catch-ups, their count, today's meetings.
    assert small == large <= 4

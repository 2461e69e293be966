"""Browser: the attendance timeline after Zoom events, the live minutes page, and the
catch-up with its acknowledgement (Debian chromium, axe-core on every screen)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from yakuba.core.tests.browser_support import (
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)
from yakuba.meetings import selectors
from yakuba.meetings.models import AgendaItem, CatchUp, MinutesEntry
from yakuba.meetings.tests.factories import START, make_meeting, post_zoom, zoom_account, zoom_event

pytestmark = [pytest.mark.browser]


def _page(browser, live_server, user, lang: str | None = None) -> Any:
    ctx = browser.new_context(viewport=VIEWPORT, locale="ja-JP", base_url=live_server.url)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


@pytest.mark.django_db(transaction=True)
def test_timeline_minutes_and_catchup(browser, live_server, org, make_user) -> None:
    from yakuba.accounts.models import User

    organiser = make_user("staff", username="organiser")
    yamada_user = User.objects.create_user("yamada", password=None, role="staff")
    yamada = org["staff"]["1001"]
    yamada.user = yamada_user
    yamada.save()
    meeting = make_meeting(org, organiser)
    for i, (title, offset) in enumerate([("予算要求", 0), ("窓口混雑対策", 20), ("その他", 45)]):
        AgendaItem.objects.create(
            meeting=meeting,
            order=i + 1,
            title=title,
            started_at=START + dt.timedelta(minutes=offset),
        )
    MinutesEntry.objects.create(
        meeting=meeting,
        kind="decision",
        text="整理券を試行する",
        at=START + dt.timedelta(minutes=25),
    )
    zoom_account()
    client = Client()
    for kind, minute, name, email in [
        ("join", 0, "山田 太郎", "s1001@example.jp"),
        ("leave", 18, "山田 太郎", "s1001@example.jp"),
        ("join", 31, "山田 太郎", "s1001@example.jp"),
        ("leave", 60, "山田 太郎", "s1001@example.jp"),
        ("join", 4, "佐藤 花子", ""),
        ("leave", 60, "佐藤 花子", ""),
        ("join", 10, "県の担当者", "ken@pref.example.jp"),
        ("leave", 40, "県の担当者", "ken@pref.example.jp"),
    ]:
        at = START + dt.timedelta(minutes=minute)
        assert post_zoom(client, zoom_event(kind, name=name, email=email, at=at)).status_code == 200

    problems: list[str] = []
    page = _page(browser, live_server, organiser)
    page.goto(f"/meetings/{meeting.pk}/timeline/")
    rows = page.locator("table.timeline tbody tr")
    assert rows.count() == 4  # three invitees and the guest
    yamada_row = rows.filter(has_text="山田 太郎")
    assert "中断あり" in yamada_row.inner_text()
    assert yamada_row.locator("svg rect[fill='#2e7d32']").count() == 2
    assert "欠席" in rows.filter(has_text="鈴木 一郎").inner_text()
    assert "ゲスト" in rows.filter(has_text="県の担当者").inner_text()
    problems += axe_problems(page, "timeline")
    screenshot(page, "meetings-timeline")

    page.goto(f"/meetings/{meeting.pk}/minutes/")
    page.get_by_label("内容").fill("次回は12月")
    page.get_by_role("button", name="記録する").click()
    page.locator("#minutes-body td", has_text="次回は12月").wait_for()
    problems += axe_problems(page, "minutes")
    page.get_by_role("button", name="議事録を確定").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/recontact/")
    assert "山田 太郎" in page.locator("main").inner_text()
    problems += axe_problems(page, "recontact")

    catchup = CatchUp.objects.get(meeting=meeting, staff=yamada)
    me = _page(browser, live_server, yamada_user)
    me.goto(f"/meetings/catch-ups/{catchup.pk}/")
    text = me.locator("main").inner_text()
    # Dropped 18–31: the end of 予算要求, the start of 窓口混雑対策 and its decision.
    assert "窓口混雑対策" in text and "整理券を試行する" in text and "予算要求" in text
    assert "その他" not in text
    problems += axe_problems(me, "catch-up")
    me.get_by_role("button", name="確認しました").click()
    me.get_by_role("status").filter(has_text="確認しました").first.wait_for()
    catchup.refresh_from_db()
    assert catchup.acknowledged_at is not None
    assert selectors.attendance(meeting)  # still readable after the browser run
    assert not problems, "\n".join(problems)

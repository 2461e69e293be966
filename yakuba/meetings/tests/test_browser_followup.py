"""Browser, in Japanese and English: the timeline's 中断 column with short reconnections in
seconds, the re-contact list while the catch-ups are prepared and after, and the form for
the agenda's actual start times (Debian chromium, axe-core on every screen, screenshots)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from yakuba.core.tests.browser_support import VIEWPORT, axe_problems, screenshot, session_cookies
from yakuba.meetings import services
from yakuba.meetings.models import AgendaItem, AttendanceSource, Meeting, PresenceInterval
from yakuba.meetings.tests.factories import make_meeting

pytestmark = [pytest.mark.browser]


def _page(browser, live_server, user, lang: str) -> Any:
    ctx = browser.new_context(viewport=VIEWPORT, locale="ja-JP", base_url=live_server.url)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _connect(meeting: Meeting, staff: Any, *spans: tuple[int, int]) -> None:
    for join, leave in spans:  # seconds from the start
        PresenceInterval.objects.create(
            meeting=meeting,
            staff=staff,
            connection_key=f"k{staff.pk}",
            join=meeting.start + dt.timedelta(seconds=join),
            leave=meeting.start + dt.timedelta(seconds=leave),
            source=AttendanceSource.MANUAL,
        )


def _local(meeting: Meeting, minutes: int) -> str:
    return timezone.localtime(meeting.start + dt.timedelta(minutes=minutes)).strftime("%H:%M:%S")


@pytest.mark.django_db(transaction=True)
def test_timeline_recontact_and_agenda_times(browser, live_server, org, make_user) -> None:
    organiser = make_user("staff", username="organiser")
    meeting = make_meeting(org, organiser, platform_meeting_id="", title="窓口運営会議")
    for i, title in enumerate(["予算要求", "窓口混雑対策", "その他"]):
        AgendaItem.objects.create(meeting=meeting, order=i + 1, title=title, planned_minutes=20)
    yamada, sato, suzuki = (org["staff"][n] for n in ("1001", "1002", "2001"))
    _connect(meeting, yamada, (0, 600), (612, 1800), (1845, 3600))  # 12 s and 45 s
    _connect(meeting, sato, (0, 300), (305, 1200), (1500, 3600))  # 5 s, then 5 minutes away
    _connect(meeting, suzuki, (900, 3600))  # 15 minutes late

    problems: list[str] = []
    for lang in ("ja", "en"):
        page = _page(browser, live_server, organiser, lang)
        page.goto(f"/meetings/{meeting.pk}/timeline/")
        rows = page.locator("table.timeline tbody tr")
        yamada_cells = rows.filter(has_text="山田 太郎").locator("td")
        assert yamada_cells.nth(2).inner_text().startswith("0")
        assert "12" in yamada_cells.nth(2).inner_text()
        assert rows.filter(has_text="佐藤 花子").locator("td").nth(2).inner_text().startswith("1")
        problems += axe_problems(page, f"timeline-{lang}")
        screenshot(page, f"meetings-timeline-breaks-{lang}")

    # The actual start times, entered afterwards: an item out of order is refused.
    page = _page(browser, live_server, organiser, "ja")
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="実際の開始時刻を入力する（会議の後から）").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/agenda/times/")
    page.get_by_label("1. 予算要求").fill(_local(meeting, 2))
    page.get_by_label("2. 窓口混雑対策").fill(_local(meeting, 1))
    page.get_by_role("button", name="保存する").click()
    page.get_by_text("前の議題「予算要求」").wait_for()
    problems += axe_problems(page, "agenda-times-error")
    screenshot(page, "meetings-agenda-times-error-ja")
    page.get_by_label("2. 窓口混雑対策").fill(_local(meeting, 24))
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    assert list(meeting.agenda.order_by("order").values_list("started_at", flat=True))[:2] == [
        meeting.start + dt.timedelta(minutes=2),
        meeting.start + dt.timedelta(minutes=24),
    ]
    en = _page(browser, live_server, organiser, "en")
    en.goto(f"/meetings/{meeting.pk}/agenda/times/")
    assert "Agenda start times" in en.locator("h1").inner_text()
    problems += axe_problems(en, "agenda-times-en")
    screenshot(en, "meetings-agenda-times-en")
    page.goto(f"/meetings/{meeting.pk}/agenda/times/")
    screenshot(page, "meetings-agenda-times-ja")

    # Finalised, the catch-up task not run yet: "being prepared", refreshing itself.
    Meeting.objects.filter(pk=meeting.pk).update(status="finalised", finalised_at=timezone.now())
    for lang, text in (("ja", "キャッチアップを準備しています"), ("en", "being prepared")):
        page = _page(browser, live_server, organiser, lang)
        page.goto(f"/meetings/{meeting.pk}/recontact/")
        assert text in page.locator("main").inner_text()
        problems += axe_problems(page, f"recontact-preparing-{lang}")
        screenshot(page, f"meetings-recontact-preparing-{lang}")
    services.compute_and_send_catchups(meeting.pk)
    # The open page replaces the notice by the list once the task has finished.
    page.get_by_role("cell", name="佐藤 花子").wait_for(timeout=10_000)
    assert "being prepared" not in page.locator("main").inner_text()
    for lang in ("ja", "en"):
        page = _page(browser, live_server, organiser, lang)
        page.goto(f"/meetings/{meeting.pk}/recontact/")
        text = page.locator("main").inner_text()
        assert "佐藤 花子" in text and "鈴木 一郎" in text and "山田 太郎" not in text
        problems += axe_problems(page, f"recontact-{lang}")
        screenshot(page, f"meetings-recontact-{lang}")
    assert not problems, "\n".join(problems)

"""Browser: choosing invitees with the staff picker — by kana, with JavaScript (search as
you type, chips) and without (the form's search button) — in Japanese and English, on a
desktop and a 375 px phone (Debian chromium, axe-core on every screen, screenshots)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)
from yakuba.meetings.models import Meeting
from yakuba.org.models import Staff

pytestmark = [pytest.mark.browser]


def _page(browser, live_server, user, *, lang: str, viewport: dict, js: bool = True) -> Any:
    ctx = browser.new_context(viewport=viewport, locale="ja-JP", base_url=live_server.url)
    if not js:
        # No script of the app loads (as when scripts are blocked or fail): htmx and the
        # picker's script are gone, while axe-core can still be injected by the test.
        ctx.route("**/*.js", lambda route: route.abort())
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _fill_meeting(page: Any, title: str) -> None:
    page.locator("#id_title").fill(title)
    page.locator("#id_start").fill("2026-12-01T10:00")
    page.locator("#id_end").fill("2026-12-01T11:00")
    page.locator("#id_platform").select_option("zoom")


@pytest.mark.django_db(transaction=True)
def test_pick_invitees_by_kana(browser, live_server, org, make_user) -> None:
    organiser = make_user("staff", username="organiser", unit_key="madoguchi")
    # A few more people of the division, so that a search has something to narrow.
    for i, (name, kana) in enumerate(
        [("山本 一郎", "ヤマモト イチロウ"), ("山口 次郎", "ヤマグチ ジロウ")]
    ):
        Staff(staff_number=f"31{i}", name=name, name_kana=kana, unit=org["shimin"]).save()
    yamada = org["staff"]["1001"]
    problems: list[str] = []

    # With JavaScript: typing in hiragana finds 山田 as you type; ticking makes a chip.
    for lang, viewport, tag in [("ja", VIEWPORT, "desktop"), ("en", PHONE, "phone")]:
        page = _page(browser, live_server, organiser, lang=lang, viewport=viewport)
        page.goto("/meetings/new/")
        _fill_meeting(page, f"打合せ {lang}")
        search = page.locator("#id_invited_staff_q")
        search.press_sequentially("やまだ", delay=30)
        result = page.locator("#id_invited_staff_results li", has_text="山田 太郎")
        result.wait_for()
        assert page.locator("#id_invited_staff_results li").count() == 1
        assert "1001" not in page.locator("#id_invited_staff_results").inner_text()
        # Nobody of another division is found.
        search.fill("すずき")
        status = page.locator("#id_invited_staff_status")
        status.filter(
            has_text="見つかりませんでした" if lang == "ja" else "Nobody found"
        ).wait_for()
        search.fill("ﾔﾏﾀﾞ")
        result.wait_for()
        result.locator("input").check()
        chip = page.locator("#id_invited_staff_chips li.chip", has_text="山田 太郎")
        chip.wait_for()
        added = "山田 太郎 を追加しました。" if lang == "ja" else "Added 山田 太郎."
        assert status.inner_text().strip() == added
        problems += axe_problems(page, f"picker-js-{lang}-{tag}")
        screenshot(page, f"meetings-picker-js-{lang}-{tag}")
        # A chip is removed with its × button (keyboard), and picked again.
        chip.locator(".chip__remove").press("Enter")
        expect(page.locator("#id_invited_staff_chips li.chip")).to_have_count(0)
        expect(page.locator("#id_invited_staff_q")).to_be_focused()
        search.fill("やまだ たろう")
        result.wait_for()
        result.locator("input").check()
        chip.wait_for()
        page.locator("form.narrow button[type=submit].button:not([name])").click()
        page.wait_for_url("**/meetings/*/")
        meeting = Meeting.objects.get(title=f"打合せ {lang}")
        assert list(meeting.invitees.all()) == [yamada]

    # Without JavaScript: the form's search button lists matches, everything typed is kept.
    for lang, viewport, tag in [("ja", VIEWPORT, "desktop"), ("en", PHONE, "phone")]:
        page = _page(browser, live_server, organiser, lang=lang, viewport=viewport, js=False)
        page.goto("/meetings/new/")
        _fill_meeting(page, f"JSなし {lang}")
        page.locator("#id_invited_staff_q").fill("ヤマ")
        page.locator("button[name=picker_search][value=invited_staff]").click()
        page.wait_for_load_state()
        assert page.locator("#id_title").input_value() == f"JSなし {lang}"
        results = page.locator("#id_invited_staff_results li")
        assert results.count() == 3  # 山田, 山本, 山口
        results.filter(has_text="山田 太郎").locator("input").check()
        problems += axe_problems(page, f"picker-nojs-{lang}-{tag}")
        screenshot(page, f"meetings-picker-nojs-{lang}-{tag}")
        page.locator("form.narrow button[type=submit].button:not([name])").click()
        page.wait_for_url("**/meetings/*/")
        meeting = Meeting.objects.get(title=f"JSなし {lang}")
        assert list(meeting.invitees.all()) == [yamada]
    assert not problems, "\n".join(problems)

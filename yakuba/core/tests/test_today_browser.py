"""The "today" page in a browser: a unit head's morning in Japanese and English, on a
desktop and on a 375 px phone; axe-core on each, nothing wider than the phone, and the
report button leads to the report form."""

from __future__ import annotations

import pytest
import time_machine

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)
from yakuba.core.tests.today_office import MORNING, SMALL, today_office

pytestmark = [pytest.mark.browser]

HEADINGS = {
    "ja": ["今日の勤務", "朝の業務報告", "報告の提出状況", "リモート接続枠", "会議"],
    "en": ["Today's work", "Morning report", "Who has reported", "Remote seats", "Meetings"],
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_today_page_for_a_unit_head(browser, live_server, make_user, org, lang) -> None:
    head = make_user("unit_head", username=f"head-{lang}")
    office = today_office(org, head, SMALL)
    problems: list[str] = []
    with time_machine.travel(MORNING, tick=True):
        cookies = session_cookies(head, live_server.url, verified=True, lang=lang)
        for device, viewport in (("desktop", VIEWPORT), ("phone", PHONE)):
            ctx = browser.new_context(
                viewport=viewport,
                locale="ja-JP" if lang == "ja" else "en-US",
                base_url=live_server.url,
                is_mobile=device == "phone",
                has_touch=device == "phone",
            )
            ctx.set_default_timeout(10_000)
            ctx.add_cookies(cookies)
            page = ctx.new_page()
            page.goto("/")
            assert page.locator("html").get_attribute("lang") == lang
            for name in HEADINGS[lang]:
                assert page.get_by_role("heading", name=name, level=2).is_visible(), name
            problems += axe_problems(page, f"today {lang} {device}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{device}: the page is {width} px wide"
            screenshot(page, f"today-{lang}-{device}")
            screenshot(page, f"today-{lang}-{device}-first-screen", full_page=False)
            if device == "phone":
                button = "報告する" if lang == "ja" else "Report now"
                page.get_by_role("link", name=button, exact=True).click()
                page.wait_for_url(f"{live_server.url}/reports/today/")
                heading = "朝の業務報告" if lang == "ja" else "Morning report"
                assert page.get_by_role("heading", name=heading, level=1).is_visible()
            ctx.close()
    assert office["me"].pk == head.staff.pk
    if problems:
        pytest.fail("axe-core found serious/critical violations:\n" + "\n".join(problems))

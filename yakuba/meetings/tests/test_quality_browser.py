"""Browser: one's own connection quality, the summary by unit and its settings, in
Japanese and English (Debian chromium, axe-core on every screen, screenshots)."""

from __future__ import annotations

from typing import Any

import pytest

from yakuba.core.tests.browser_support import VIEWPORT, axe_problems, screenshot, session_cookies
from yakuba.meetings.tests.factories import quality_objects

pytestmark = [pytest.mark.browser]


def _page(browser, live_server, user, lang: str | None = None) -> Any:
    ctx = browser.new_context(viewport=VIEWPORT, locale="ja-JP", base_url=live_server.url)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


@pytest.mark.django_db(transaction=True)
def test_connection_quality_pages(browser, live_server, org, make_user) -> None:
    from yakuba.accounts.models import User

    q = quality_objects({"org": org})
    person = User.objects.create_user("often-drops", password=None, role="staff")
    q["people"][0].user = person
    q["people"][0].save()
    infosec = make_user("infosec")

    problems: list[str] = []
    for lang in ("ja", "en"):
        me = _page(browser, live_server, person, lang)
        me.goto("/netcheck/history/")
        link = "会議での接続の安定性" if lang == "ja" else "Connection stability in meetings"
        me.get_by_role("link", name=link).click()
        me.wait_for_url("**/meetings/connection/")
        text = me.locator("main").inner_text()
        assert "税務課 定例" in text
        assert ("途切れが多めです" if lang == "ja" else "Frequent drops") in text
        problems += axe_problems(me, f"quality-mine-{lang}")
        screenshot(me, f"meetings-quality-mine-{lang}")

        page = _page(browser, live_server, infosec, lang)
        page.goto("/meetings/connection/units/")
        table = page.locator("main table")
        assert "税務課" in table.inner_text() or "Tax" in table.inner_text()
        assert q["people"][0].name not in page.locator("main").inner_text()
        problems += axe_problems(page, f"quality-summary-{lang}")
        screenshot(page, f"meetings-quality-summary-{lang}")

        page.goto("/meetings/connection/settings/")
        problems += axe_problems(page, f"quality-settings-{lang}")
        screenshot(page, f"meetings-quality-settings-{lang}")
    assert not problems, "\n".join(problems)

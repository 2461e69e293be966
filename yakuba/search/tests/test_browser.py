"""Browser: search in Japanese and English on a desktop and a phone: the query in full-width
letters finds the VPN how-to, the match is marked, the tag filter narrows; axe-core on every
screen; screenshots in /tmp/shots-search/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yakuba.core.tests.browser_support import PHONE, VIEWPORT, axe_problems, session_cookies
from yakuba.search import services
from yakuba.search.tests.conftest import ITEMS, Item

pytestmark = [pytest.mark.browser]

SHOTS = Path("/tmp/shots-search")


def _page(browser: Any, live_server: Any, user: Any, *, lang: str, viewport: dict) -> Any:
    ctx = browser.new_context(
        viewport=viewport, locale="ja-JP" if lang == "ja" else "en-GB", base_url=live_server.url
    )
    ctx.set_default_timeout(15_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=False, lang=lang))
    page = ctx.new_page()
    errors: list[str] = []
    # Script errors and failed responses, but the browser's own favicon request.
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.errors = errors
    return page


@pytest.mark.django_db(transaction=True)
def test_search_finds_the_howto_in_any_width(browser, live_server, make_user, provider) -> None:
    ITEMS[:] = [
        Item(
            1,
            "在宅勤務でVPNに接続する手順",
            "ＶＰＮ端末の電源を入れ、証明書を選んで接続します。" * 3,
            kind="article",
            tags=("VPN 接続", "LGWANテレワーク"),
        ),
        Item(
            2, "自宅からVPNにつながらない", "在宅勤務の日に認証エラーが出ます。", tags=("VPN 接続",)
        ),
        Item(
            3,
            "証明書を更新してください",
            "VPN の証明書の期限切れです。",
            kind="answer",
            accepted=True,
        ),
        Item(4, "複合機で両面印刷する", "ﾌﾟﾘﾝﾀｰのプロパティで両面を選びます。", kind="article"),
    ]
    for item in ITEMS:
        services.index(item)
    user = make_user("staff")
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for lang, viewport, label in [
        ("ja", VIEWPORT, "ja"),
        ("en", VIEWPORT, "en"),
        ("ja", PHONE, "ja-phone"),
    ]:
        page = _page(browser, live_server, user, lang=lang, viewport=viewport)
        page.goto("/search/")
        problems += axe_problems(page, f"{label} empty")
        # From any page: the search box in the header.
        page.goto("/")
        box = page.locator("#header-search-q")
        box.fill("ＶＰＮ")
        box.press("Enter")
        page.locator(".srch-results").wait_for()
        assert page.locator("#srch-q").input_value() == "ＶＰＮ"
        assert page.locator(".srch-results > li").count() == 3
        assert page.locator(".srch-results mark").first.inner_text() in ("VPN", "ＶＰＮ")
        problems += axe_problems(page, f"{label} results")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(SHOTS / f"{label}-results.png"), full_page=True)
        page.goto(
            "/search/?q=%E5%9C%A8%E5%AE%85&tag=LGWAN%E3%83%86%E3%83%AC%E3%83%AF%E3%83%BC%E3%82%AF"
        )
        assert page.locator(".srch-results > li").count() == 1
        page.goto("/search/?q=%25%25")
        problems += axe_problems(page, f"{label} symbols only")
        page.screenshot(path=str(SHOTS / f"{label}-symbols.png"), full_page=True)
        assert not page.errors, page.errors
    assert not problems, problems

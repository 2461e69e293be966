"""Browser: run the connection check against the live server, save it, read the advice.

Debian chromium through Playwright (no downloads); axe-core on every screen. The page
takes its durations from data attributes, shortened here through the settings.
"""

from __future__ import annotations

import pytest

from yakuba.core.tests.browser_support import (
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_check_runs_saves_and_advises(browser, live_server, make_user, settings) -> None:
    from yakuba.netcheck.models import NetcheckResult, NetcheckRun

    settings.NETCHECK_DOWNLOAD_SECONDS = 2
    settings.NETCHECK_UPLOAD_SECONDS = 2
    settings.NETCHECK_STABILITY_SECONDS = 2
    settings.NETCHECK_STREAMS = 2
    settings.NETCHECK_MAX_DOWNLOAD_REQUEST_BYTES = 2 * 1024**2
    settings.NETCHECK_MAX_UPLOAD_REQUEST_BYTES = 1024**2
    user = make_user("staff")
    ctx = browser.new_context(viewport=VIEWPORT, locale="ja-JP", base_url=live_server.url)
    ctx.set_default_timeout(20_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: list[str] = []

    page.goto("/netcheck/")
    page.get_by_role("heading", name="接続チェック", level=1).wait_for()
    assert page.get_by_role("button", name="結果を保存").is_disabled()
    problems += axe_problems(page, "netcheck idle")
    page.get_by_label("測定した場所").select_option("home")
    page.get_by_role("button", name="測定を開始").click()
    page.locator("#netcheck[aria-busy=true]").wait_for()
    problems += axe_problems(page, "netcheck running")
    page.locator("#netcheck[data-state=done]").wait_for(timeout=60_000)
    assert "測定が終わりました" in page.locator("#nc-phase").inner_text()
    down = float(page.locator("#nc-down").inner_text())
    assert down > 0
    assert page.locator("#nc-chart-line").get_attribute("points")
    screenshot(page, "netcheck-done")
    problems += axe_problems(page, "netcheck done")
    # Wi-Fi stated after the test, then saved.
    page.get_by_label("接続方法").select_option("wifi")
    page.get_by_role("button", name="結果を保存").click()
    page.get_by_role("heading", name="接続チェックの結果", level=1).wait_for()
    page.get_by_text("接続チェックの結果を保存しました。").wait_for()
    result = NetcheckResult.objects.get(person=user)
    assert result.place == "home" and result.link == "wifi"
    assert result.download_mbps > 0 and result.upload_mbps > 0 and result.ping_ms > 0
    assert result.ping_series and result.loss_pct < 100
    assert NetcheckRun.objects.get(user=user).finished
    assert page.locator(".nc-advice li").count() >= 1
    problems += axe_problems(page, "netcheck history")
    screenshot(page, "netcheck-history")
    ctx.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)

"""Browser: run the connection check against the live server; it saves itself when done,
the live figure names the right unit in each phase, and place/link are corrected after.

Debian chromium through Playwright (no downloads); axe-core on every screen. The page
takes its durations from data attributes, shortened here through the settings.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)

pytestmark = [pytest.mark.browser]

# The live line while a phase runs: returns its text once the figure has a value.
LIVE_DURING = """(phase) => {
  const status = document.getElementById('nc-phase').textContent;
  const value = document.getElementById('nc-live').textContent;
  if (!status.includes(phase) || value === '—') { return false; }
  return document.getElementById('nc-live-line').textContent.replace(/\\s+/g, ' ').trim();
}"""
PHASES = {
    "ja": {
        "download": ("下りの速度を測定しています", r"現在の速度: [\d.]+ Mbps"),
        "stability": ("接続の安定性を測定しています", r"現在の遅延: [\d.]+ ms"),
    },
    "en": {
        "download": ("Measuring download speed", r"Current speed: [\d.]+ Mbps"),
        "stability": ("Measuring connection stability", r"Current latency: [\d.]+ ms"),
    },
}


def _shorten(settings: Any) -> None:
    settings.NETCHECK_DOWNLOAD_SECONDS = 2
    settings.NETCHECK_UPLOAD_SECONDS = 2
    settings.NETCHECK_STABILITY_SECONDS = 3
    settings.NETCHECK_STREAMS = 2
    settings.NETCHECK_MAX_DOWNLOAD_REQUEST_BYTES = 2 * 1024**2
    settings.NETCHECK_MAX_UPLOAD_REQUEST_BYTES = 1024**2


def _page(browser, live_server, user, *, lang: str, viewport: dict[str, int]) -> Any:
    ctx = browser.new_context(
        viewport=viewport, locale="ja-JP" if lang == "ja" else "en-GB", base_url=live_server.url
    )
    ctx.set_default_timeout(20_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def _live_text(page: Any, lang: str, phase: str) -> str:
    status, pattern = PHASES[lang][phase]
    text = page.wait_for_function(LIVE_DURING, arg=status, timeout=30_000).json_value()
    assert re.fullmatch(pattern, text), text
    return text


@pytest.mark.django_db(transaction=True)
def test_check_saves_itself_and_names_its_units(browser, live_server, make_user, settings) -> None:
    from yakuba.audit.models import AuditEntry
    from yakuba.netcheck.models import NetcheckResult, NetcheckRun

    _shorten(settings)
    user = make_user("staff")
    page = _page(browser, live_server, user, lang="ja", viewport=VIEWPORT)
    problems: list[str] = []

    page.goto("/netcheck/")
    page.get_by_role("heading", name="接続チェック", level=1).wait_for()
    assert page.get_by_role("button", name="結果を保存").is_disabled()
    problems += axe_problems(page, "netcheck idle")
    page.get_by_label("測定した場所").select_option("home")
    page.get_by_role("button", name="測定を開始").click()
    page.locator("#netcheck[aria-busy=true]").wait_for()
    _live_text(page, "ja", "download")
    problems += axe_problems(page, "netcheck running")
    stability = _live_text(page, "ja", "stability")
    assert "Mbps" not in stability
    screenshot(page, "netcheck-ja-desktop-stability")

    # Finished: stored without pressing anything.
    page.locator("#netcheck[data-state=saved]").wait_for(timeout=60_000)
    phase = page.locator("#nc-phase").inner_text()
    assert "結果を保存しました（自宅・有線LAN）" in phase
    result = NetcheckResult.objects.get(person=user)
    assert (result.place, result.link) == ("home", "wired")
    assert result.download_mbps > 0 and result.upload_mbps > 0 and result.ping_ms > 0
    assert result.ping_series and result.loss_pct < 100
    assert result.run == NetcheckRun.objects.get(user=user) and result.run.finished
    assert not page.locator("#nc-live-line").is_visible()
    assert page.locator("#nc-chart-line").get_attribute("points")
    screenshot(page, "netcheck-ja-desktop-saved")
    problems += axe_problems(page, "netcheck saved")

    # Wi-Fi stated afterwards: the same result is corrected, not saved a second time.
    page.get_by_label("接続方法").select_option("wifi")
    page.get_by_role("button", name="場所と接続方法を更新").click()
    page.get_by_role("heading", name="接続チェックの結果", level=1).wait_for()
    page.get_by_text("場所と接続方法を更新しました。").wait_for()
    result = NetcheckResult.objects.get(person=user)
    assert (result.place, result.link) == ("home", "wifi")
    assert AuditEntry.objects.filter(
        object_type="netcheck.netcheckresult", action="update", actor=user
    ).exists()
    assert page.locator(".nc-advice li").count() >= 1
    problems += axe_problems(page, "netcheck history")
    screenshot(page, "netcheck-ja-desktop-history")

    # Later, from the history: place changed on the result's own page.
    page.get_by_role("link", name="場所と接続方法を変更", exact=True).click()
    page.get_by_role("heading", name="場所と接続方法の変更", level=1).wait_for()
    problems += axe_problems(page, "netcheck edit")
    screenshot(page, "netcheck-ja-desktop-edit")
    page.get_by_label("測定した場所").select_option("office")
    page.get_by_role("button", name="変更を保存").click()
    page.get_by_text("場所と接続方法を更新しました。").wait_for()
    assert NetcheckResult.objects.get(person=user).place == "office"
    assert NetcheckResult.objects.count() == 1

    errors = page.errors
    page.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_check_on_a_phone_in_english(browser, live_server, make_user, settings) -> None:
    from yakuba.netcheck.models import NetcheckResult

    _shorten(settings)
    user = make_user("staff")
    page = _page(browser, live_server, user, lang="en", viewport=PHONE)
    problems: list[str] = []

    page.goto("/netcheck/")
    page.get_by_role("heading", name="Connection check", level=1).wait_for()
    screenshot(page, "netcheck-en-phone-idle")
    page.get_by_role("button", name="Start the test").click()
    _live_text(page, "en", "download")
    assert "Mbps" not in _live_text(page, "en", "stability")
    page.locator("#netcheck[data-state=saved]").wait_for(timeout=60_000)
    assert NetcheckResult.objects.filter(person=user).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    problems += axe_problems(page, "netcheck en phone saved")
    screenshot(page, "netcheck-en-phone-saved")
    page.goto("/netcheck/history/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    problems += axe_problems(page, "netcheck en phone history")
    screenshot(page, "netcheck-en-phone-history")
    page.get_by_role("link", name="Change place and connection", exact=True).click()
    page.get_by_role("heading", level=1).wait_for()
    problems += axe_problems(page, "netcheck en phone edit")
    screenshot(page, "netcheck-en-phone-edit")
    errors = page.errors
    page.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)

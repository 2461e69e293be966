"""Browser: an HR export through the mapping step (ja), then the next export with the saved
preset in one click (en). axe-core on each screen; screenshots of both languages.

Debian chromium through Playwright (no downloads) against the live server; tasks run
inline in tests, so each step's page is ready when the redirect lands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)
from yakuba.org.tests import hr_export

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-hrmap")


def _page(browser, live_server, user, *, lang: str, viewport=VIEWPORT) -> Any:
    ctx = browser.new_context(
        viewport=viewport, locale="ja-JP" if lang == "ja" else "en-GB", base_url=live_server.url
    )
    ctx.set_default_timeout(15_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Every response but the browser's own favicon request (the app links none).
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


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    screenshot(page, f"hrmap-{name}")


def _upload(page: Any, path: Path, button: str) -> None:
    page.goto("/org/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=button).click()


@pytest.mark.django_db(transaction=True)
def test_hr_export_mapped_in_the_browser_then_reused(browser, live_server, make_user) -> None:
    from yakuba.org.models import ImportPreset, Staff

    hr = make_user("hr")
    page = _page(browser, live_server, hr, lang="ja")
    _upload(page, hr_export.CSV_PATH, "検査する")
    page.get_by_role("link", name="列の対応付けへ進む").click()
    page.get_by_role("heading", name="列の対応付け", exact=True).wait_for()
    # The suggestions are on screen, each select labelled by its column's header.
    assert page.get_by_label("姓カナ", exact=True).input_value() == "surname_kana"
    assert page.get_by_label("係", exact=True).input_value() == "unit_level_3"
    assert page.get_by_label("見出しの行").input_value() == str(hr_export.HEADER_ROW)
    assert axe_problems(page, "mapping ja") == []
    _shot(page, "mapping-ja")

    # A mistake first: the message is on the page and the choice is kept.
    page.get_by_label("職名", exact=True).select_option("staff_number")
    page.get_by_role("button", name="この対応付けで検査する").click()
    alert = page.get_by_role("alert")
    assert "「職員番号」に2つの列" in alert.inner_text()
    assert axe_problems(page, "mapping error ja") == []
    _shot(page, "mapping-error-ja")
    page.get_by_label("職名", exact=True).select_option("position")
    page.get_by_label("保存する名前").fill("人事給与システム")
    page.get_by_role("button", name="この対応付けで検査する").click()

    page.get_by_role("link", name="雇用区分の対応付けへ進む").click()
    page.get_by_role("heading", name="雇用区分の対応付け").wait_for()
    page.get_by_label("正職員").select_option("regular")
    page.get_by_label("嘱託").select_option("fiscal_year")
    page.get_by_label("派遣").select_option("skip")
    assert axe_problems(page, "labels ja") == []
    _shot(page, "labels-ja")
    page.get_by_role("button", name="検査する").click()
    page.get_by_role("button", name="取り込みを確定する").wait_for()
    assert axe_problems(page, "preview ja") == []
    _shot(page, "preview-ja")
    page.get_by_role("button", name="取り込みを確定する").click()
    page.get_by_text("取り込みました").wait_for()
    assert Staff.objects.get(staff_number="5001").name == "髙橋 健一"
    assert page.errors == []
    page.context.close()

    # The next export, in English, on a phone: the preset is proposed; one click checks it.
    page = _page(browser, live_server, hr, lang="en", viewport=PHONE)
    _upload(page, hr_export.XLSX_PATH, "Check")
    page.get_by_role("link", name="Map the columns").click()
    page.get_by_role("heading", name="Saved mappings").wait_for()
    assert axe_problems(page, "mapping en") == []
    _shot(page, "mapping-en-phone")
    page.get_by_role("button", name="Check with “人事給与システム”").click()
    page.get_by_role("button", name="Confirm import").wait_for()
    _shot(page, "preview-en-phone")

    page.goto("/org/import/presets/")
    assert axe_problems(page, "presets en") == []
    _shot(page, "presets-en-phone")
    assert ImportPreset.objects.get().name == "人事給与システム"
    assert page.errors == []
    page.context.close()

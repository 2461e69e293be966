"""Browser: HR reads a closed anonymous survey's results, breaks them down, opens the
free-text groups (htmx) and filters to a group too small to show. Debian chromium,
axe-core on every screen, screenshots in Japanese and English (/tmp/shots-surveyresults)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from yakuba.core.tests.browser_support import VIEWPORT, axe_problems, screenshot, session_cookies
from yakuba.surveys.tests.results_factories import make_survey, respond

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-surveyresults")

TEXTS = [
    "VPNが遅くて資料のダウンロードに時間がかかった",
    "ＶＰＮにつながらない日があった",
    "子どもの送迎に間に合うので助かった",
    "子供が熱を出した日も仕事ができた",
    "ウェブ会議の音声が途切れる",
    "Web会議で画面共有ができなかった",
    "紙の決裁のために出勤した",
]


def _shot(page: Any, name: str) -> None:
    path = screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_hr_reads_the_results(browser, live_server, org, make_user, lang) -> None:
    from yakuba.org.models import Unit

    kaikei = Unit.objects.create(code="140", name="会計課", kind="division", parent=org["dept"])
    survey = make_survey()
    for i in range(14):
        respond(
            survey,
            division=[org["shimin"], org["zeimu"], kaikei][i % 3],
            band=["0", "1-4", "5-9"][i % 2],
            scale=[5, 4, 4, 3, 2][i % 5],
            choice=["vpn", "thin", "other"][i % 3],
            other_text="自宅のWi-Fi" if i % 3 == 2 else "",
            multiple=["line"] if i % 2 else ["line", "system"],
            number=i % 6,
            text=TEXTS[i % len(TEXTS)],
        )
    respond(survey, division=org["madoguchi"], role="unit_head", scale=1, text="一人だけの回答")
    hr = make_user("hr")
    ctx = browser.new_context(
        viewport=VIEWPORT, locale="ja-JP" if lang == "ja" else "en-GB", base_url=live_server.url
    )
    ctx.set_default_timeout(20_000)
    ctx.add_cookies(session_cookies(hr, live_server.url, verified=True, lang=lang))
    ctx.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}]
    )
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: list[str] = []

    page.goto("/surveys/results/")
    page.get_by_role("link", name="テレワーク実施状況調査").click()
    page.get_by_role("heading", level=1).wait_for()
    page.get_by_label("内訳" if lang == "ja" else "Breakdown", exact=True).select_option("band")
    page.get_by_role("button", name="表示" if lang == "ja" else "Show").click()
    page.wait_for_url("**by=band**")
    # The free-text groups load as the reader scrolls to them.
    page.locator("[id^=texts-]").last.scroll_into_view_if_needed()
    page.locator(".text-groups table").first.wait_for()
    text = page.content()
    assert "VPN" in text and "ＶＰＮにつながらない日があった" in text
    assert "一人だけの回答" in text  # the text itself, never beside who wrote it
    assert "窓口係" not in text  # a unit of one is never a row, filter or label
    problems += axe_problems(page, f"results {lang}")
    _shot(page, f"surveyresults-{lang}-results")

    page.get_by_label("絞り込み" if lang == "ja" else "Filter", exact=True).select_option(index=1)
    page.get_by_role("button", name="表示" if lang == "ja" else "Show").click()
    page.wait_for_load_state()
    problems += axe_problems(page, f"filtered {lang}")
    _shot(page, f"surveyresults-{lang}-filtered")

    page.goto(f"/surveys/results/{survey.pk}/?filter=unit:{org['madoguchi'].pk}")
    page.get_by_role("status").first.wait_for()
    assert "5" in page.get_by_role("status").first.inner_text()
    problems += axe_problems(page, f"too small {lang}")
    _shot(page, f"surveyresults-{lang}-too-small")
    assert not errors, errors
    assert not problems, problems
    ctx.close()

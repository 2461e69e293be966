"""Browser: the information division reads 「ナレッジの広がり」 (matrix, trend chart and its
table) in Japanese and English, and a helper reads their own thanks (axe-core)."""

from __future__ import annotations

from typing import Any

import pytest

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)
from yakuba.knowledge.models import Helpful
from yakuba.knowledge.tests.factories import make_answer, make_question
from yakuba.knowledge.tests.test_crossing_views import _city, _small_department

pytestmark = [pytest.mark.browser]


def _page(browser, live_server, user, lang: str | None = None, viewport=VIEWPORT) -> Any:
    ctx = browser.new_context(viewport=viewport, locale="ja-JP", base_url=live_server.url)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


@pytest.mark.django_db(transaction=True)
def test_the_information_division_sees_knowledge_crossing_departments(
    browser, live_server, org, make_user
) -> None:
    city = _city(people=6, questions=5)
    _small_department()
    infosec = make_user("infosec", username="infosec")
    problems: list[str] = []

    page = _page(browser, live_server, infosec)
    page.goto("/")
    page.get_by_role("link", name="ナレッジの広がり").first.click()
    page.wait_for_url("**/knowledge/crossing/")
    assert page.get_by_role("heading", name="ナレッジの広がり").is_visible()
    summary = page.locator(".kn-crossing-facts")
    assert "100.0%（5/5）" in summary.inner_text()
    matrix = page.get_by_role(
        "table",
        name="最初の回答（回答者 → 質問者）の件数（部ごと、行：助けた側 × 列：助けられた側）",
    )
    zeimu_row = matrix.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name="税務部", exact=True)
    )
    assert zeimu_row.inner_text().split() == ["税務部", "5", "0", "0", "5"]
    assert page.locator("svg[role='img']").count() == 1
    problems += axe_problems(page, "crossing ja")
    screenshot(page, "knowledge-crossing-ja")

    page.get_by_label("数えるもの").select_option("training")
    page.get_by_label("分け方").select_option("level")
    page.get_by_role("button", name="表示").click()
    page.wait_for_url("**measure=training**")
    assert page.get_by_role("columnheader", name="係員級").is_visible()
    problems += axe_problems(page, "crossing training by level")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel（.xlsx）でダウンロード").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    en = _page(browser, live_server, infosec, lang="en")
    en.goto("/knowledge/crossing/")
    assert en.get_by_role("heading", name="Knowledge across boundaries").is_visible()
    problems += axe_problems(en, "crossing en")
    screenshot(en, "knowledge-crossing-en")

    phone = _page(browser, live_server, infosec, viewport=PHONE)
    phone.goto("/knowledge/crossing/")
    problems += axe_problems(phone, "crossing phone")
    screenshot(phone, "knowledge-crossing-phone")

    # A helper sees the people they helped on their own helper page.
    helper_user = make_user("staff", unit_key="zeimu", username="helper")
    me = helper_user.staff
    question = make_question(city["soumu"][0], "プリンターで印刷できません")
    answer = make_answer(question, me, accepted=True)
    Helpful.objects.create(answer=answer, staff=city["soumu"][0])
    mine = _page(browser, live_server, helper_user)
    mine.goto("/knowledge/helpers/me/")
    thanks = mine.get_by_role("region", name="あなたが助けた人")
    assert "解決した回答に選ばれました" in thanks.inner_text()
    problems += axe_problems(mine, "my thanks ja")
    screenshot(mine, "knowledge-my-thanks-ja")
    mine_en = _page(browser, live_server, helper_user, lang="en")
    mine_en.goto("/knowledge/helpers/me/")
    screenshot(mine_en, "knowledge-my-thanks-en")
    assert problems == []

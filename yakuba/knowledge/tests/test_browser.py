"""Browser: ask → a helper in another unit answers → the asker accepts → the answer
becomes a how-to, in Japanese and English and on a phone (Debian chromium, axe-core)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)
from yakuba.knowledge.models import Article, HelperNotification, Question
from yakuba.knowledge.tests.factories import make_helper
from yakuba.notifications.models import Notice

pytestmark = [pytest.mark.browser]


def _page(browser, live_server, user, lang: str | None = None, viewport=VIEWPORT) -> Any:
    ctx = browser.new_context(viewport=viewport, locale="ja-JP", base_url=live_server.url)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 160), (240, 240, 240)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_ask_answer_accept_and_turn_into_a_how_to(
    browser, live_server, org, make_user, tmp_path
) -> None:
    asker = make_user("staff", username="asker")  # 市民課
    helper_user = make_user("staff", unit_key="zeimu", username="helper")  # 税務課
    make_helper(helper_user.staff, "vpn", "zoom", availability="平日の午後", extension="2301")
    shot = tmp_path / "error809.png"
    shot.write_bytes(_png())
    problems: list[str] = []

    page = _page(browser, live_server, asker)
    page.goto("/knowledge/")
    problems += axe_problems(page, "questions (empty)")
    page.get_by_role("link", name="質問する").click()
    page.get_by_label("件名").fill("自宅からVPN端末がつながりません")
    page.get_by_label("本文").fill(
        "接続を押すと **エラー809** が出ます。\n\n- 自宅のWi-Fi\n- ルーターは初期設定"
    )
    page.get_by_label("VPN 接続").check()
    page.get_by_label("スクリーンショット・ファイル").set_input_files(str(shot))
    problems += axe_problems(page, "ask")
    screenshot(page, "knowledge-ask-ja")
    page.get_by_role("button", name="質問を投稿").click()
    page.wait_for_url("**/knowledge/q/*/")
    question = Question.objects.get()
    assert HelperNotification.objects.filter(question=question).count() == 1
    assert Notice.objects.filter(recipient=helper_user, subject__contains="VPN端末").exists()
    assert page.get_by_role("img", name="添付画像：error809.png").is_visible()

    helper = _page(browser, live_server, helper_user)
    helper.goto("/knowledge/helpers/")
    assert (
        helper.get_by_role("region", name="ICTサポーターの一覧")
        .get_by_text("内線 2301")
        .is_visible()
    )
    problems += axe_problems(helper, "helpers")
    screenshot(helper, "knowledge-helpers-ja")
    helper.goto(f"/knowledge/q/{question.pk}/")
    helper.locator("#answer_body").fill(
        "ルーターの **VPNパススルー** を有効にして、電源を入れ直してください。"
    )
    helper.get_by_role("button", name="回答を投稿").click()
    helper.wait_for_url(f"**/knowledge/q/{question.pk}/#answer-*")

    page.reload()
    page.get_by_role("button", name="解決した回答に選ぶ").click()
    expect(page.get_by_text("解決した回答に選びました。")).to_be_visible()
    problems += axe_problems(page, "question (accepted)")
    screenshot(page, "knowledge-question-ja")
    page.get_by_role("button", name="この回答を手順書にする").click()
    page.wait_for_url("**/knowledge/howto/*/")
    article = Article.objects.get()
    assert page.locator("h1").inner_text() == "自宅からVPN端末がつながりません"
    assert "VPNパススルー" in page.locator(".kn-body").inner_text()
    problems += axe_problems(page, "howto")
    screenshot(page, "knowledge-howto-ja")
    page.get_by_role("link", name="編集").click()
    page.get_by_label("変更内容").fill("手順を番号付きに")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    page.get_by_role("link", name="版の履歴").click()
    # The click only starts the navigation: wait for the history page before reading it.
    page.wait_for_url("**/history/")
    page.get_by_role("link", name="第2版").wait_for()
    problems += axe_problems(page, "history")

    # Found from the header's search box, in full width, and opened from the results.
    box = page.locator("#header-search-q")
    box.fill("ＶＰＮ　ルーター")
    box.press("Enter")
    page.locator(".srch-results").wait_for()
    problems += axe_problems(page, "search results")
    screenshot(page, "knowledge-search-ja")
    page.locator(".srch-results").get_by_role("link", name=article.title).first.click()
    page.wait_for_url(f"**{article.get_absolute_url()}")

    en = _page(browser, live_server, asker, lang="en")
    en.goto(f"/knowledge/q/{question.pk}/")
    assert "Accepted answer" in en.content()
    problems += axe_problems(en, "question (en)")
    screenshot(en, "knowledge-question-en")
    en.goto("/knowledge/helpers/")
    problems += axe_problems(en, "helpers (en)")
    screenshot(en, "knowledge-helpers-en")
    en.goto(article.get_absolute_url())
    screenshot(en, "knowledge-howto-en")

    phone = _page(browser, live_server, asker, viewport=PHONE)
    phone.goto(f"/knowledge/q/{question.pk}/")
    problems += axe_problems(phone, "question (phone)")
    screenshot(phone, "knowledge-question-phone")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert not problems, "\n".join(problems)

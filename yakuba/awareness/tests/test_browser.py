"""Browser: answer this week's questions on a phone (390×844), in Japanese and English,
and the question offered after the morning report; axe-core on every screen.

Debian chromium through Playwright (no downloads).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yakuba.core.tests.browser_support import axe_problems, screenshot, session_cookies

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


def _page(browser: Any, live_server: Any, user: Any, lang: str) -> Any:
    ctx = browser.new_context(
        viewport=PHONE,
        locale="ja-JP" if lang == "ja" else "en-GB",
        base_url=live_server.url,
        has_touch=True,
        is_mobile=True,
    )
    ctx.set_default_timeout(20_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.django_db(transaction=True)
def test_answer_this_weeks_questions_on_a_phone(browser, live_server, make_user) -> None:
    from yakuba.awareness.bank import load_starter_bank
    from yakuba.awareness.models import Card, Question, Review
    from yakuba.awareness.tests.factories import due_card

    load_starter_bank(actor=None)
    user = make_user("staff")
    phishing = Question.objects.get(code="Q-PH-01")
    multiple = Question.objects.get(code="Q-PH-02")
    due_card(user.staff, phishing)
    due_card(user.staff, multiple)
    page = _page(browser, live_server, user, "ja")
    problems: list[str] = []

    page.goto("/")
    page.get_by_role("heading", name="今週の問題 2問").wait_for()
    screenshot(page, "awareness-ja-phone-home")
    page.get_by_role("link", name="問題に答える").click()
    page.get_by_role("heading", name="今週の問題", level=1).wait_for()
    assert _fits(page)
    problems += axe_problems(page, "awareness question")
    screenshot(page, "awareness-ja-phone-question")
    # Sent without a choice: told what to do, nothing stored.
    page.get_by_role("button", name="回答する").click()
    page.get_by_text("選択肢を選んでください。").wait_for()
    assert not Review.objects.exists()
    page.get_by_label("リンクは開かず、「不審なメールを報告」から報告する").check()
    page.get_by_role("button", name="回答する").click()
    page.get_by_role("heading", name="答え合わせ", level=1).wait_for()
    page.get_by_text("正解です").wait_for()
    assert "急がせてIDとパスワードを入力させる" in page.content()
    assert _fits(page)
    problems += axe_problems(page, "awareness result right")
    screenshot(page, "awareness-ja-phone-right")

    page.get_by_role("link", name="次の問題へ（残り1問）").click()
    page.get_by_role("heading", name="今週の問題", level=1).wait_for()
    page.get_by_text("当てはまるものをすべて選んでください").wait_for()
    page.get_by_label("知っている人の名前だが、アドレスのドメインがいつもと違う").check()
    page.get_by_role("button", name="回答する").click()
    page.get_by_text("不正解です").wait_for()  # one of three signs: not all of them
    problems += axe_problems(page, "awareness result wrong")
    screenshot(page, "awareness-ja-phone-wrong")
    card = Card.objects.get(staff=user.staff, question=multiple)
    right = Card.objects.get(staff=user.staff, question=phishing)
    assert card.lapses == 1 and card.due < right.due

    page.get_by_role("link", name="ホームに戻る").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="今週の問題 2問")).to_have_count(0)
    page.goto("/security/")
    page.get_by_text("今週の問題にはすべて答えました。").wait_for()
    problems += axe_problems(page, "security hub")
    screenshot(page, "awareness-ja-phone-hub")
    errors = page.errors
    page.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_the_morning_offer_in_english_on_a_phone(browser, live_server, make_user) -> None:
    from yakuba.awareness.bank import load_starter_bank
    from yakuba.awareness.models import Question, Review
    from yakuba.awareness.tests.factories import due_card
    from yakuba.dailyreports.tests.factories import submitted_report, window_for

    load_starter_bank(actor=None)
    user = make_user("staff")
    window_for(user.staff.unit)
    submitted_report(user.staff, timezone.localdate())
    due_card(user.staff, Question.objects.get(code="Q-PW-02"))
    page = _page(browser, live_server, user, "en")
    problems: list[str] = []

    page.goto("/reports/today/")
    page.get_by_role(
        "heading", level=2, name="Thank you for your report. How about one question?"
    ).wait_for()
    assert _fits(page)
    problems += axe_problems(page, "morning offer en")
    screenshot(page, "awareness-en-phone-offer")
    page.get_by_label("誤り").check()  # the bank is Japanese content whatever the UI language
    page.get_by_role("button", name="Answer").click()
    page.locator(".aw-verdict--right").wait_for()
    problems += axe_problems(page, "result en")
    screenshot(page, "awareness-en-phone-result")
    assert Review.objects.get().via == "morning"
    page.get_by_role("link", name="Back to the morning report").click()
    page.get_by_role("heading", level=1).wait_for()
    assert page.get_by_role("button", name="Not today").count() == 0
    page.goto("/security/awareness/lessons/")
    problems += axe_problems(page, "lessons en")
    screenshot(page, "awareness-en-phone-lessons")
    errors = page.errors
    page.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_infosec_bank_page(browser, live_server, make_user) -> None:
    user = make_user("infosec")
    page = _page(browser, live_server, user, "ja")
    page.set_viewport_size({"width": 1280, "height": 900})
    problems: list[str] = []
    page.goto("/security/awareness/bank/")
    page.get_by_role("button", name="スターター問題集を読み込む").click()
    page.get_by_text("スターター問題集を読み込みました").wait_for()
    problems += axe_problems(page, "bank list")
    screenshot(page, "awareness-ja-bank", full_page=False)
    page.get_by_role("link", name="Q-PH-01").click()
    page.get_by_role("heading", level=1).wait_for()
    problems += axe_problems(page, "question form")
    screenshot(page, "awareness-ja-question-form")
    page.context.close()
    assert not problems, "\n".join(problems)

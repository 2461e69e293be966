"""Browser: answer a survey on a phone-sized screen (section by section, a question shown by
an earlier answer on the same page, a missing answer pointed out, a draft kept, the
submit), in Japanese and English; the builder's pages for the planning unit. Debian
chromium through Playwright; axe-core on every screen; screenshots in /tmp/shots-surveys/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from yakuba.core.tests.browser_support import PHONE, VIEWPORT, axe_problems, session_cookies

pytestmark = [pytest.mark.browser]

SHOTS = Path("/tmp/shots-surveys")


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _page(browser, live_server, user, *, lang: str, viewport: dict[str, int]) -> Any:
    ctx = browser.new_context(
        viewport=viewport, locale="ja-JP" if lang == "ja" else "en-GB", base_url=live_server.url
    )
    ctx.set_default_timeout(15_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.mark.django_db(transaction=True)
def test_answer_a_survey_on_a_phone(browser, live_server, make_user, org) -> None:
    from yakuba.surveys.models import Answer, Draft, Response
    from yakuba.surveys.tests.factories import launched, make_survey

    user = make_user("staff")
    survey = make_survey(title="テレワーク実施状況調査")
    launched(survey, [user.staff], telework_days={user.staff.pk: 4})
    problems: list[str] = []

    page = _page(browser, live_server, user, lang="ja", viewport=PHONE)
    page.goto("/")
    page.get_by_role("heading", name="アンケートへのご回答のお願い").wait_for()
    shot(page, "ja-phone-home-panel")
    page.get_by_role("link", name="テレワーク実施状況調査").first.click()
    page.get_by_role("heading", name="基本").wait_for()
    problems += axe_problems(page, "page 1")
    _fits(page)
    # The follow-up of 「はい」 is hidden until 「はい」 is chosen (same page, script).
    follow_up = page.get_by_label("在宅勤務で良かったこと")
    assert not follow_up.is_visible()
    shot(page, "ja-phone-page1")
    page.get_by_label("4. ややそう思う").first.check()
    page.get_by_label("はい").check()
    expect(follow_up).to_be_visible()
    page.get_by_label("紙の決裁").check()
    # 「次へ」 with the follow-up and the telework question left empty: pointed out.
    page.get_by_role("button", name="次へ").click()
    page.get_by_text("回答に確認が必要な箇所があります。").wait_for()
    problems += axe_problems(page, "page 1 with errors")
    shot(page, "ja-phone-page1-errors")
    follow_up.fill("通勤時間が減り、朝に余裕ができた。")
    page.locator(".sv-question", has_text="孤独を感じた").get_by_label(
        "2. あまりそう思わない"
    ).check()
    page.get_by_role("button", name="次へ").click()
    page.get_by_role("heading", name="詳細").wait_for()
    problems += axe_problems(page, "page 2")
    _fits(page)
    page.get_by_label("希望日数").fill("2")
    # Stop and come back later: the draft keeps it.
    page.get_by_role("button", name="一時保存して後で続ける").click()
    page.get_by_text("一時保存しました").wait_for()
    assert Draft.objects.filter(staff=user.staff).exists()
    page.goto("/surveys/")
    shot(page, "ja-phone-mine")
    page.get_by_role("link", name="テレワーク実施状況調査").click()
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_label("希望日数")).to_have_value("2")
    shot(page, "ja-phone-page2")
    page.get_by_role("button", name="回答を送信").click()
    page.get_by_text("ご回答ありがとうございました").wait_for()
    shot(page, "ja-phone-done")
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(survey=survey, text__contains="朝に余裕").exists()
    assert not Draft.objects.exists()
    # Script and CSP errors only (the 400 of the page with errors is logged too).
    assert not [e for e in page.errors if "Content Security Policy" in e or "Error" in e], (
        page.errors
    )

    # English, a second person.
    other = make_user("unit_head", username="head-en")
    launched_more = make_survey(title="Telework survey")
    launched(launched_more, [other.staff])
    page = _page(browser, live_server, other, lang="en", viewport=PHONE)
    page.goto(f"/surveys/{launched_more.pk}/")
    page.get_by_role("button", name="Next").wait_for()
    problems += axe_problems(page, "en page 1")
    _fits(page)
    shot(page, "en-phone-page1")
    page.get_by_role("button", name="Next").click()
    page.get_by_text("Some answers need checking.").wait_for()
    shot(page, "en-phone-page1-errors")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_the_planning_unit_builds_and_launches_from_the_template(
    browser, live_server, make_user, org
) -> None:
    from yakuba.surveys.models import Survey

    planner = make_user("planning", username="planner")
    problems: list[str] = []
    for lang in ("ja", "en"):
        page = _page(browser, live_server, planner, lang=lang, viewport=VIEWPORT)
        page.goto("/surveys/manage/")
        problems += axe_problems(page, f"{lang} list")
        button = (
            "ひな形「テレワーク実施状況調査」から作成"
            if lang == "ja"
            else ("Create from the template “テレワーク実施状況調査”")
        )
        page.get_by_role("button", name=button).click()
        page.locator(".facts").wait_for()
        problems += axe_problems(page, f"{lang} detail")
        shot(page, f"{lang}-desktop-detail")
        survey = Survey.objects.filter(is_template=False).latest("pk")
        page.goto(f"/surveys/manage/{survey.pk}/preview/")
        problems += axe_problems(page, f"{lang} preview")
        shot(page, f"{lang}-desktop-preview")
        page.goto(f"/surveys/manage/{survey.pk}/edit/")
        problems += axe_problems(page, f"{lang} settings")
        shot(page, f"{lang}-desktop-settings")
        question = survey.questions.filter(show_if_choice__isnull=False).first()
        page.goto(f"/surveys/manage/questions/{question.pk}/edit/")
        problems += axe_problems(page, f"{lang} question")
        shot(page, f"{lang}-desktop-question")
    assert not problems, "\n".join(problems)

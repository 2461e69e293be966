"""Browser: take a course on a phone-sized screen from 「わたしのセキュリティ」 (lesson,
questions with their explanations, a failed result, the retake, the pass), in Japanese
and in English; infosec's progress and the score pages. Debian chromium through
Playwright; axe-core on every screen; screenshots in /tmp/shots-campaigns/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from yakuba.core.tests.browser_support import PHONE, VIEWPORT, axe_problems, session_cookies

pytestmark = [pytest.mark.browser]

SHOTS = Path("/tmp/shots-campaigns")


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


def _answer(page: Any, choices: list[str], submit: str, next_label: str) -> None:
    for label in choices:
        page.get_by_label(label).check()
    page.get_by_role("button", name=submit).click()
    page.locator("#feedback").wait_for()
    page.get_by_role("link", name=next_label).first.click()


@pytest.mark.django_db(transaction=True)
def test_take_a_course_on_a_phone(browser, live_server, make_user, org) -> None:
    from yakuba.campaigns.models import Assignment
    from yakuba.campaigns.tests.factories import launched, make_campaign, make_course

    user = make_user("staff")
    course = make_course(pass_percent=75, title="在宅勤務を始める前の研修")
    today = timezone.localdate()
    campaign = make_campaign(course=course, due_on=today + dt.timedelta(days=3))
    campaign.title = "在宅勤務を始める前の研修（12月）"
    campaign.save()
    (assignment,) = launched(campaign, [user.staff])

    page = _page(browser, live_server, user, lang="ja", viewport=PHONE)
    problems: list[str] = []
    page.goto("/")
    page.get_by_role("heading", name="セキュリティ研修").wait_for()
    shot(page, "ja-phone-home-panel")
    page.goto("/security/")
    page.get_by_role("heading", name="研修・キャンペーン", level=2).wait_for()
    problems += axe_problems(page, "my security")
    _fits(page)
    shot(page, "ja-phone-my-security")
    page.get_by_role("link", name="在宅勤務を始める前の研修（12月）").first.click()
    page.get_by_role("button", name="始める").wait_for()
    problems += axe_problems(page, "intro")
    shot(page, "ja-phone-intro")
    page.get_by_role("button", name="始める").click()

    # Lesson, two questions, lesson, two questions: half right the first time.
    page.get_by_role("heading", name="在宅勤務の基本").wait_for()
    problems += axe_problems(page, "lesson")
    _fits(page)
    shot(page, "ja-phone-lesson")
    page.get_by_role("button", name="読みました・次へ").click()
    page.get_by_text("業務データはどこで扱う？").wait_for()
    problems += axe_problems(page, "question")
    _fits(page)
    shot(page, "ja-phone-question")
    page.get_by_label("貸与端末").check()
    page.get_by_role("button", name="答える").click()
    page.get_by_role("heading", name="✓ 正解です").wait_for()
    problems += axe_problems(page, "feedback")
    _fits(page)
    shot(page, "ja-phone-feedback")
    page.get_by_role("link", name="次へ").click()
    _answer(page, ["○"], "答える", "次へ")
    page.get_by_role("button", name="読みました・次へ").click()
    _answer(page, ["付箋に書く"], "答える", "次へ")
    page.get_by_label("黙る").check()
    page.get_by_role("button", name="答える").click()
    page.get_by_role("heading", name="✗ 不正解です").wait_for()
    shot(page, "ja-phone-feedback-wrong")
    page.get_by_role("link", name="結果を見る").click()
    page.get_by_text("2 / 4 問正解（50%）").wait_for()
    assert page.get_by_text("不合格").is_visible()
    problems += axe_problems(page, "result failed")
    _fits(page)
    shot(page, "ja-phone-result-failed")

    # Retake until passed.
    page.get_by_role("button", name="もう一度受ける").click()
    page.get_by_role("button", name="読みました・次へ").click()
    _answer(page, ["貸与端末"], "答える", "次へ")
    _answer(page, ["○"], "答える", "次へ")
    page.get_by_role("button", name="読みました・次へ").click()
    _answer(page, ["多要素認証", "使い回さない"], "答える", "次へ")
    _answer(page, ["報告する"], "答える", "結果を見る")
    page.get_by_text("4 / 4 問正解（100%）").wait_for()
    problems += axe_problems(page, "result passed")
    shot(page, "ja-phone-result-passed")
    assert Assignment.objects.get(pk=assignment.pk).completed_at is not None

    errors = page.errors
    page.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_in_english_on_a_phone(browser, live_server, make_user, org) -> None:
    from yakuba.campaigns.tests.factories import launched, make_campaign

    user = make_user("staff")
    (assignment,) = launched(make_campaign(codes=("t-lesson-2", "t-q-3")), [user.staff])
    page = _page(browser, live_server, user, lang="en", viewport=PHONE)
    problems: list[str] = []
    page.goto(f"/security/campaigns/mine/{assignment.pk}/")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Read · next").click()
    problems += axe_problems(page, "en question")
    _fits(page)
    shot(page, "en-phone-question")
    page.get_by_label("多要素認証").check()
    page.get_by_role("button", name="Answer").click()
    page.get_by_role("heading", name="✗ Incorrect").wait_for()
    problems += axe_problems(page, "en feedback")
    shot(page, "en-phone-feedback")
    page.get_by_role("link", name="See the result").click()
    page.get_by_text("All steps done").wait_for()
    shot(page, "en-phone-result")
    page.goto("/security/")
    problems += axe_problems(page, "en my security")
    _fits(page)
    shot(page, "en-phone-my-security")
    page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_infosec_progress_and_scores(browser, live_server, make_user, org) -> None:
    from yakuba.campaigns.models import Assignment
    from yakuba.campaigns.tests.factories import launched, make_campaign

    infosec = make_user("infosec")
    today = timezone.localdate()
    campaign = make_campaign(
        title="標的型攻撃メールに備える",
        starts_on=today - dt.timedelta(days=9),
        due_on=today - dt.timedelta(days=1),
    )
    staff = org["staff"]
    first, *_rest = launched(campaign, [staff["1001"], staff["1002"], staff["2001"]])
    Assignment.objects.filter(pk=first.pk).update(
        started_at=timezone.now(), completed_at=timezone.now()
    )
    problems: list[str] = []
    for lang in ("ja", "en"):
        page = _page(browser, live_server, infosec, lang=lang, viewport=VIEWPORT)
        page.goto(f"/security/campaigns/{campaign.pk}/")
        page.get_by_role("heading", level=1).wait_for()
        problems += axe_problems(page, f"{lang} campaign detail")
        shot(page, f"{lang}-desktop-campaign-detail")
        page.goto("/security/campaigns/new/")
        problems += axe_problems(page, f"{lang} campaign form")
        shot(page, f"{lang}-desktop-campaign-form")
        page.goto("/security/campaigns/scores/")
        problems += axe_problems(page, f"{lang} scores")
        shot(page, f"{lang}-desktop-scores")
        page.goto(f"/security/campaigns/scores/units/{org['shimin'].pk}/")
        problems += axe_problems(page, f"{lang} unit scores")
        shot(page, f"{lang}-desktop-unit-scores")
        page.context.close()
    assert not problems, "\n".join(problems)

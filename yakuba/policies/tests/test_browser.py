"""Browser: the responsible unit writes one reply to two comments and asks for approval,
its head approves, the planning unit publishes the page, downloads it and the downloaded
file passes axe-core on its own; the pages in Japanese and English. Debian chromium through
Playwright, axe-core on every screen; screenshots in /tmp/shots-policies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yakuba.core.tests.browser_support import PHONE, VIEWPORT, axe_problems, session_cookies
from yakuba.policies.models import Publication, Reply, ReplyStatus
from yakuba.policies.tests import factories

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-policies")


def _page(browser: Any, live_server: Any, user: Any, *, lang: str = "ja", viewport=VIEWPORT) -> Any:
    ctx = browser.new_context(
        viewport=viewport,
        locale="ja-JP" if lang == "ja" else "en-GB",
        base_url=live_server.url,
        accept_downloads=True,
    )
    ctx.set_default_timeout(15_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_planning_publishes_a_reply_page(browser, live_server, org, make_user, tmp_path) -> None:
    policy = factories.make_policy(
        org["shimin"], title="ICTの活用（ICT化と業務改革の一体的な取組）"
    )
    year = factories.make_year(policy, 2020)
    first = factories.add_comment(year, "在宅勤務で分かった課題と対応策を示してほしい。")
    second = factories.add_comment(year, "Web会議の運用ルールを検討してほしい。")
    third = factories.add_comment(
        year, "対象者の条件や効果を十分点検・評価してほしい。", factories.ISSUES
    )
    planner = factories.planner()
    head = make_user("unit_head", username="head-shimin")
    problems: list[str] = []

    page = _page(browser, live_server, planner)
    page.goto("/policies/")
    page.get_by_role("link", name="令和2年度").click()
    page.get_by_role("heading", name="外部評価の意見と返答").wait_for()
    problems += axe_problems(page, "year detail")
    _shot(page, "year-detail-ja")
    page.get_by_role("link", name="返答を書く").click()
    page.get_by_label(f"［{factories.OVERALL}］{first.text}").check()
    page.get_by_label(f"［{factories.OVERALL}］{second.text}").check()
    page.locator("textarea[name=text]").fill("課題と対応策を整理し、運用ルールを定めます。")
    problems += axe_problems(page, "reply form")
    _shot(page, "reply-form-ja")
    page.get_by_role("button", name="保存して承認を依頼").click()
    page.get_by_text("返答を保存し、所属長に承認を依頼しました。").wait_for()
    page.get_by_role("link", name="返答を書く").click()
    page.get_by_label(f"［{factories.ISSUES}］{third.text}").check()
    page.locator("textarea[name=text]").fill("対象者の条件を点検・評価します。")
    page.get_by_role("button", name="保存して承認を依頼").click()
    page.get_by_text("返答を保存し、所属長に承認を依頼しました。").wait_for()
    # Not yet: the replies wait for approval.
    page.get_by_role("link", name="公開ページを作成").click()
    page.get_by_text("まだ公開できません").wait_for()
    assert page.get_by_text("返答が承認待ちです").count() == 3
    problems += axe_problems(page, "publish refused")

    approver = _page(browser, live_server, head)
    approver.goto("/policies/approvals/")
    problems += axe_problems(approver, "approval queue")
    _shot(approver, "approval-queue-ja")
    for _n in range(2):
        approver.get_by_role("table", name="承認待ちの返答").get_by_role("link").first.click()
        approver.get_by_role("heading", name="返答の承認・差し戻し").wait_for()
        problems += axe_problems(approver, "decide")
        approver.get_by_role("button", name="承認する").click()
        approver.get_by_text("返答を承認しました。").wait_for()
    assert set(Reply.objects.values_list("status", flat=True)) == {ReplyStatus.APPROVED}

    page.goto(f"/policies/years/{year.pk}/publish/")
    page.get_by_label("更新日").fill("2021-02-26")
    page.get_by_role("heading", name="プレビュー").wait_for()
    problems += axe_problems(page, "publish preview")
    page.get_by_role("button", name="公開する").click()
    page.get_by_text("公開ページの第1版を作成しました").wait_for()
    problems += axe_problems(page, "published version (in app)")
    _shot(page, "version-ja")
    with page.expect_download() as info:
        page.get_by_role("link", name="HTMLファイルをダウンロード").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert html == Publication.objects.get().html

    # The downloaded file on its own, as the city's web team will put it online.
    static = page.context.browser.new_context(viewport=VIEWPORT).new_page()
    static.set_content(html)
    static.get_by_role(
        "heading", name="S27 ICTの活用（ICT化と業務改革の一体的な取組）【市民課】"
    ).wait_for()
    problems += axe_problems(static, "downloaded page")
    _shot(static, "published-file")
    static.set_viewport_size(PHONE)
    problems += axe_problems(static, "downloaded page (phone)")
    _shot(static, "published-file-phone")
    static.emulate_media(media="print")
    _shot(static, "published-file-print")

    english = _page(browser, live_server, planner, lang="en")
    english.goto(f"/policies/years/{year.pk}/")
    problems += axe_problems(english, "year detail (en)")
    _shot(english, "year-detail-en")
    english.goto(f"/policies/versions/{Publication.objects.get().pk}/")
    problems += axe_problems(english, "version (en)")
    _shot(english, "version-en")
    english.goto("/policies/")
    _shot(english, "policy-list-en")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_the_import_preview_lists_problems_accessibly(browser, live_server, org, tmp_path) -> None:
    from yakuba.policies.tests.test_import import HEADER, xlsx

    factories.make_year(factories.make_policy(org["shimin"]), 2020)
    factories.heading(factories.OVERALL)  # (the migration's rows are flushed in these tests)
    bad = tmp_path / "意見.xlsx"
    bad.write_bytes(xlsx(("意見", [HEADER, ["来年", "S99", "その他", "", ""]])))
    problems: list[str] = []
    for lang in ("ja", "en"):
        page = _page(browser, live_server, factories.planner(), lang=lang)
        page.goto("/policies/comments/import/")
        page.locator("input[type=file]").set_input_files(str(bad))
        page.locator("main form button[type=submit]").first.click()
        page.get_by_role("alert").wait_for()
        problems += axe_problems(page, f"import problems ({lang})")
        _shot(page, f"import-problems-{lang}")
    assert not problems, "\n".join(problems)

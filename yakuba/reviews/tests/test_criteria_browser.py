"""Browser: the planning unit installs the default criteria, reads the flow, tries an
invalid change in the track editor (refused with the question named, nothing saved), makes
a valid one and publishes the criteria; the pages in Japanese and English (and on a phone)
pass axe-core. Screenshots in /tmp/shots-rv-criteria."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yakuba.core.tests.browser_support import PHONE, VIEWPORT, axe_problems, session_cookies
from yakuba.reviews.defaults import MEETING_DEFINITION, PROCEDURE_DEFINITION
from yakuba.reviews.models import CriteriaVersion, VersionStatus

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-rv-criteria")


def _page(browser: Any, live_server: Any, user: Any, *, lang: str = "ja", viewport=VIEWPORT) -> Any:
    ctx = browser.new_context(
        viewport=viewport, locale="ja-JP" if lang == "ja" else "en-GB", base_url=live_server.url
    )
    ctx.set_default_timeout(15_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_planning_publishes_the_default_criteria(browser, live_server, org, make_user) -> None:
    planner = make_user("planning", username="planner")
    problems: list[str] = []
    page = _page(browser, live_server, planner)
    page.goto("/")
    page.get_by_role("navigation", name="管理メニュー").get_by_role(
        "link", name="見直しの基準"
    ).click()
    problems += axe_problems(page, "criteria list (empty)")
    _shot(page, "list-empty-ja")
    page.get_by_role("button", name="既定の基準を登録").click()
    page.get_by_text("既定の基準を下書きとして登録しました").wait_for()
    problems += axe_problems(page, "criteria list")
    _shot(page, "list-ja")

    page.get_by_role("link", name="第1版（下書き）").first.click()
    page.get_by_role("heading", name="観点：押印").wait_for()
    problems += axe_problems(page, "draft flow")
    _shot(page, "draft-flow-ja")

    # An invalid change: the last option of 「押印以外の方法で確認できますか」 now loops back.
    page.get_by_role("link", name="「押印」を編集").click()
    page.get_by_role("heading", name="観点「押印」を編集").wait_for()
    problems += axe_problems(page, "track editor")
    _shot(page, "editor-ja")
    page.get_by_label("選択肢 3 の行き先").last.select_option("q:seal_purpose")
    page.get_by_role("button", name="保存").first.click()
    alert = page.get_by_role("alert")
    alert.get_by_text(
        "質問「押印は何のために求めていますか」から先の流れが循環しています"
    ).wait_for()
    problems += axe_problems(page, "track editor refused")
    _shot(page, "editor-refused-ja")
    draft = CriteriaVersion.objects.get(criteria_set__applies_to="procedure")
    assert draft.definition == PROCEDURE_DEFINITION  # nothing saved

    # A valid change: back to its outcome, and a clearer help text.
    page.get_by_label("選択肢 3 の行き先").last.select_option("o:seal_keep")
    page.get_by_label("説明（答える人への補足）").first.fill(
        "根拠の法令・条例等と条項を記入してください。様式に押印欄があるだけなら「様式のみ」。"
    )
    page.get_by_role("button", name="保存").first.click()
    page.get_by_text("観点「押印」を保存しました。").wait_for()

    page.get_by_label("変更内容").fill("押印の説明文を明確化")
    page.get_by_role("button", name="第1版を公開する").click()
    page.get_by_text("第1版を公開しました").wait_for()
    problems += axe_problems(page, "published flow")
    _shot(page, "published-ja")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert draft.change_note == "押印の説明文を明確化"
    assert draft.definition["tracks"][0]["questions"][0]["help"].startswith("根拠の法令")

    # Try the published criteria: each answer reveals the next question (htmx), then the outcome.
    page.get_by_role("link", name="質問に答えて結果を試す").click()
    page.get_by_label("押印（署名）を求める根拠は何ですか").select_option("form_only")
    page.get_by_label("押印は何のために求めていますか").select_option("none")
    page.get_by_text("押印廃止").first.wait_for()
    problems += axe_problems(page, "try the criteria")
    _shot(page, "try-ja")

    # The meeting set too, then the list shows both published.
    page.goto("/reviews/criteria/")
    page.get_by_role("link", name="第1版（下書き）").click()
    page.get_by_role("button", name="第1版を公開する").click()
    page.get_by_text("第1版を公開しました").wait_for()
    meeting = CriteriaVersion.objects.get(criteria_set__applies_to="meeting")
    assert meeting.status == VersionStatus.PUBLISHED and meeting.definition == MEETING_DEFINITION
    page.goto("/reviews/criteria/")
    _shot(page, "list-published-ja")

    # English, and the flow on a phone.
    english = _page(browser, live_server, planner, lang="en")
    english.goto("/reviews/criteria/")
    problems += axe_problems(english, "criteria list (en)")
    _shot(english, "list-en")
    english.goto(f"/reviews/criteria/versions/{draft.pk}/")
    problems += axe_problems(english, "flow (en)")
    _shot(english, "published-en")
    english.goto(f"/reviews/criteria/versions/{draft.pk}/try/?seal.seal_basis=law")
    problems += axe_problems(english, "try (en)")
    _shot(english, "try-en")
    english.goto("/reviews/criteria/new/")
    problems += axe_problems(english, "new set (en)")
    _shot(english, "new-set-en")
    phone = _page(browser, live_server, planner, viewport=PHONE)
    phone.goto(f"/reviews/criteria/versions/{meeting.pk}/")
    problems += axe_problems(phone, "meeting flow (phone)")
    _shot(phone, "meeting-flow-phone")
    assert not problems, "\n".join(problems)

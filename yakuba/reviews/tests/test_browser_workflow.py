"""Browser: a unit answers the questions (the next question appears as each is answered)
and asks for approval, its head approves from the worklist, the planning unit sees the
dashboard and exports the publication list (.xlsx and the HTML page, which passes axe-core
on its own, on a phone too). Debian chromium through Playwright, axe-core on every screen;
screenshots (ja and en) in /tmp/shots-rv-workflow."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from yakuba.core.tests.browser_support import PHONE, VIEWPORT, axe_problems, session_cookies
from yakuba.reviews.models import OutcomeAssumption, Review, ReviewStatus
from yakuba.reviews.tests import workflow_factories as f

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-rv-workflow")


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
def test_a_unit_answers_its_head_approves_planning_exports(
    browser, live_server, org, tmp_path
) -> None:
    proc = f.make_procedure(
        org["shimin"],
        "住民票の写しの交付申請",
        seal="seal",
        paper=False,
        in_person=False,
        attachments="",
        annual_count=12000,
        legal_basis="住民基本台帳法第12条",
    )
    f.make_procedure(org["shimin"], "印鑑登録申請")
    review_round = f.open_round()
    OutcomeAssumption.objects.create(effect="seal_abolished", minutes_saved_per_case=2)
    review = f.review_of(review_round, proc)
    staff = f.user_in(org["madoguchi"], "staff", "b-staff")
    head = f.user_in(org["shimin"], "unit_head", "b-head")
    problems: list[str] = []

    page = _page(browser, live_server, staff)
    page.goto("/reviews/work/")
    page.get_by_role("heading", name="見直しの担当一覧").wait_for()
    problems += axe_problems(page, "worklist")
    _shot(page, "worklist-ja")
    page.get_by_role("link", name="住民票の写しの交付申請").click()
    page.get_by_role("heading", name="質問と結果").wait_for()
    assert page.get_by_text("押印は何のために求めていますか").count() == 0
    page.get_by_label("様式に押印欄があるだけ（根拠の定めはない）").check()
    page.get_by_text("押印は何のために求めていますか").wait_for()  # revealed by htmx
    page.get_by_label("慣例によるもので、特段の目的はない").check()
    page.get_by_text("基準による結果：押印廃止").wait_for()
    problems += axe_problems(page, "answer form")
    _shot(page, "answer-form-ja")
    page.get_by_role("button", name="保存して承認を依頼").click()
    page.get_by_text("回答を保存し、所属長に承認を依頼しました。").wait_for()
    problems += axe_problems(page, "submitted")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED

    approver = _page(browser, live_server, head)
    approver.goto("/reviews/work/?show=approve")
    problems += axe_problems(approver, "approval worklist")
    _shot(approver, "approval-worklist-ja")
    approver.get_by_role("link", name="住民票の写しの交付申請").click()
    approver.get_by_role("heading", name="承認・差し戻し").wait_for()
    problems += axe_problems(approver, "decide")
    _shot(approver, "decide-ja")
    approver.get_by_role("button", name="承認する").click()
    approver.get_by_text("承認しました（決定）。").wait_for()
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.DECIDED
    approver.goto(f"/reviews/items/{review.pk}/")
    approver.get_by_role("heading", name="変更作業（様式・案内など）").wait_for()
    problems += axe_problems(approver, "decided with change tasks")
    _shot(approver, "decided-ja")

    planner = _page(browser, live_server, f.planner())
    planner.goto("/reviews/progress/")
    planner.get_by_role("heading", name="見直しの進み具合と効果").wait_for()
    problems += axe_problems(planner, "dashboard")
    _shot(planner, "dashboard-ja")
    planner.get_by_role("link", name="公表用の一覧").click()
    planner.get_by_role("heading", name="見直し結果の公表").wait_for()
    problems += axe_problems(planner, "publication page")
    _shot(planner, "publication-ja")
    with planner.expect_download() as info:
        planner.get_by_role("link", name="Excelで書き出す").click()
    rows = list(
        load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active.iter_rows(
            values_only=True
        )
    )
    assert rows[1][3] == "住民票の写しの交付申請" and "押印廃止" in rows[1][7]
    with planner.expect_download() as info:
        planner.get_by_role("link", name="HTMLファイルをダウンロード").click()
    html = Path(info.value.path()).read_text(encoding="utf-8")
    static = planner.context.browser.new_context(viewport=VIEWPORT).new_page()
    static.set_content(html)
    static.get_by_role("heading", name="押印・書面・対面の見直し結果").wait_for()
    problems += axe_problems(static, "published file")
    _shot(static, "published-file")
    static.set_viewport_size(PHONE)
    problems += axe_problems(static, "published file (phone)")
    _shot(static, "published-file-phone")
    static.emulate_media(media="print")
    _shot(static, "published-file-print")

    english = _page(browser, live_server, f.planner(), lang="en")
    for path, name in (
        ("/reviews/progress/", "dashboard-en"),
        (f"/reviews/items/{review.pk}/", "decided-en"),
        ("/reviews/work/?show=all", "worklist-en"),
        ("/reviews/rounds/new/", "round-form-en"),
    ):
        english.goto(path)
        problems += axe_problems(english, name)
        _shot(english, name)
    english_staff = _page(browser, live_server, staff, lang="en")
    other = Review.objects.exclude(pk=review.pk).get()
    english_staff.goto(f"/reviews/items/{other.pk}/")
    problems += axe_problems(english_staff, "answer form (en)")
    _shot(english_staff, "answer-form-en")
    phone = _page(browser, live_server, staff, viewport=PHONE)
    phone.goto(f"/reviews/items/{other.pk}/")
    problems += axe_problems(phone, "answer form (phone)")
    _shot(phone, "answer-form-phone")
    assert not problems, "\n".join(problems)

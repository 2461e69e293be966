"""Browser: the register, a problem's page, the forms and the period review in Japanese and
English and on a phone (Debian chromium, axe-core)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)
from yakuba.problems.models import Countermeasure, EvidenceLink, SourceKind, Status
from yakuba.problems.tests.factories import make_countermeasure, make_problem

pytestmark = [pytest.mark.browser]


def _page(browser, live_server, user, lang: str | None = None, viewport=VIEWPORT) -> Any:
    ctx = browser.new_context(viewport=viewport, locale="ja-JP", base_url=live_server.url)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _register(org) -> Any:
    today = timezone.localdate()
    vpn = make_problem(
        org["shimin"],
        "VPN回線の容量不足",
        source_kind=SourceKind.BLOCKER_CATEGORY,
        source_key="remote_access",
        source_label="自宅からの接続",
        fiscal_year=2020,
    )
    EvidenceLink.objects.create(problem=vpn, label="困りごとの一覧", url="/reports/blockers/")
    make_countermeasure(vpn, description="リモート接続枠を予約制にする", status=Status.DONE,
                        due_on=today - dt.timedelta(days=60))  # fmt: skip
    make_countermeasure(vpn, description="VPN接続枠の増設を予算要求する",
                        due_on=today - dt.timedelta(days=5))  # fmt: skip
    seal = make_problem(org["zeimu"], "押印・紙の決裁が残る")
    make_countermeasure(seal, description="電子決裁の対象を広げる", status=Status.CONSIDERING,
                        due_on=today + dt.timedelta(days=90))  # fmt: skip
    make_countermeasure(seal, description="押印廃止の条例改正", status=Status.DECLINED,
                        reason="国の法令改正を待つため")  # fmt: skip
    make_problem(org["shimin"], "Web会議の機器が足りない")
    return vpn


@pytest.mark.django_db(transaction=True)
def test_register_pages(browser, live_server, org, make_user) -> None:
    planning = make_user("planning", username="planning")
    vpn = _register(org)
    problems: list[str] = []

    page = _page(browser, live_server, planning)
    page.goto("/problems/")
    table = page.get_by_role("region", name="課題と対応策の一覧")
    assert table.get_by_role("link", name="VPN回線の容量不足").is_visible()
    assert page.locator(".overdue").count() == 1
    problems += axe_problems(page, "register")
    screenshot(page, "problems-register-ja")
    page.get_by_label("期限超過のみ").check()
    page.get_by_role("button", name="絞り込む").click()
    expect(page.locator("tbody tr")).to_have_count(1)

    en = _page(browser, live_server, planning, lang="en")
    en.goto("/problems/")
    assert "Problems and countermeasures" in en.locator("h1").inner_text()
    assert "Not proceeding" in en.content()
    problems += axe_problems(en, "register (en)")
    screenshot(en, "problems-register-en")

    phone = _page(browser, live_server, planning, viewport=PHONE)
    phone.goto("/problems/")
    problems += axe_problems(phone, "register (phone)")
    screenshot(phone, "problems-register-phone")

    # A problem's page, then declining a countermeasure: first without a reason.
    page.goto(f"/problems/{vpn.pk}/")
    problems += axe_problems(page, "problem detail")
    screenshot(page, "problems-detail-ja")
    page.get_by_role("link", name="この対応策を編集").nth(1).click()
    page.get_by_label("状況").select_option("declined")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("form.narrow")).to_contain_text("見送りの理由を入力してください")
    problems += axe_problems(page, "countermeasure form with an error")
    screenshot(page, "problems-countermeasure-error-ja")
    page.get_by_label("見送りの理由").fill("次年度の予算で対応するため")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("対応策を保存しました")
    assert Countermeasure.objects.filter(status=Status.DECLINED).count() == 2

    # A new problem from a blocker link.
    page.goto("/problems/new/?source=blocker_category&key=remote_access&label=VPN")
    assert "から課題を登録します" in page.content()
    problems += axe_problems(page, "problem form")
    screenshot(page, "problems-form-ja")
    en.goto("/problems/new/")
    problems += axe_problems(en, "problem form (en)")
    screenshot(en, "problems-form-en")

    # The period review.
    page.goto("/problems/review/")
    problems += axe_problems(page, "period review")
    screenshot(page, "problems-review-ja")
    en.goto(f"/problems/{vpn.pk}/")
    screenshot(en, "problems-detail-en")
    assert not problems, "\n".join(problems)

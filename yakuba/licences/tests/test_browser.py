"""Browser: the monthly licence report in Japanese and English (Debian chromium, axe-core),
and registering and reassigning a licence through the forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)
from yakuba.licences.models import Licence
from yakuba.licences.tests.factories import hosted, local, make_licence

pytestmark = [pytest.mark.browser]


def _page(browser, live_server, user, lang: str | None = None, viewport=VIEWPORT) -> Any:
    ctx = browser.new_context(viewport=viewport, locale="ja-JP", base_url=live_server.url)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _month(org, organiser) -> None:
    s = org["staff"]
    make_licence("Zoom ホスト01", s["1001"])
    make_licence("Zoom ホスト02", s["1002"], cost=2200)
    make_licence("Zoom ホスト03", None, cost=2200)
    for day in (dt.date(2026, 10, 6), dt.date(2026, 10, 13), dt.date(2026, 10, 20)):
        hosted(organiser, s["1001"], local(day, 10), 60)
        hosted(organiser, s["1002"], local(day, 10, 30), 60)
    hosted(organiser, s["2001"], local(dt.date(2026, 10, 13), 10, 45), 30)


@pytest.mark.django_db(transaction=True)
def test_licence_report_and_ledger(browser, live_server, org, make_user) -> None:
    infosec = make_user("infosec", username="infosec")
    organiser = make_user("staff", username="organiser")
    _month(org, organiser)
    problems: list[str] = []

    page = _page(browser, live_server, infosec)
    page.goto("/licences/?month=2026-10")
    assert "必要なライセンス数：4" in page.locator(".recommendation").inner_text()
    assert page.locator("svg.chart[role='img'] title").count() >= 1
    assert page.get_by_role("region", name="Zoomのライセンスを持たないホスト").is_visible()
    page.get_by_text("日ごとの同時開催数（表）").click()
    expect(page.locator("details table tbody tr")).to_have_count(31)
    problems += axe_problems(page, "licence report")
    screenshot(page, "licences-report-ja")

    en = _page(browser, live_server, infosec, lang="en")
    en.goto("/licences/?month=2026-10")
    assert "Licences needed: 4" in en.locator(".recommendation").inner_text()
    assert "Hosts without a licence" in en.content()
    problems += axe_problems(en, "licence report (en)")
    screenshot(en, "licences-report-en")

    phone = _page(browser, live_server, infosec, viewport=PHONE)
    phone.goto("/licences/?month=2026-10")
    problems += axe_problems(phone, "licence report (phone)")
    screenshot(phone, "licences-report-phone")

    # Register a licence with its holder, then hand it to someone else.
    page.goto("/licences/ledger/new/")
    page.get_by_label("方式").select_option("zoom")
    page.get_by_label("名称・アカウント").fill("Zoom ホスト04")
    page.get_by_label("月額（円）").fill("2200")
    page.get_by_label("契約開始日").fill("2026-04-01")
    page.get_by_label("保有者").select_option(str(org["staff"]["2001"].pk))
    problems += axe_problems(page, "licence form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("保存しました")
    licence = Licence.objects.get(name="Zoom ホスト04")
    page.get_by_role("link", name="保有者の変更").click()
    page.get_by_label("新しい保有者").select_option(str(org["staff"]["1001"].pk))
    page.get_by_label("変更日").fill("2026-11-01")
    problems += axe_problems(page, "reassign form")
    page.get_by_role("button", name="変更する").click()
    expect(page.locator("table tbody tr")).to_have_count(2)
    problems += axe_problems(page, "licence detail")
    screenshot(page, "licences-detail")
    licence.refresh_from_db()
    assert licence.holder == org["staff"]["1001"]
    assert not problems, "\n".join(problems)

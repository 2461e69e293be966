"""Browser: book the last free remote seat, see the day turn 満席; the terminal ledger.

Debian chromium through Playwright (no downloads), axe-core on every screen, also at
phone width.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)

pytestmark = [pytest.mark.browser]


def _page_for(browser, live_server, user) -> Any:
    ctx = browser.new_context(viewport=VIEWPORT, locale="ja-JP", base_url=live_server.url)
    ctx.set_default_timeout(10_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True))
    return ctx.new_page()


def _fits_phone(page, label: str) -> list[str]:
    page.set_viewport_size(PHONE)
    problems = axe_problems(page, f"{label} (phone)")
    if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
        # Elements sticking out of the page (a table scrolling inside its wrapper is fine).
        wide = page.evaluate(
            """() => [...document.querySelectorAll("body *")]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
              .filter(e => !e.closest(".table-wrap table"))
              .slice(0, 5).map(e => e.tagName + "." + e.className)"""
        )
        problems.append(f"[{label}] wider than a {PHONE['width']} px phone: {wide}")
    page.set_viewport_size(VIEWPORT)
    return problems


def test_book_the_last_seat_and_see_the_day_full(
    browser, live_server, make_user, pool, eligible_staff, today
) -> None:
    from yakuba.remoteseats import services
    from yakuba.remoteseats.models import SeatBooking
    from yakuba.remoteseats.tests.conftest import approve

    services.book_seat(None, eligible_staff(name="先客 一郎"), pool, today)
    user = make_user("staff")
    approve(user.staff)
    page = _page_for(browser, live_server, user)
    problems: list[str] = []

    page.goto("/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="リモート接続枠"
    ).click()
    page.get_by_role("heading", name="リモート接続枠", level=1).wait_for()
    assert page.get_by_text("1/2").first.is_visible()
    problems += axe_problems(page, "seats")
    problems += _fits_phone(page, "seats")

    page.get_by_role("button", name="VPN端末を予約する").click()
    page.get_by_text(re.compile(r"VPN端末を予約しました")).wait_for()
    assert SeatBooking.objects.active().filter(staff=user.staff, date=today).exists()
    panel = page.locator("#day-panel")
    assert panel.get_by_text("あなたはこの日の枠を予約しています。").is_visible()
    assert panel.get_by_text("満席", exact=True).is_visible()
    assert panel.get_by_text("2/2").is_visible()
    problems += axe_problems(page, "seats after booking")
    screenshot(page, "remoteseats-booked")

    # Someone else now finds the day full and the booking refused with 満席.
    other = eligible_staff(name="後着 花子")
    other_user = make_user("staff", username="late-comer", staff_number="96999")
    other.user = None
    other_user.staff.delete()
    other.user = other_user
    other.save()
    late = _page_for(browser, live_server, other_user)
    late.goto("/remote-seats/seats/")
    assert late.get_by_text("満席のため、この日は予約できません。").is_visible()
    assert late.get_by_role("button", name="VPN端末を予約する").count() == 0
    # Another day, picked in the 14-day table (htmx swaps only the day panel).
    tomorrow = today + dt.timedelta(days=1)
    late.get_by_role("link", name=f"{tomorrow.month}/{tomorrow.day}").click()
    late.get_by_role("heading", name=re.compile(f"{tomorrow.month}月{tomorrow.day}日")).wait_for()
    assert late.get_by_role("button", name="VPN端末を予約する").is_visible()
    problems += axe_problems(late, "seats, other day by htmx")
    # A race lost after the page was shown: the service answers 満席 in a message.
    late.goto("/remote-seats/seats/")
    late.evaluate(
        """([resource, date]) => {
          const f = document.createElement("form");
          f.method = "post";
          f.action = "/remote-seats/seats/book/";
          const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
          const fields = {resource, date, csrfmiddlewaretoken: token};
          for (const [k, v] of Object.entries(fields)) {
            const i = document.createElement("input");
            i.type = "hidden"; i.name = k; i.value = v; f.appendChild(i);
          }
          document.body.appendChild(f);
          f.submit();
        }""",
        [str(pool.pk), today.isoformat()],
    )
    late.get_by_text("この日のリモート接続枠（VPN端末）は満席です。").wait_for()
    assert not SeatBooking.objects.filter(staff=other).exists()
    problems += axe_problems(late, "seats full message")
    assert problems == [], "\n".join(problems)


def test_terminal_ledger_pages(browser, live_server, make_user, org, today) -> None:
    from yakuba.remoteseats import services
    from yakuba.remoteseats.models import LoanedTerminal

    late = LoanedTerminal.objects.create(asset_tag="YKB-PC-001", model_name="ノートPC")
    LoanedTerminal.objects.create(asset_tag="YKB-PC-002", model_name="タブレット")
    services.check_out_terminal(
        None,
        late,
        org["staff"]["1001"],
        checked_out_on=today - dt.timedelta(days=10),
        due_on=today - dt.timedelta(days=3),
        condition_out="傷なし",
    )
    page = _page_for(browser, live_server, make_user("infosec"))
    problems: list[str] = []
    page.goto("/remote-seats/terminals/")
    row = page.get_by_role("row").filter(has_text="YKB-PC-001")
    assert row.get_by_text("返却遅れ 3 日").is_visible()
    problems += axe_problems(page, "terminal list")
    problems += _fits_phone(page, "terminal list")
    screenshot(page, "remoteseats-terminals")

    page.get_by_role("link", name="YKB-PC-002を貸し出す").click()
    page.get_by_label("貸出先の職員").select_option(label="2001 鈴木 一郎（税務課）")
    page.get_by_label("返却予定日").fill((today + dt.timedelta(days=7)).isoformat())
    problems += axe_problems(page, "check-out form")
    page.get_by_role("button", name="貸し出す").click()
    page.get_by_text("鈴木 一郎さんに貸し出しました").wait_for()
    problems += axe_problems(page, "terminal detail")

    page.goto("/remote-seats/terminals/")
    page.get_by_role("link", name="YKB-PC-001の返却").click()
    page.get_by_label("返却時の状態").fill("画面に小さな傷")
    page.get_by_role("button", name="返却を記録").click()
    page.get_by_text("返却を記録しました").wait_for()
    assert page.get_by_role("cell", name="画面に小さな傷").is_visible()
    assert problems == [], "\n".join(problems)

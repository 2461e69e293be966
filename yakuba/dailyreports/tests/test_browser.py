"""Browser flow on a phone: a staff member reports, the unit head sees it on the board and
in the digest, which also reaches a local Mattermost-format receiver. axe-core on each page."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from yakuba.core.tests.browser_support import (
    PHONE,
    axe_problems,
    screenshot,
    session_cookies,
)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def receiver(settings) -> Iterator[tuple[str, list[dict]]]:
    """A local Mattermost-format receiver, allowed explicitly (host, plain http, loopback) as
    the demo allows its own; the defaults refuse all three."""
    received: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.OUTBOUND_WEBHOOK_HOSTS = [f"127.0.0.1:{server.server_port}"]
    settings.OUTBOUND_WEBHOOK_ALLOW_HTTP = True
    settings.OUTBOUND_WEBHOOK_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    yield f"http://127.0.0.1:{server.server_port}/hooks/demo", received
    server.shutdown()
    server.server_close()


def _phone(browser, live_server, user) -> Any:
    ctx = browser.new_context(viewport=PHONE, locale="ja-JP", base_url=live_server.url,
                              is_mobile=True, has_touch=True)  # fmt: skip
    ctx.set_default_timeout(10_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True))
    return ctx


def test_phone_report_reaches_board_digest_and_chat(
    browser, live_server, make_user, org, receiver
) -> None:
    from yakuba.dailyreports.digest import close_window
    from yakuba.dailyreports.tests.factories import window_for
    from yakuba.notifications.models import Channel

    url, received = receiver
    now = timezone.localtime()
    window = window_for(
        org["shimin"],
        opens_at=(now - dt.timedelta(minutes=5)).time(),
        closes_at=min(now + dt.timedelta(minutes=30), now.replace(hour=23, minute=59)).time(),
        workdays="1111111",
        work_on_holidays=True,
    )
    channel = Channel(unit=org["shimin"], name="市民課", kind="mattermost")
    channel.set_url(url)
    channel.save()
    window.channels.add(channel)
    staff_user = make_user("staff", username="hanako")
    head = make_user("unit_head", username="kacho")

    ctx = _phone(browser, live_server, staff_user)
    page = ctx.new_page()
    page.goto("/reports/today/")
    page.get_by_role("heading", name="朝の業務報告").wait_for()
    assert axe_problems(page, "report form (phone)") == []
    page.get_by_label("今日の勤務場所").select_option("home")
    page.get_by_label("今日の予定").fill("窓口の応援\n会議資料の作成")
    page.get_by_label("昨日の実績").fill("住民票の審査")
    page.get_by_label("困っていること").fill("貸出端末のVPNが切れる")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="提出する").click()
    page.get_by_text("報告を提出しました。").wait_for()
    screenshot(page, "dailyreport-phone-submitted")
    ctx.close()

    ctx = _phone(browser, live_server, head)
    page = ctx.new_page()
    page.goto("/reports/board/")
    row = page.get_by_role("row", name="staff 職員")
    assert row.get_by_text("提出済み").is_visible()
    assert row.get_by_text("窓口の応援").is_visible()
    assert page.get_by_text("貸出端末のVPNが切れる").is_visible()
    assert axe_problems(page, "board (phone)") == []

    close_window(org["shimin"], timezone.localdate())  # what the scheduler does at the close
    page.goto(f"/reports/digest/{org['shimin'].pk}/{timezone.localdate().isoformat()}/")
    page.get_by_role("heading", name="staff 職員 在宅勤務").wait_for()
    assert page.get_by_text("貸出端末のVPNが切れる").first.is_visible()
    assert axe_problems(page, "digest (phone)") == []
    page.goto("/reports/blockers/")
    assert axe_problems(page, "blockers (phone)") == []
    screenshot(page, "dailyreport-blockers")
    ctx.close()

    assert len(received) == 1
    assert "staff 職員（在宅勤務）" in received[0]["text"]
    assert received[0]["username"] == "Yakuba"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_axe_report_admin_pages(browser, live_server, make_user, org, lang) -> None:
    from yakuba.core.tests.browser_support import VIEWPORT
    from yakuba.dailyreports.tests.factories import submitted_report, window_for
    from yakuba.notifications.services import notify

    window_for(org["shimin"], health_check=True)
    submitted_report(org["staff"]["1001"], timezone.localdate(), blocker="人手が足りない")
    head = make_user("unit_head", username="kacho")
    notify([head], subject="テストのお知らせ", url="/reports/board/")
    ctx = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    ctx.add_cookies(session_cookies(head, live_server.url, verified=True, lang=lang))
    page = ctx.new_page()
    problems: list[str] = []
    for path in (
        "/reports/overview/?q=窓口",
        f"/reports/overview/?person={org['staff']['1001'].pk}",
        "/notices/chat-ids/",
        f"/notices/chat-ids/staff/{org['staff']['1001'].pk}/",
        f"/reports/setup/{org['shimin'].pk}/",
        "/reports/setup/",
        "/notices/",
        "/notices/channels/",
        "/reports/today/",
    ):
        page.goto(path)
        assert page.locator("main h1").is_visible()
        problems += axe_problems(page, f"{path} ({lang})")
        if "person=" in path:
            screenshot(page, f"dailyreport-overview-person-{lang}")
    ctx.close()
    assert problems == [], "\n".join(problems)

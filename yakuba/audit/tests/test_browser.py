"""Browser: the audit trail with changes whose keys are dict method names, on a desktop and
a phone, in Japanese and English (axe-core on each)."""

from __future__ import annotations

import pytest

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_trail_lists_every_entry(browser, live_server, make_user) -> None:
    from yakuba.audit.services import record

    auditor = make_user("auditor")
    record("update", object_type="meetings.catchup", object_repr="課内会議", changes={"items": 3})
    record(
        "update",
        object_type="rosters.rosterversion",
        changes={"keys": ["a"], "values": None, "get": "取得", "status": ["solved", "published"]},
    )
    problems: list[str] = []
    for lang, heading in (("ja", "監査記録"), ("en", "Audit trail")):
        for device, viewport in (("desktop", VIEWPORT), ("phone", PHONE)):
            ctx = browser.new_context(viewport=viewport, base_url=live_server.url)
            ctx.add_cookies(session_cookies(auditor, live_server.url, verified=True, lang=lang))
            page = ctx.new_page()
            response = page.goto("/audit/")
            assert response and response.status == 200
            page.get_by_role("heading", name=heading, level=1).wait_for()
            changes = page.locator("ul.changes li").all_inner_texts()
            assert "items: 3" in changes and "get: 取得" in changes
            assert 'status: ["solved", "published"]' in changes
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            problems += axe_problems(page, f"audit {lang} {device}")
            screenshot(page, f"audit-{lang}-{device}")
            ctx.close()
    assert not problems, "\n".join(problems)

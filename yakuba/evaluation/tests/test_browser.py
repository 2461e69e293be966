"""Browser, desktop, Japanese and English: the planning unit asks for the evidence report
(the state of emergency against a year later), sees it with its figures, charts and
tables, and finds the downloads. axe-core on every page; screenshots in /tmp/shots-report/
and test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yakuba.core.tests.browser_support import VIEWPORT, axe_problems, screenshot, session_cookies

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-report")

TEXT = {
    "ja": {
        "new": "報告を作成する",
        "submit": "作成する",
        "conditions": "1. 対象者の条件",
        "modes": "勤務形態別の延べ日数",
        "docx": "Word（.docx）をダウンロード",
    },
    "en": {
        "new": "Create a report",
        "submit": "Create",
        "conditions": "1. Conditions of the staff covered",
        "modes": "Days by way of working",
        "docx": "Download Word (.docx)",
    },
}


def _page(browser, live_server, user, *, lang: str) -> Any:
    ctx = browser.new_context(
        viewport=VIEWPORT, locale="ja-JP" if lang == "ja" else "en-GB", base_url=live_server.url
    )
    ctx.set_default_timeout(30_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    screenshot(page, name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_planning_generates_the_evidence_report_and_reads_it(
    browser, live_server, city, lang
) -> None:
    from yakuba.evaluation.models import EvidenceReport, ReportStatus

    planner = city(12)
    page = _page(browser, live_server, planner, lang=lang)
    text = TEXT[lang]
    problems: list[str] = []

    page.goto("/evaluation/reports/")
    page.get_by_role("heading", level=1).wait_for()
    problems += axe_problems(page, f"list {lang}")
    page.get_by_role("link", name=text["new"]).click()
    page.get_by_role("heading", level=1, name=text["new"]).wait_for()
    problems += axe_problems(page, f"new {lang}")
    _shot(page, f"evaluation-{lang}-new")
    page.get_by_role("button", name=text["submit"], exact=True).click()

    page.get_by_role("heading", level=2, name=text["conditions"]).wait_for()
    report = EvidenceReport.objects.get()
    assert report.status == ReportStatus.DONE
    assert page.get_by_role("heading", level=3, name=text["modes"]).is_visible()
    assert page.locator("svg.chart[role=img]").count() >= 3
    assert page.get_by_role("link", name=text["docx"]).is_visible()
    problems += axe_problems(page, f"report {lang}")
    _shot(page, f"evaluation-{lang}-report")

    page.goto("/evaluation/reports/")
    page.get_by_role("link", name=report.title).wait_for()
    _shot(page, f"evaluation-{lang}-list")
    errors = page.errors
    page.context.close()
    # Scripts and styles load (CSP) and run without errors; the favicon's 404 aside.
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)

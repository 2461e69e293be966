"""Browser, phone-sized, Japanese and English: answer the home checklist from
「わたしのセキュリティ」 (a missing answer is pointed out), then report a suspicious mail.
And infosec's pages on a desktop. axe-core on every screen; screenshots in
/tmp/shots-readiness/ and test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path
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
SHOTS = Path("/tmp/shots-readiness")

TEXT = {
    "ja": {
        "valid": "まで有効",
        "thanks": "報告ありがとうございます",
        "missing": "答えていない項目",
    },
    "en": {"valid": "valid until", "thanks": "Thank you for reporting", "missing": "not answered"},
}


def _page(browser, live_server, user, *, lang: str, viewport: dict[str, int]) -> Any:
    ctx = browser.new_context(
        viewport=viewport, locale="ja-JP" if lang == "ja" else "en-GB", base_url=live_server.url
    )
    ctx.set_default_timeout(20_000)
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


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_checklist_and_suspicious_mail_on_a_phone(browser, live_server, make_user, lang) -> None:
    from yakuba.incidents.models import Incident
    from yakuba.readiness.models import ChecklistSubmission, ReadinessSettings
    from yakuba.readiness.tests.conftest import ensure_items
    from yakuba.rosters.models import StaffWorkProfile

    ensure_items()
    ReadinessSettings.objects.create(pk=1, enforce_gate=True)
    user = make_user("staff")
    StaffWorkProfile.objects.create(staff=user.staff, telework_approved=True)
    page = _page(browser, live_server, user, lang=lang, viewport=PHONE)
    problems: list[str] = []
    text = TEXT[lang]

    page.goto("/security/")
    page.get_by_role("heading", level=1).wait_for()
    problems += axe_problems(page, f"hub {lang}")
    assert _fits(page)
    _shot(page, f"readiness-{lang}-phone-hub")

    page.locator("a[href='/security/readiness/']").first.click()
    page.locator("form fieldset").first.wait_for()
    problems += axe_problems(page, f"checklist {lang}")
    assert _fits(page)
    _shot(page, f"readiness-{lang}-phone-checklist")

    # Everything but the last item: the form says which one is missing, nothing is stored.
    radios = page.locator("input[type=radio][value=done]")
    count = radios.count()
    assert count >= 8
    for i in range(count - 1):
        radios.nth(i).check()
    page.locator("main form button.button[type=submit]").click()
    page.locator("#form-errors").wait_for()
    assert text["missing"] in page.locator("#form-errors").inner_text()
    assert not ChecklistSubmission.objects.exists()
    problems += axe_problems(page, f"checklist errors {lang}")
    _shot(page, f"readiness-{lang}-phone-checklist-errors")

    radios = page.locator("input[type=radio][value=done]")
    for i in range(count):
        radios.nth(i).check()
    page.locator("main form button.button[type=submit]").click()
    page.get_by_text(text["valid"]).first.wait_for()
    assert ChecklistSubmission.objects.get(staff=user.staff).complete
    problems += axe_problems(page, f"checklist done {lang}")
    _shot(page, f"readiness-{lang}-phone-checklist-done")

    page.goto("/security/")
    page.locator("a[href='/security/incidents/suspicious-mail/']").first.click()
    page.locator("#id_subject").fill("【至急】アカウント停止のお知らせ")
    page.locator("#id_sender").fill("support@examp1e.jp")
    problems += axe_problems(page, f"suspicious mail {lang}")
    _shot(page, f"incidents-{lang}-phone-suspicious-mail")
    page.locator("main form button.button[type=submit]").click()
    page.get_by_text(text["thanks"]).first.wait_for()
    assert Incident.objects.filter(reporter=user, category="suspicious_mail").count() == 1
    assert _fits(page)
    problems += axe_problems(page, f"suspicious mail reported {lang}")
    _shot(page, f"incidents-{lang}-phone-reported")

    errors = page.errors
    page.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_infosec_pages_on_a_desktop(browser, live_server, make_user) -> None:
    from yakuba.incidents.tests.factories import make_incident
    from yakuba.readiness.models import ReadinessSettings
    from yakuba.readiness.tests.conftest import answer_all, ensure_items
    from yakuba.rosters.models import StaffWorkProfile

    ensure_items()
    ReadinessSettings.objects.create(pk=1, enforce_gate=True)
    reporter = make_user("staff", username="reporter")
    StaffWorkProfile.objects.create(staff=reporter.staff, telework_approved=True)
    answer_all(reporter.staff)
    incident = make_incident(
        reporter, description="山田 太郎さんあてのFAXを別の番号に送りかけました。"
    )
    infosec = make_user("infosec")
    page = _page(browser, live_server, infosec, lang="ja", viewport=VIEWPORT)
    problems: list[str] = []
    for name, url in [
        ("readiness-people", "/security/readiness/people/"),
        ("readiness-setup", "/security/readiness/setup/"),
        ("incidents-triage-list", "/security/incidents/triage/"),
        ("incidents-triage-detail", f"/security/incidents/triage/{incident.pk}/"),
        ("incidents-lesson", f"/security/incidents/triage/{incident.pk}/lesson/"),
        ("incidents-stats", "/security/incidents/stats/"),
    ]:
        page.goto(url)
        page.get_by_role("heading", level=1).wait_for()
        problems += axe_problems(page, name)
        _shot(page, f"{name}-ja-desktop")
    errors = page.errors
    page.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)

"""Browser: a recipient follows the drill link on a phone, types into the fake form and
reads the lesson; infosec reads the results. Debian chromium, axe-core on every screen,
screenshots in Japanese and English."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from yakuba.core.tests.browser_support import (
    PHONE,
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-drills")


def _shot(page: Any, name: str) -> None:
    path = screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _context(browser, live_server, *, lang: str, viewport: dict[str, int], user=None) -> Any:
    ctx = browser.new_context(
        viewport=viewport, locale="ja-JP" if lang == "ja" else "en-GB", base_url=live_server.url
    )
    ctx.set_default_timeout(20_000)
    if user is not None:
        ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    else:
        ctx.add_cookies(
            [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}]
        )
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_recipient_types_into_the_fake_form_on_a_phone(browser, live_server, org, lang) -> None:
    from yakuba.drills.models import DrillRecipient
    from yakuba.drills.tests.factories import deliver, make_drill
    from yakuba.rosters.audience import Audience

    drill = make_drill(audience=Audience(unit_ids=(org["shimin"].pk,)))
    recipient = drill.recipients.get(staff=org["staff"]["1001"])
    token = deliver(recipient)
    page = _context(browser, live_server, lang=lang, viewport=PHONE)
    problems: list[str] = []

    page.goto(f"/t/c/{token}")
    page.get_by_role("heading", name="パスワードの確認と更新", level=1).wait_for()
    problems += axe_problems(page, f"fake form {lang}")
    _shot(page, f"drills-{lang}-phone-fake-form")
    user_label = "ユーザーID" if lang == "ja" else "User ID"
    page.get_by_label(user_label).fill("yamada")
    page.get_by_label("パスワード" if lang == "ja" else "Password").fill("not-a-real-password")
    page.get_by_role("button", name="送信" if lang == "ja" else "Submit").click()
    heading = "これは訓練メールでした" if lang == "ja" else "This was a drill mail"
    page.get_by_role("heading", name=heading, level=1).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    problems += axe_problems(page, f"lesson {lang}")
    _shot(page, f"drills-{lang}-phone-lesson")
    row = DrillRecipient.objects.get(pk=recipient.pk)
    assert row.clicked_at and row.typed_at

    page.goto(f"/t/r/{token}")
    problems += axe_problems(page, f"report confirm {lang}")
    _shot(page, f"drills-{lang}-phone-report")
    page.get_by_role("button", name="報告する" if lang == "ja" else "Report").click()
    page.get_by_role("heading", level=1).wait_for()
    problems += axe_problems(page, f"report done {lang}")
    _shot(page, f"drills-{lang}-phone-reported")
    assert DrillRecipient.objects.get(pk=recipient.pk).reported_at is not None

    errors = page.errors
    page.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_infosec_reads_the_results(browser, live_server, org, make_user, lang) -> None:
    from yakuba.drills.models import DrillRecipient
    from yakuba.drills.tests.factories import deliver, make_drill
    from yakuba.rosters.audience import Audience

    infosec = make_user("infosec", unit_key="zeimu", username="infosec")
    drill = make_drill(actor=infosec, audience=Audience(unit_ids=(org["dept"].pk,)))
    now = timezone.now()
    for number in ("1001", "1002", "2001"):
        deliver(drill.recipients.get(staff=org["staff"][number]), at=now)
    DrillRecipient.objects.filter(drill=drill, staff=org["staff"]["2001"]).update(
        opened_at=now, clicked_at=now
    )
    DrillRecipient.objects.filter(drill=drill, staff=org["staff"]["1001"]).update(
        opened_at=now, reported_at=now + dt.timedelta(minutes=6)
    )
    page = _context(browser, live_server, lang=lang, viewport=VIEWPORT, user=infosec)
    problems: list[str] = []
    page.goto(f"/security/drills/{drill.pk}/")
    page.get_by_role("heading", name=drill.name, level=1).wait_for()
    assert page.locator("svg[role=img]").count() == 1
    problems += axe_problems(page, f"results {lang}")
    _shot(page, f"drills-{lang}-results")
    page.goto(f"/security/drills/{drill.pk}/recipients/")
    problems += axe_problems(page, f"timeline {lang}")
    _shot(page, f"drills-{lang}-timeline")
    page.goto("/security/drills/templates/")
    problems += axe_problems(page, f"templates {lang}")
    _shot(page, f"drills-{lang}-templates")
    page.goto(f"/security/drills/templates/{drill.template_id}/")
    problems += axe_problems(page, f"template form {lang}")
    _shot(page, f"drills-{lang}-template-form")
    page.goto("/security/drills/new/")
    problems += axe_problems(page, f"drill form {lang}")
    _shot(page, f"drills-{lang}-drill-form")
    errors = page.errors
    page.context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
    assert not problems, "\n".join(problems)

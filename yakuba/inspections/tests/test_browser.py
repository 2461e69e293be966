"""Browser: a member of staff answers their checklist on a phone (with evidence) and
submits; infosec reads the heat map and the committee report in Japanese and English.
Debian chromium through Playwright, axe-core on every screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yakuba.core.tests.browser_support import PHONE, VIEWPORT, axe_problems, session_cookies
from yakuba.inspections import services
from yakuba.inspections.models import Sheet, SheetStatus
from yakuba.inspections.tests.factories import PDF, answer_all, make_checklist, make_round

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-inspections")


def _page(browser, live_server, user, *, lang: str = "ja", viewport=VIEWPORT) -> Any:
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
def test_staff_answers_and_infosec_reads_the_heat_map(
    browser, live_server, org, make_user, tmp_path
) -> None:
    staff = make_user("staff")
    infosec = make_user("infosec")
    colleague = make_user("staff", unit_key="zeimu", username="zeimu-staff")
    checklist = make_checklist()
    round_ = make_round([checklist])
    services.launch_round(infosec, round_, notify_people=False)
    answer_all(Sheet.objects.get(round=round_, staff=colleague.staff), {"A-1": "not_done"})
    problems: list[str] = []

    phone = _page(browser, live_server, staff, viewport=PHONE)
    phone.goto("/security/")
    phone.get_by_role("link", name=round_.title).click()
    phone.get_by_role("heading", name=round_.title, level=1).wait_for()
    problems += axe_problems(phone, "sheet (phone)")
    _shot(phone, "sheet-phone-ja")
    item = phone.get_by_role("group", name="A-1 画面ロック")
    item.get_by_label("実施している", exact=True).check()
    item.get_by_label("コメント").fill("Windows キー＋L で毎回ロック")
    evidence = tmp_path / "手順.pdf"
    evidence.write_bytes(PDF)
    item.get_by_label("証跡ファイル（任意）").set_input_files(str(evidence))
    phone.get_by_role("group", name="A-2 パスワード").get_by_label("一部実施している").check()
    phone.get_by_role("button", name="提出する").click()
    phone.get_by_text("回答していない項目があるため提出していません：B-1").wait_for()
    problems += axe_problems(phone, "sheet with an error (phone)")
    phone.get_by_role("group", name="B-1 宛先確認").get_by_label("実施している", exact=True).check()
    phone.get_by_role("button", name="提出する").click()
    phone.get_by_text("回答を提出しました").wait_for()
    _shot(phone, "sheet-submitted-phone-ja")
    sheet = Sheet.objects.get(round=round_, staff=staff.staff)
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.answers.get(item__code="A-1").evidence_name == "手順.pdf"

    page = _page(browser, live_server, infosec)
    page.goto("/security/inspections/heatmap/")
    table = page.get_by_role("table", name="所属×区分の「実施している」の割合")
    table.wait_for()
    assert "50%" in table.inner_text() and "（1/2）" in table.inner_text()
    problems += axe_problems(page, "heat map")
    _shot(page, "heatmap-ja")
    page.goto("/security/inspections/report/")
    page.get_by_role("heading", name="概要").wait_for()
    problems += axe_problems(page, "committee report")
    _shot(page, "report-ja")

    en = _page(browser, live_server, infosec, lang="en")
    en.goto("/security/inspections/heatmap/")
    en.get_by_role("heading", level=1).wait_for()
    assert "Self-inspection heat map" in en.content()
    problems += axe_problems(en, "heat map (en)")
    _shot(en, "heatmap-en")
    en_phone = _page(browser, live_server, colleague, lang="en", viewport=PHONE)
    en_phone.goto(
        f"/security/inspections/sheets/{Sheet.objects.get(round=round_, staff=colleague.staff).pk}/"
    )
    problems += axe_problems(en_phone, "submitted sheet (en, phone)")
    _shot(en_phone, "sheet-submitted-phone-en")
    assert not problems, "\n".join(problems)

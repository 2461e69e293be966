"""Browser: the April 1st import — upload with an effective date, the preview (counts,
moves by unit, pages, leavers to confirm) in Japanese and English, axe-core on each, then
the confirmation. Debian chromium through Playwright (no downloads)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from yakuba.core.tests.browser_support import VIEWPORT, axe_problems, screenshot, session_cookies

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-april")
MORE_SHOTS = Path("/tmp/shots-movers")


def _page(browser: Any, live_server: Any, user: Any, lang: str | None = None) -> Any:
    ctx = browser.new_context(viewport=VIEWPORT, locale="ja-JP", base_url=live_server.url)
    ctx.set_default_timeout(20_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(screenshot(page, name), SHOTS / f"{name}.png")
    MORE_SHOTS.mkdir(exist_ok=True)
    shutil.copy(SHOTS / f"{name}.png", MORE_SHOTS / f"{name}.png")


@pytest.mark.django_db(transaction=True)
def test_april_import_preview_and_confirmation(
    browser, live_server, make_user, org, tmp_path
) -> None:
    from yakuba.accounts.models import User
    from yakuba.org.models import ImportBatch, Staff
    from yakuba.org.tests.test_importing import csv_bytes

    hr = make_user("hr")
    # Back from leave with the account disabled when they left: re-enabled on the day.
    away = User.objects.create_user("modoru", password=None, role="staff", is_active=False)
    Staff(
        staff_number="4001",
        name="戻 る",
        name_kana="モドル",
        unit=org["zeimu"],
        active=False,
        user=away,
    ).save()
    Staff.objects.bulk_create(
        [
            Staff(
                staff_number=f"5{i:03d}", name=f"異動 {i}", name_kana="イドウ", unit=org["shimin"]
            )
            for i in range(60)
        ]
    )
    rows = [
        f"5{i:03d},異動 {i},イドウ,正規,主事,{'120' if i % 3 else '111'},,,1" for i in range(60)
    ]
    rows += [
        "1001,山田 太郎,ヤマダ タロウ,正規,,110,,s1001@example.jp,1",
        "2001,鈴木 一郎,スズキ イチロウ,正規,,120,税証明,s2001@example.jp,0",
        "3001,新井 新,アライ アラタ,正規,主事,111,,,1",
        "4001,戻 る,モドル,正規,,120,,,1",
    ]
    upload = tmp_path / "april.csv"
    upload.write_bytes(csv_bytes(rows))
    april = timezone.localdate() + dt.timedelta(days=30)
    problems: list[str] = []
    page = _page(browser, live_server, hr)
    page.goto("/org/import/")
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("#id_effective_date").fill(april.isoformat())
    problems += axe_problems(page, "import start")
    _shot(page, "april-import-start-ja")
    page.get_by_role("button", name="検査する").click()
    page.get_by_role("heading", name="職員の変更").wait_for()
    page.get_by_text("アカウントを再び有効に 1").wait_for()
    problems += axe_problems(page, "preview ja")
    _shot(page, "april-import-preview-ja")
    page.locator("#id_unit").select_option("120")
    page.locator("#id_side").select_option("to")
    page.get_by_role("button", name="絞り込む").click()
    page.get_by_text("41 人").wait_for()  # 40 movers and the returning person
    batch = ImportBatch.objects.get()
    en = _page(browser, live_server, hr, lang="en")
    en.goto(f"/org/import/{batch.pk}/")
    en.get_by_role("heading", name="Changes to staff").wait_for()
    en.get_by_text("1 account to re-enable").wait_for()
    problems += axe_problems(en, "preview en")
    _shot(en, "april-import-preview-en")
    page.goto(f"/org/import/{batch.pk}/")
    page.locator('input[name="confirm_leavers"]').check()
    page.get_by_role("button", name="取り込みを確定する").click()
    page.get_by_text("反映済み").wait_for()
    _shot(page, "april-import-done-ja")
    assert problems == [], "\n".join(problems)
    assert Staff.objects.get(staff_number="5001").unit.code == "110"  # on the effective date
    assert Staff.objects.get(staff_number="2001").active

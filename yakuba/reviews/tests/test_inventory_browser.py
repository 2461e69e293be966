"""Browser: the planning unit imports an inventory with problems (every problem listed,
nothing written), fixes it, confirms, filters the procedure list; reads the recurring
meetings with their cost and changes an hourly rate. Japanese and English; axe-core on
every screen; screenshots in /tmp/shots-rv-inventory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from yakuba.core.tests.browser_support import VIEWPORT, axe_problems, session_cookies
from yakuba.reviews.models import HourlyRate, MeetingSeries, Procedure
from yakuba.reviews.tests.inventory_factories import HEADER, row, xlsx

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots-rv-inventory")


def _page(browser: Any, live_server: Any, user: Any, *, lang: str = "ja") -> Any:
    ctx = browser.new_context(
        viewport=VIEWPORT,
        locale="ja-JP" if lang == "ja" else "en-GB",
        base_url=live_server.url,
        accept_downloads=True,
    )
    ctx.set_default_timeout(15_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_planning_imports_the_inventory_and_reads_meeting_costs(
    browser, live_server, org, make_user, tmp_path
) -> None:
    planner = make_user("planning", username="planner")
    problems: list[str] = []
    bad = tmp_path / "棚卸し_市民部.xlsx"
    bad.write_bytes(
        xlsx(
            [
                (
                    "市民部",
                    [
                        HEADER,
                        row("SMN-0001"),
                        row("SMN-0001", name="印鑑登録申請"),
                        row("SMN-0002", "市民協働課", "自治会補助金の交付申請"),
                        row("SMN-0003", count="=F2*2"),
                    ],
                )
            ]
        )
    )
    good = tmp_path / "棚卸し_市民部（修正）.xlsx"
    good.write_bytes(
        xlsx(
            [
                (
                    "市民部",
                    [
                        HEADER,
                        row("SMN-0001"),
                        row("SMN-0002", name="印鑑登録申請", seal="押印", legal="市印鑑条例第3条"),
                        row("SMN-0003", "税務課", "課税証明書の交付申請", count=9800),
                    ],
                )
            ]
        )
    )

    page = _page(browser, live_server, planner)
    page.goto("/reviews/procedures/import/")
    problems += axe_problems(page, "import form")
    _shot(page, "import-form-ja")
    page.get_by_label("棚卸し表のファイル").set_input_files(str(bad))
    page.get_by_role("button", name="検査する").click()
    page.get_by_text("3 件の問題があります（何も書き込まれていません）").wait_for()
    assert page.get_by_text("1 行目と重複しています", exact=False).count() == 0
    assert page.get_by_text("2 行目と重複しています", exact=False).count() == 1
    assert page.get_by_text("数式が入っています（=F2*2）", exact=False).count() == 1
    problems += axe_problems(page, "preview with problems")
    _shot(page, "preview-problems-ja")
    assert not Procedure.objects.exists()

    page.get_by_role("link", name="別のファイルを取り込む").click()
    page.get_by_label("棚卸し表のファイル").set_input_files(str(good))
    page.get_by_role("button", name="検査する").click()
    page.get_by_role("button", name="取り込みを確定する").wait_for()
    problems += axe_problems(page, "preview ready")
    _shot(page, "preview-ready-ja")
    page.get_by_role("button", name="取り込みを確定する").click()
    page.get_by_text("取り込みました：新規 3・更新 0・変更なし 0・無効にした手続 0").wait_for()
    assert Procedure.objects.count() == 3

    page.goto("/reviews/procedures/")
    page.get_by_label("押印・署名").select_option("yes")
    page.get_by_role("button", name="絞り込む").click()
    page.get_by_text("手続 1 件").wait_for()
    assert page.get_by_role("cell", name="印鑑登録申請").count() == 1
    problems += axe_problems(page, "procedure list")
    _shot(page, "procedure-list-ja")

    head = make_user("unit_head", username="head-shimin")
    MeetingSeries.objects.create(
        key="1:部課長会議",
        title="部課長会議",
        organiser=head,
        unit=org["shimin"],
        occurrences=3,
        meetings_per_year=Decimal("13.0"),
        avg_minutes=Decimal("120.0"),
        avg_participants=Decimal("38.5"),
        cost_per_meeting_yen=412300,
        cost_per_year_yen=5359900,
        attendance_rate=Decimal("0.8500"),
        drop_rate=Decimal("0.3000"),
        decisions_recorded_share=Decimal("0"),
        last_meeting_at=dt.datetime(2026, 11, 2, 4, 30, tzinfo=dt.UTC),
        refreshed_at=dt.datetime(2026, 11, 3, tzinfo=dt.UTC),
    )
    page.goto("/reviews/meetings/")
    page.get_by_text("5,359,900 円").first.wait_for()
    page.get_by_text("計算の前提").click()
    problems += axe_problems(page, "meeting series")
    _shot(page, "meeting-series-ja")
    page.get_by_role("link", name="時間単価を変更する").click()
    page.get_by_label("課長級以上").fill("6200")
    problems += axe_problems(page, "hourly rates")
    _shot(page, "hourly-rates-ja")
    page.get_by_role("button", name="保存する").click()
    page.get_by_text("時間単価を保存しました").wait_for()
    assert HourlyRate.objects.get(level="5").yen_per_hour == 6200

    english = _page(browser, live_server, planner, lang="en")
    english.goto("/reviews/meetings/")
    english.get_by_text("Recurring meetings inventory").wait_for()
    problems += axe_problems(english, "meeting series (en)")
    _shot(english, "meeting-series-en")
    english.goto("/reviews/procedures/")
    problems += axe_problems(english, "procedure list (en)")
    _shot(english, "procedure-list-en")

    # The head of 市民課 reads their own units' procedures, not 税務課's.
    reader = _page(browser, live_server, head)
    reader.goto("/reviews/procedures/")
    reader.get_by_text("手続 2 件").wait_for()
    assert reader.get_by_role("cell", name="課税証明書の交付申請").count() == 0
    assert problems == [], problems

"""Browser: my month on a phone is a list of days (nothing cut off), on a desktop a table.

Debian chromium through Playwright; axe-core in Japanese and English at 375 px and at
desktop width.
"""

from __future__ import annotations

import datetime as dt
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

# March 2026 starts on a Sunday and ends on a Tuesday: six empty cells in the first row.
MONTH = "2026-03"
LAST_SUNDAY = dt.date(2026, 3, 29)
SUNDAY = {"ja": "3月29日（日）", "en": "Sun 29 March"}
WEEKDAY_HEADERS = {
    "ja": ["月", "火", "水", "木", "金", "土", "日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}

# Elements a reader would have to scroll sideways (the page itself, or a scroll box).
SIDEWAYS = """() => {
  const boxes = [...document.querySelectorAll('*')].filter((el) => {
    const style = getComputedStyle(el);
    return ['auto', 'scroll'].includes(style.overflowX) && el.offsetParent !== null
      && el.scrollWidth > el.clientWidth + 1;
  }).map((el) => el.className || el.tagName);
  if (document.documentElement.scrollWidth > window.innerWidth) { boxes.push('page'); }
  return boxes;
}"""


def _published_month(person: Any, activities: dict[str, Any], head: Any) -> None:
    from yakuba.rosters.models import Assignment, RosterPeriod, RosterVersion, VersionStatus

    first, last = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    period = RosterPeriod.objects.create(
        unit=None, name="2026年3月", start_date=first, end_date=last, created_by=head
    )
    version = RosterVersion.objects.create(
        period=period, number=1, created_by=head, status=VersionStatus.PUBLISHED
    )
    cells = []
    for i in range(31):
        day = first + dt.timedelta(days=i)
        if day.weekday() == 6:
            activity = None  # Sundays off
        elif day.weekday() == 5 or day.day % 3 == 0:
            activity = activities["desk"]  # the Saturday counter, and some weekdays
        elif day.day % 3 == 1:
            activity = activities["vpn"]
        else:
            activity = activities["office"]
        cells.append(Assignment(version=version, staff=person, date=day, activity=activity))
    Assignment.objects.bulk_create(cells)


@pytest.mark.django_db(transaction=True)
def test_month_fits_a_phone_and_stays_a_table_on_desktop(
    browser, live_server, make_user, roster_setup
) -> None:
    from django.urls import reverse

    user = make_user("staff")
    head = make_user("unit_head")
    _published_month(user.staff, roster_setup, head)
    url = f"{reverse('rosters:my_schedule')}?month={MONTH}"
    problems: list[str] = []

    for lang in ("ja", "en"):
        for device, viewport in (("phone", PHONE), ("desktop", VIEWPORT)):
            ctx = browser.new_context(
                viewport=viewport,
                locale="ja-JP" if lang == "ja" else "en-GB",
                base_url=live_server.url,
            )
            ctx.set_default_timeout(15_000)
            ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
            page = ctx.new_page()
            page.goto(url)
            page.locator("h1").wait_for()
            label = f"my schedule {lang} {device}"
            assert page.evaluate(SIDEWAYS) == [], label
            table = page.get_by_role("table")
            days = page.locator("ol.month-list > li")
            if device == "phone":
                assert not table.is_visible(), label
                assert days.count() == 31
                sunday = days.nth(LAST_SUNDAY.day - 1)
                sunday.scroll_into_view_if_needed()
                assert sunday.is_visible()
                assert SUNDAY[lang] in sunday.inner_text()
                box = sunday.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
                # The day's work is on the same screen as its date, not cut off.
                work = days.nth(2).locator(".month-list__work")
                work_box = work.bounding_box()
                assert work_box and work_box["x"] + work_box["width"] <= PHONE["width"]
            else:
                assert table.is_visible() and not days.first.is_visible(), label
                headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
                assert headers == WEEKDAY_HEADERS[lang]
                sunday_cell = table.locator("td.is-sun").last
                box = sunday_cell.bounding_box()
                assert box and box["x"] + box["width"] <= VIEWPORT["width"]
            assert "2026" in page.locator(".pagination strong").inner_text()
            if lang == "en":
                assert "年" not in page.locator(".pagination strong").inner_text()
            problems += axe_problems(page, label)
            screenshot(page, f"my-schedule-{lang}-{device}")
            ctx.close()
    assert not problems, "\n".join(problems)

"""Browser: plan → live progress → grid → pin a cell → publish → my schedule → iCal.

Debian chromium through Playwright (no downloads); axe-core on every screen. The solve
runs in a real task worker (django-tasks-db) so the page shows the live progress bar.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from yakuba.core.tests.browser_support import (
    VIEWPORT,
    axe_problems,
    screenshot,
    session_cookies,
)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def worker(settings) -> Iterator[None]:
    """The database task backend and one worker thread, as `make run` has."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    # The worker's own loop, minus the command's signal handlers (main thread only).
    from django_tasks_db.management.commands.db_worker import Worker

    task_worker = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )

    def run() -> None:
        try:
            task_worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield
    task_worker.running = False
    thread.join(timeout=30)


def _page(browser, live_server, user, lang: str | None = None) -> Any:
    ctx = browser.new_context(viewport=VIEWPORT, locale="ja-JP", base_url=live_server.url)
    ctx.set_default_timeout(20_000)
    ctx.add_cookies(session_cookies(user, live_server.url, verified=True, lang=lang))
    return ctx.new_page()


@pytest.mark.django_db(transaction=True)
def test_plan_progress_grid_pin_publish_and_subscribe(
    browser, live_server, make_user, roster_setup, worker
) -> None:
    from yakuba.accounts.models import User
    from yakuba.rosters.models import Assignment, RosterVersion

    head = make_user("unit_head")
    page = _page(browser, live_server, head)
    page.on("dialog", lambda d: d.accept())
    problems: list[str] = []

    page.goto("/rosters/")
    page.get_by_role("heading", name="勤務表", level=1).wait_for()
    problems += axe_problems(page, "period list")
    page.get_by_label("所属").select_option(str(roster_setup["org"]["shimin"].pk))
    page.get_by_role("button", name="期間を作成").click()
    page.get_by_label("計算時間の上限（秒）").fill("5")
    page.get_by_role("button", name="作成", exact=True).click()
    # Live progress: the status box polls while the worker solves, then the grid appears.
    page.locator("#solve-progress").wait_for()
    problems += axe_problems(page, "progress")
    screenshot(page, "roster-progress")
    page.locator("table.roster").wait_for(timeout=60_000)
    version = RosterVersion.objects.latest("pk")
    assert version.status == "solved"
    assert version.progress, "the progress series was stored"
    problems += axe_problems(page, "grid")
    screenshot(page, "roster-grid-ja")

    person = roster_setup["people"][3]
    day = (
        Assignment.objects.filter(version=version, staff=person, activity__isnull=False)
        .first()
        .date
    )
    index = (day - version.period.start_date).days
    page.locator(f'button.cell[data-s="{person.pk}"][data-d="{index}"]').click()
    dialog = page.locator("#cell-dialog")
    dialog.get_by_label("勤務形態").select_option(str(roster_setup["office"].pk))
    problems += axe_problems(page, "cell dialog")
    dialog.get_by_role("button", name="保存").click()
    page.get_by_text("を変更しました").wait_for()
    cell = Assignment.objects.get(version=version, staff=person, date=day)
    assert cell.activity == roster_setup["office"] and cell.pinned

    page.get_by_role("button", name="公開").click()
    page.get_by_text("を公開しました").wait_for()
    version.refresh_from_db()
    assert version.status == "published"

    # The person sees their month and subscribes to the calendar.
    user = User.objects.create_user("browser-staff", password=None, role="staff")
    person.user = user
    person.save()
    me = _page(browser, live_server, user)
    me.goto(f"/rosters/me/?month={day:%Y-%m}")
    me.get_by_role("heading", name="自分の勤務予定").wait_for()
    assert me.locator("table.month").get_by_text("庁内").first.is_visible()
    problems += axe_problems(me, "my schedule")
    screenshot(me, "roster-my-month")
    me.get_by_role("link", name="カレンダーで購読（iCalendar）").click()
    me.get_by_role("button", name="購読用URLを発行").click()
    url = me.locator("#feed-url").inner_text().strip()
    problems += axe_problems(me, "calendar settings")
    ics = me.request.get(url)
    assert ics.ok and ics.headers["content-type"].startswith("text/calendar")
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in ics.text()
    me.goto("/rosters/requests/")
    problems += axe_problems(me, "requests")

    # The grid in English.
    en = _page(browser, live_server, head, lang="en")
    en.goto(f"/rosters/versions/{version.pk}/")
    en.locator("table.roster").wait_for()
    problems += axe_problems(en, "grid (en)")
    screenshot(en, "roster-grid-en")
    en.goto("/rosters/setup/")
    problems += axe_problems(en, "setup (en)")
    en.goto("/rosters/setup/people/")
    problems += axe_problems(en, "people (en)")
    assert not problems, "\n".join(problems)

"""Browser: the progress card of a large office's run names its search and its bound, in
Japanese and English; the finished version keeps the search. axe on both screens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yakuba.core.tests.browser_support import axe_problems, screenshot
from yakuba.rosters.tests.test_browser import _page

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_the_progress_card_names_the_search_in_both_languages(
    browser, live_server, make_user, roster_setup
) -> None:
    from yakuba.rosters.models import RosterPeriod, RosterVersion, VersionStatus

    head = make_user("unit_head")
    period = RosterPeriod.objects.create(
        unit=roster_setup["org"]["shimin"],
        name="2027年1月",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 1, 31),
        created_by=head,
    )
    # A 5,000-staff office 40 s into a 60 s run, as the task writes it.
    running = RosterVersion.objects.create(
        period=period,
        number=1,
        created_by=head,
        time_limit=60,
        status=VersionStatus.RUNNING,
        started_at=timezone.now(),
        strategy="decomposition+lns",
        progress=[[1.5, 25816, 24807], [19.6, 25760, 24807], [40.2, 25728, 24807]],
    )
    problems: list[str] = []
    page = _page(browser, live_server, head)
    page.goto(f"/rosters/versions/{running.pk}/")
    card = page.locator("#solve-progress")
    card.get_by_text("探索方法：近傍探索＋分解による下限").wait_for()
    assert "24807" in card.inner_text()
    card.locator("svg.spark").wait_for()  # the objective and bound over time
    problems += axe_problems(page, "progress ja")
    screenshot(page, "roster-search-progress-ja", full_page=False)

    en = _page(browser, live_server, head, lang="en")
    en.goto(f"/rosters/versions/{running.pk}/")
    en.locator("#solve-progress").get_by_text(
        "Search: Neighbourhood search + decomposition bound"
    ).wait_for()
    problems += axe_problems(en, "progress en")
    screenshot(en, "roster-search-progress-en", full_page=False)

    # The run ends: the page reloads onto the grid, whose facts keep the search.
    RosterVersion.objects.filter(pk=running.pk).update(
        status=VersionStatus.SOLVED, objective=25700, bound=24807, finished_at=timezone.now()
    )
    page.reload()
    facts = page.locator("dl.facts")
    facts.get_by_text("探索方法").wait_for()
    assert "近傍探索＋分解による下限" in facts.inner_text()
    problems += axe_problems(page, "solved ja")
    screenshot(page, "roster-search-solved-ja", full_page=False)
    assert not problems, "\n".join(problems)

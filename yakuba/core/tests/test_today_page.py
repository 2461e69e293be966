"""The whole "today" page: every registered panel for a unit head, and the page's number of
queries does not grow with the office."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from yakuba.core.panels import registered
from yakuba.core.tests.today_office import LARGE, MORNING, SMALL, today_office


def _home_queries(client, user) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_apps_register_the_today_panels() -> None:
    names = [p.name for p in registered()]
    assert names[:6] == [
        "rosters.week",
        "dailyreports.today",
        "dailyreports.unreported",
        "remoteseats.today",
        "meetings.today",
        "notifications.unread",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "unit_head"])
def test_home_page_queries_do_not_grow_with_the_office(
    client_factory, make_user, org, role
) -> None:
    counts, pages = [], []
    for size in (SMALL, LARGE):
        # A fresh office of each size for a fresh person (rows of the small one stay: the
        # large office only adds to them).
        user = make_user(role, username=f"{role}-{size}")
        today_office(org, user, size)
        with time_machine.travel(MORNING, tick=False):
            client = verified_client(client_factory(), user)
            client.get(reverse("core:home"))  # warm-up: session, caches of the first request
            n, html = _home_queries(client, user)
        counts.append(n)
        pages.append(html)
    assert counts[0] == counts[1], f"home page queries: small {counts[0]}, large {counts[1]}"
    for html in pages:
        assert "今日の勤務" in html
        assert "朝の業務報告" in html
        assert "リモート接続枠" in html
        assert "会議" in html
        assert "未読のお知らせ" in html
    assert ("報告の提出状況" in pages[0]) is (role == "unit_head")

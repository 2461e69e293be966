"""The rosters' home-page panel: where I work today and this week (published roster)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from yakuba.core.panels import Panel, register


def week_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Monday–Sunday of the current week from the published roster (two queries)."""
    from yakuba.rosters.grid import day_columns
    from yakuba.rosters.selectors import my_assignments

    staff = getattr(request.user, "staff", None)
    if staff is None:
        return None
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    cells = my_assignments(staff, days[0], days[-1])
    return {
        "today_cell": cells.get(today),
        "week": [
            {"col": col, "cell": cells.get(col.date), "today": col.date == today}
            for col in day_columns(days)
        ],
    }


WEEK = register(
    Panel(name="rosters.week", order=10, template="rosters/panels/week.html", context=week_panel)
)

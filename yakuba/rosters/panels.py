"""The rosters' home-page panel: where I work today (prominently) and this week.

Read from the published roster only: a draft is nobody's plan yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.core.panels import Panel, register


def _off_label(off_reason: str) -> str:
    """休み / 振替休日 / the kind of leave (年次休暇…) of a day without an activity."""
    from yakuba.rosters.models import RequestKind

    if not off_reason:
        return _("休み")
    if off_reason == "substitute":
        return _("振替休日")
    if off_reason in RequestKind.values:
        return str(RequestKind(off_reason).label)
    return _("休暇")


def week_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Today's cell and Monday–Sunday of this week (one query; two when the week is empty).

    Hidden for people who have never been on a published roster: an office (or unit) that
    does not use rosters should not be told every morning that none is published.
    """
    from yakuba.core.calendar import holiday_name
    from yakuba.rosters.grid import day_columns
    from yakuba.rosters.selectors import has_published_roster, my_assignments

    staff = getattr(request.user, "staff", None)
    if staff is None:
        return None
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    # Tomorrow too: on Sunday it is next week's Monday, which the week does not show.
    tomorrow = today + dt.timedelta(days=1)
    cells = my_assignments(staff, days[0], max(days[-1], tomorrow))
    if not cells and not has_published_roster(staff):
        return None
    today_cell = cells.get(today)
    return {
        "today": today,
        "holiday": holiday_name(today),
        "today_cell": today_cell,
        "today_off": _off_label(today_cell.off_reason)
        if today_cell is not None and today_cell.activity is None
        else "",
        "week": [
            {
                "col": col,
                "cell": cells.get(col.date),
                "off": _off_label(cells[col.date].off_reason) if col.date in cells else "",
                "today": col.date == today,
            }
            for col in day_columns(days)
        ],
        "week_published": any(day in cells for day in days),
        "tomorrow": tomorrow,
        "tomorrow_cell": cells.get(tomorrow),
        "tomorrow_off": _off_label(cells[tomorrow].off_reason)
        if tomorrow in cells and cells[tomorrow].activity is None
        else "",
    }


WEEK = register(
    Panel(name="rosters.week", order=10, template="rosters/panels/week.html", context=week_panel)
)

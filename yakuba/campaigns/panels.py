"""Where a person meets their assignments and their own score.

* Home panel 「セキュリティ研修」: only when an assignment is due within a week or overdue
  (the home page is for what matters this morning).
* 「わたしのセキュリティ」 sections: my courses and campaigns (with the required course for
  telework and its validity), and my awareness score with every component explained.
  The score is shown to the person only here; there is no home panel for it, because the
  home page can be seen over a shoulder and a score is nobody else's business.

Each reads in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from yakuba.core.panels import Panel
from yakuba.core.panels import register as register_panel
from yakuba.security import hub

DUE_SOON = dt.timedelta(days=7)
RECENT_DONE = dt.timedelta(days=60)


def _staff(request: HttpRequest) -> Any:
    return getattr(request.user, "staff", None)


def due_panel(request: HttpRequest) -> dict[str, Any] | None:
    from yakuba.campaigns.selectors import my_assignments

    if _staff(request) is None:
        return None
    today = timezone.localdate()
    rows = list(
        my_assignments(request.user)
        .filter(
            completed_at__isnull=True,
            due_on__isnull=False,
            due_on__lte=today + DUE_SOON,
            campaign__starts_on__lte=today,
        )
        .order_by("due_on", "pk")
    )
    if not rows:
        return None
    return {"assignments": [assignment_row(a, today) for a in rows]}


def assignment_row(assignment: Any, today: dt.date) -> dict[str, Any]:
    days = (assignment.due_on - today).days if assignment.due_on else None
    return {
        "assignment": assignment,
        "title": assignment.title,
        "days": days,
        "overdue": days is not None and days < 0,
        "overdue_days": -days if days is not None and days < 0 else 0,
    }


def mine_section(request: HttpRequest) -> dict[str, Any] | None:
    from yakuba.campaigns.hooks import last_passes, pass_valid_until
    from yakuba.campaigns.selectors import my_assignments, required_courses

    staff = _staff(request)
    if staff is None:
        return None
    today = timezone.localdate()
    since = timezone.now() - RECENT_DONE
    rows = list(
        my_assignments(request.user)
        .filter(campaign__isnull=False)
        .exclude(completed_at__lt=since)
        .order_by("completed_at", "due_on", "pk")
    )
    open_ = [
        assignment_row(a, today)
        for a in rows
        if a.completed_at is None and a.campaign is not None and a.campaign.starts_on <= today
    ]
    done = [a for a in rows if a.completed_at is not None]
    courses = required_courses()
    passes = last_passes([staff.pk], courses) if courses else {}
    required: list[dict[str, Any]] = []
    for course in courses:
        passed_at = passes.get((staff.pk, course.pk))
        until = pass_valid_until(passed_at, course) if passed_at else None
        required.append(
            {
                "course": course,
                "valid_until": until,
                "valid": until is not None and until >= today,
                "expiring": until is not None and today <= until < today + dt.timedelta(days=30),
            }
        )
    # An open assignment of a required course above says all: no second line for it.
    taking = {r["assignment"].course_id for r in open_}
    required = [r for r in required if r["valid"] or r["course"].pk not in taking]
    if not (open_ or done or required):
        return None
    return {"open": open_, "done": done, "required": required}


def score_section(request: HttpRequest) -> dict[str, Any] | None:
    from yakuba.security.score import scores

    staff = _staff(request)
    if staff is None:
        return None
    mine = scores([staff.pk])[staff.pk]
    # Nothing to explain yet (no component applies): no section, rather than an empty one.
    return None if mine.score is None else {"score": mine}


DUE_PANEL = Panel(
    name="campaigns.due", order=60, template="campaigns/panels/due.html", context=due_panel
)
MINE_SECTION = hub.Section(
    name="campaigns.mine",
    order=30,
    template="campaigns/sections/mine.html",
    context=mine_section,
)
SCORE_SECTION = hub.Section(
    name="campaigns.score",
    order=90,
    template="campaigns/sections/score.html",
    context=score_section,
)


def register() -> None:
    register_panel(DUE_PANEL)
    hub.register(MINE_SECTION)
    hub.register(SCORE_SECTION)

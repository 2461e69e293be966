"""Permission-scoped reads: the licence ledger and the meeting records the report needs.

The report is office-wide by design (a licence serves every unit), so it is shown only to
those who hold `VIEW_LICENCES`; it names hosts and counts meetings but never shows
meeting titles or attendees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Min, Prefetch, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.licences.models import Licence, LicenceAssignment
from yakuba.meetings.models import Meeting

# Actual times may run past the scheduled ones: read meetings scheduled this much
# either side of the month, then clip to the month.
FETCH_MARGIN = dt.timedelta(days=1)


def can_view(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.can(Capability.VIEW_LICENCES)


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.can(Capability.MANAGE_LICENCES)


def visible_licences(user: Any) -> QuerySet[Licence]:
    if not can_view(user):
        return Licence.objects.none()
    return Licence.objects.select_related("holder__unit").prefetch_related(
        Prefetch(
            "assignments",
            queryset=LicenceAssignment.objects.select_related("staff__unit", "assigned_by"),
        )
    )


def licences_valid_between(user: Any, first: dt.date, last: dt.date) -> list[Licence]:
    """Licences whose contract covers at least one day of ``[first, last]``."""
    return list(
        visible_licences(user)
        .filter(valid_from__lte=last)
        .exclude(valid_to__lt=first)
        .order_by("platform", "name")
    )


@dataclass(frozen=True)
class MeetingSpan:
    """A meeting as the report sees it: when it ran (actual where recorded) and who hosted."""

    platform: str
    host_id: int | None
    start: dt.datetime
    end: dt.datetime
    actual: bool


def meeting_spans(
    user: Any, platforms: set[str], start: dt.datetime, end: dt.datetime
) -> list[MeetingSpan]:
    """Meetings on `platforms` that may overlap ``[start, end)``, with their actual times:
    first join to last leave of the recorded presence, else the scheduled times."""
    if not can_view(user) or not platforms:
        return []
    rows = (
        Meeting.objects.filter(
            platform__in=sorted(platforms),
            start__lt=end + FETCH_MARGIN,
            end__gt=start - FETCH_MARGIN,
        )
        .annotate(first_join=Min("presence__join"), last_leave=Max("presence__leave"))
        .values_list("platform", "host_id", "start", "end", "first_join", "last_leave")
        .order_by("start", "pk")
    )
    spans = []
    for platform, host_id, s, e, first_join, last_leave in rows:
        actual = first_join is not None and last_leave is not None and last_leave > first_join
        spans.append(
            MeetingSpan(
                platform=platform,
                host_id=host_id,
                start=first_join if actual else s,
                end=last_leave if actual else e,
                actual=actual,
            )
        )
    return spans

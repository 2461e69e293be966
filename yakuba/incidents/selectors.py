"""Reads: a reporter's own incidents, infosec's queue, and the statistics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from yakuba.accounts.roles import Capability
from yakuba.incidents.models import Category, Incident, Status, TimelineEntry


def my_incidents(user: Any) -> QuerySet[Incident]:
    """The incidents `user` reported. Nobody else's: a unit head does not see the reports
    of their staff (they may name a colleague's mistake; infosec involves the unit head
    when a case needs it, as an action on the timeline)."""
    if not getattr(user, "is_authenticated", False):
        return Incident.objects.none()
    return Incident.objects.filter(reporter=user)


def reporter_timeline(incident: Incident) -> QuerySet[TimelineEntry]:
    return incident.timeline.filter(for_reporter=True)


def triage_queue(user: Any) -> QuerySet[Incident]:
    if not getattr(user, "is_authenticated", False) or not user.can(Capability.TRIAGE_INCIDENTS):
        return Incident.objects.none()
    return Incident.objects.select_related("reporter__staff__unit")


def queue(user: Any, *, status: str = "", category: str = "") -> QuerySet[Incident]:
    incidents = triage_queue(user)
    if status:
        incidents = incidents.filter(status=status)
    if category:
        incidents = incidents.filter(category=category)
    return incidents


def open_count() -> dict[str, int]:
    counts = dict(
        Incident.objects.exclude(status=Status.CLOSED)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {s: counts.get(s, 0) for s in Status.values}


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    counts: dict[str, int]
    personal_data: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def months_back(last: dt.date, n: int) -> list[dt.date]:
    first = last.replace(day=1)
    months = []
    for _i in range(n):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def monthly_stats(last_month: dt.date | None = None, months: int = 12) -> list[MonthRow]:
    """Reports per month and category for `months` months ending with `last_month`
    (two queries, whatever the number of incidents)."""
    last_month = (last_month or timezone.localdate()).replace(day=1)
    span = months_back(last_month, months)
    start = timezone.make_aware(dt.datetime.combine(span[0], dt.time.min))
    end_day = (last_month + dt.timedelta(days=32)).replace(day=1)
    end = timezone.make_aware(dt.datetime.combine(end_day, dt.time.min))
    window = Incident.objects.filter(reported_at__gte=start, reported_at__lt=end)
    by: dict[tuple[dt.date, str], int] = {}
    for row in (
        window.annotate(month=TruncMonth("reported_at"))
        .values("month", "category")
        .annotate(n=Count("pk"))
    ):
        month = row["month"]
        key = month.date() if isinstance(month, dt.datetime) else month
        by[(key, row["category"])] = row["n"]
    personal: dict[dt.date, int] = {}
    for found in (
        window.filter(personal_data_confirmed=True)
        .annotate(month=TruncMonth("reported_at"))
        .values("month")
        .annotate(n=Count("pk"))
    ):
        month = found["month"]
        personal[month.date() if isinstance(month, dt.datetime) else month] = found["n"]
    return [
        MonthRow(m, {c: by.get((m, c), 0) for c in Category.values}, personal.get(m, 0))
        for m in span
    ]


def counts_between(start: dt.date, end: dt.date) -> dict[str, int]:
    """Incidents reported between two dates (both included) per category, plus
    ``"personal_data"``: those confirmed to involve personal data (one query)."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    counts = {c: 0 for c in Category.values}
    counts["personal_data"] = 0
    for category, confirmed, n in (
        Incident.objects.filter(reported_at__gte=since, reported_at__lt=until)
        .values("category", "personal_data_confirmed")
        .annotate(n=Count("pk"))
        .values_list("category", "personal_data_confirmed", "n")
    ):
        counts[category] = counts.get(category, 0) + n
        if confirmed:
            counts["personal_data"] += n
    return counts

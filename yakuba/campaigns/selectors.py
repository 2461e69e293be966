"""Permission-scoped reads: my assignments, campaigns and their progress by unit.

Progress is read through `security.scope` with `VIEW_AWARENESS_PROGRESS`: infosec and the
auditor see every unit, a unit head their own units. Names of people who are behind are
shown to infosec (who runs the campaigns) and to unit heads for their own units — not
to the auditor, who reads the figures and changes nothing. Every page reads in a
constant number of queries, whatever the number of people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.campaigns.models import Assignment, Campaign, CampaignStatus, Course
from yakuba.org.models import Staff, Unit
from yakuba.security.scope import sees_whole_office, staff_in_scope, units_in_scope

PROGRESS = Capability.VIEW_AWARENESS_PROGRESS


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.can(Capability.MANAGE_AWARENESS)


def can_view_progress(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.can(PROGRESS) or user.can(Capability.MANAGE_AWARENESS)
    )


def sees_names(user: Any) -> bool:
    """Infosec, and unit heads (for their own units); not the office-wide reader."""
    if can_manage(user):
        return True
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.can(PROGRESS)
        and not sees_whole_office(user, PROGRESS)
    )


# --- the person's own -----------------------------------------------------------------


def my_assignments(user: Any) -> QuerySet[Assignment]:
    """The signed-in person's assignments of launched campaigns and self-enrolments."""
    staff = getattr(user, "staff", None)
    if staff is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(staff=staff)
        .filter(Q(campaign__isnull=True) | Q(campaign__status=CampaignStatus.LAUNCHED))
        .select_related("campaign", "course")
    )


def required_courses() -> list[Course]:
    return list(Course.objects.filter(required_for_telework=True, active=True).order_by("pk"))


# --- campaigns and progress -----------------------------------------------------------


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    if not can_view_progress(user):
        return Campaign.objects.none()
    campaigns = Campaign.objects.select_related("course")
    if not can_manage(user):
        campaigns = campaigns.filter(status=CampaignStatus.LAUNCHED)
    return campaigns


def scoped_assignments(user: Any, campaign: Campaign) -> QuerySet[Assignment]:
    if can_manage(user):
        return Assignment.objects.filter(campaign=campaign)
    return Assignment.objects.filter(campaign=campaign, staff__in=staff_in_scope(user, PROGRESS))


def scoped_units(user: Any) -> QuerySet[Unit]:
    if can_manage(user):
        return Unit.objects.all()
    return units_in_scope(user, PROGRESS)


@dataclass
class Progress:
    """Counts of one unit (or a total). Overdue people are also in progress or not started."""

    label: str = ""
    unit_id: int | None = None
    depth: int = 0
    assigned: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0

    def add(self, other: Progress) -> None:
        self.assigned += other.assigned
        self.completed += other.completed
        self.in_progress += other.in_progress
        self.not_started += other.not_started
        self.overdue += other.overdue

    def pct(self, count: int) -> int:
        return round(100 * count / self.assigned) if self.assigned else 0

    @property
    def completed_pct(self) -> int:
        return self.pct(self.completed)

    @property
    def in_progress_pct(self) -> int:
        return self.pct(self.in_progress)

    @property
    def not_started_pct(self) -> int:
        return self.pct(self.not_started)

    @property
    def overdue_pct(self) -> int:
        return self.pct(self.overdue)


@dataclass
class CampaignProgress:
    total: Progress
    units: list[Progress] = field(default_factory=list)


def progress_by_unit(user: Any, campaign: Campaign, today: dt.date) -> CampaignProgress:
    """Per unit in the user's scope with anyone assigned (the person's current unit), in
    the organisation's order, and the total (two queries)."""
    overdue_q = Q(completed_at__isnull=True, due_on__lt=today)
    rows = (
        scoped_assignments(user, campaign)
        .values("staff__unit_id")
        .annotate(
            assigned=Count("pk"),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            in_progress=Count("pk", filter=Q(completed_at__isnull=True, started_at__isnull=False)),
            not_started=Count("pk", filter=Q(started_at__isnull=True, completed_at__isnull=True)),
            overdue=Count("pk", filter=overdue_q),
        )
    )
    counts = {r["staff__unit_id"]: r for r in rows}
    units = Unit.objects.filter(pk__in=list(counts)).order_by("path")
    base = min((u.path.count("/") for u in units), default=0)
    total = Progress(label="")
    result: list[Progress] = []
    for unit in units:
        r = counts[unit.pk]
        p = Progress(
            label=unit.name,
            unit_id=unit.pk,
            depth=min(unit.path.count("/") - base, 3),
            assigned=r["assigned"],
            completed=r["completed"],
            in_progress=r["in_progress"],
            not_started=r["not_started"],
            overdue=r["overdue"],
        )
        total.add(p)
        result.append(p)
    return CampaignProgress(total=total, units=result)


def overdue_people(user: Any, campaign: Campaign, today: dt.date) -> list[Assignment]:
    """Who is past the due date and not done, by unit then name (one query); [] for
    readers who do not see names."""
    if not sees_names(user):
        return []
    return list(
        scoped_assignments(user, campaign)
        .filter(completed_at__isnull=True, due_on__lt=today)
        .select_related("staff__unit")
        .order_by("staff__unit__path", "staff__name_kana", "staff__pk")
    )


def campaign_totals(user: Any, campaigns: list[Campaign], today: dt.date) -> dict[int, Progress]:
    """Per campaign of the list: the totals within the user's scope (one query)."""
    if not campaigns:
        return {}
    assignments = Assignment.objects.filter(campaign__in=campaigns)
    if not can_manage(user):
        assignments = assignments.filter(staff__in=staff_in_scope(user, PROGRESS))
    rows = assignments.values("campaign_id").annotate(
        assigned=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        in_progress=Count("pk", filter=Q(completed_at__isnull=True, started_at__isnull=False)),
        not_started=Count("pk", filter=Q(started_at__isnull=True, completed_at__isnull=True)),
        overdue=Count("pk", filter=Q(completed_at__isnull=True, due_on__lt=today)),
    )
    totals: dict[int, Progress] = defaultdict(Progress)
    for r in rows:
        totals[r["campaign_id"]] = Progress(
            assigned=r["assigned"],
            completed=r["completed"],
            in_progress=r["in_progress"],
            not_started=r["not_started"],
            overdue=r["overdue"],
        )
    return {c.pk: totals[c.pk] for c in campaigns}


def staff_named(ids: list[int]) -> dict[int, Staff]:
    return {s.pk: s for s in Staff.objects.filter(pk__in=ids).select_related("unit")}

"""Reads: the checklist, each person's standing, and readiness by person (scoped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from yakuba.accounts.roles import Capability
from yakuba.org.models import Staff, Unit
from yakuba.readiness.models import ChecklistItem, ChecklistSubmission, ReadinessSettings
from yakuba.readiness.status import Standing, Status, standing
from yakuba.rosters.models import ActivityKind, Assignment, StaffWorkProfile, VersionStatus
from yakuba.security import scope

# "Teleworks": approved for telework, or on a published roster at home within this window.
TELEWORK_PAST = dt.timedelta(days=180)
TELEWORK_AHEAD = dt.timedelta(days=62)


def active_items() -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(active=True))


def current_submissions(staff_ids: Iterable[int]) -> dict[int, ChecklistSubmission]:
    """Each person's latest answer (one query)."""
    return {
        s.staff_id: s
        for s in ChecklistSubmission.objects.filter(staff_id__in=list(staff_ids), current=True)
    }


def standings(
    staff_ids: Sequence[int],
    *,
    today: dt.date | None = None,
    office: ReadinessSettings | None = None,
) -> dict[int, Standing]:
    """Every person's standing (two queries, one when `office` is given)."""
    today = today or timezone.localdate()
    office = office or ReadinessSettings.current()
    found = current_submissions(staff_ids)
    return {pk: standing(found.get(pk), today, office.reminder_days) for pk in staff_ids}


def my_standing(staff: Staff) -> Standing:
    return standings([staff.pk])[staff.pk]


def teleworkers(staff_ids: Sequence[int], today: dt.date | None = None) -> set[int]:
    """Who among `staff_ids` teleworks: approved for it, on a published roster at home
    lately or soon, or has answered the checklist (three queries)."""
    today = today or timezone.localdate()
    ids = list(staff_ids)
    approved = StaffWorkProfile.objects.filter(
        staff_id__in=ids, telework_approved=True
    ).values_list("staff_id", flat=True)
    rostered = (
        Assignment.objects.filter(
            staff_id__in=ids,
            version__status=VersionStatus.PUBLISHED,
            activity__kind=ActivityKind.TELEWORK,
            date__range=(today - TELEWORK_PAST, today + TELEWORK_AHEAD),
        )
        .values_list("staff_id", flat=True)
        .distinct()
    )
    answered = ChecklistSubmission.objects.filter(staff_id__in=ids, current=True).values_list(
        "staff_id", flat=True
    )
    return set(approved) | set(rostered) | set(answered)


@dataclass(frozen=True)
class PersonRow:
    staff: Staff
    standing: Standing


@dataclass(frozen=True)
class ReadinessTable:
    rows: list[PersonRow]
    counts: dict[str, int]
    total: int


def readiness_by_person(
    user: Any, *, unit: Unit | None = None, status: str = "", everyone: bool = False
) -> ReadinessTable:
    """Readiness of the teleworkers (or everyone, with `everyone`) whose records `user`
    may read: infosec the office, unit heads their units. A constant number of queries."""
    people: QuerySet[Staff] = scope.staff_in_scope(user, Capability.VIEW_READINESS).filter(
        active=True
    )
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    staff = list(people.select_related("unit").order_by("unit__path", "staff_number"))
    ids = [s.pk for s in staff]
    if not everyone:
        keep = teleworkers(ids)
        staff = [s for s in staff if s.pk in keep]
        ids = [s.pk for s in staff]
    found = standings(ids)
    counts = {value: 0 for value in Status.values}
    for pk in ids:
        counts[found[pk].status] += 1
    rows = [PersonRow(s, found[s.pk]) for s in staff if not status or found[s.pk].status == status]
    return ReadinessTable(rows=rows, counts=counts, total=len(ids))


def units_for_filter(user: Any) -> QuerySet[Unit]:
    return scope.units_in_scope(user, Capability.VIEW_READINESS).filter(active=True)

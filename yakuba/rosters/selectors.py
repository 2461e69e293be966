"""Permission-scoped reads for rosters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from yakuba.accounts.roles import Capability
from yakuba.org import selectors as org_selectors
from yakuba.org.models import Staff
from yakuba.rosters.models import (
    Assignment,
    RosterPeriod,
    RosterVersion,
    StaffRequest,
    VersionStatus,
)


def plannable_periods(user: Any) -> QuerySet[RosterPeriod]:
    """Periods whose unit lies in the user's organisation scope (planners and viewers)."""
    if not user.can(Capability.VIEW_ROSTERS):
        return RosterPeriod.objects.none()
    periods = RosterPeriod.objects.select_related("unit", "created_by")
    if user.is_office_wide:
        return periods  # includes whole-office periods (unit = None)
    return periods.filter(unit__in=org_selectors.visible_units(user))


def can_plan(user: Any, period: RosterPeriod) -> bool:
    if not user.can(Capability.PLAN_ROSTERS):
        return False
    if period.unit_id is None:
        return user.is_office_wide
    return org_selectors.visible_units(user).filter(pk=period.unit_id).exists()


def published_version_for(staff: Staff, day: dt.date) -> RosterVersion | None:
    return (
        RosterVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            period__start_date__lte=day,
            period__end_date__gte=day,
            assignments__staff=staff,
        )
        .order_by("-published_at")
        .first()
    )


def my_assignments(staff: Staff, start: dt.date, end: dt.date) -> dict[dt.date, Assignment]:
    """The person's published cells between two dates (latest publication wins per day)."""
    cells = (
        Assignment.objects.filter(
            staff=staff,
            date__gte=start,
            date__lte=end,
            version__status=VersionStatus.PUBLISHED,
        )
        .select_related("activity", "version")
        .order_by("date", "version__published_at")
    )
    return {c.date: c for c in cells}


def visible_requests(user: Any) -> QuerySet[StaffRequest]:
    """Own requests, plus those of people in scope for planners."""
    staff = getattr(user, "staff", None)
    if user.can(Capability.PLAN_ROSTERS):
        return StaffRequest.objects.filter(
            staff__in=org_selectors.visible_staff(user)
        ).select_related("staff", "staff__unit")
    if staff is None:
        return StaffRequest.objects.none()
    return StaffRequest.objects.filter(staff=staff).select_related("staff", "staff__unit")


def can_decide_for(user: Any, staff: Staff) -> bool:
    if not user.can(Capability.DECIDE_REQUESTS):
        return False
    return org_selectors.visible_staff(user).filter(pk=staff.pk).exists()

"""Permission-scoped reads for meetings.

* manage: the organiser, and unit heads/HR whose scope holds the meeting's unit;
* view: those, the host and every invitee;
* a catch-up is seen only by its person (the organiser sees only whether it was
  acknowledged, on the re-contact list).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.meetings.models import CatchUp, Meeting
from yakuba.org import selectors as org_selectors


def _staff(user: Any) -> Any:
    return getattr(user, "staff", None)


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    q = Q(organiser=user)
    staff = _staff(user)
    if staff is not None:
        q |= Q(invitees=staff) | Q(host=staff)
    if user.can(Capability.MANAGE_MEETINGS):
        q |= Q(unit__in=org_selectors.visible_units(user))
    return Meeting.objects.filter(q).distinct().select_related("unit", "organiser", "host")


def can_manage(user: Any, meeting: Meeting) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if meeting.organiser_id == user.pk:
        return True
    return user.can(Capability.MANAGE_MEETINGS) and (
        org_selectors.visible_units(user).filter(pk=meeting.unit_id).exists()
    )


def can_view(user: Any, meeting: Meeting) -> bool:
    if can_manage(user, meeting):
        return True
    staff = _staff(user)
    if staff is None:
        return False
    return meeting.host_id == staff.pk or meeting.invitees.filter(pk=staff.pk).exists()


def my_catchups(user: Any) -> QuerySet[CatchUp]:
    staff = _staff(user)
    if staff is None:
        return CatchUp.objects.none()
    return CatchUp.objects.filter(staff=staff, sent_at__isnull=False).select_related("meeting")

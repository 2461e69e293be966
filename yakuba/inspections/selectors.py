"""Permission-scoped reads of self-inspection records.

One scope rule (`yakuba.security.scope`): infosec and the auditor see the whole office,
unit heads their unit and the units below it. Each person also sees their own sheets and
the findings they own. Nothing here writes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.inspections.models import Answer, Checklist, Finding, Round, Sheet
from yakuba.security.scope import units_in_scope


def _staff(user: Any) -> Any:
    return getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None


def can(user: Any, capability: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.can(capability)


def can_manage(user: Any) -> bool:
    return can(user, Capability.MANAGE_INSPECTIONS)


def can_review(user: Any) -> bool:
    return can(user, Capability.REVIEW_INSPECTIONS) or can_manage(user)


def visible_checklists(user: Any) -> QuerySet[Checklist]:
    if not (can_manage(user) or can(user, Capability.VIEW_INSPECTIONS)):
        return Checklist.objects.none()
    return Checklist.objects.all()


def visible_rounds(user: Any) -> QuerySet[Round]:
    if not (can_manage(user) or can(user, Capability.VIEW_INSPECTIONS)):
        return Round.objects.none()
    return Round.objects.all()


def my_sheets(user: Any) -> QuerySet[Sheet]:
    staff = _staff(user)
    if staff is None:
        return Sheet.objects.none()
    return Sheet.objects.filter(staff=staff).exclude(round__status="draft")


def viewable_sheets(user: Any) -> QuerySet[Sheet]:
    """Sheets whose answers the user may read (not their own: see `my_sheets`)."""
    return Sheet.objects.filter(unit__in=units_in_scope(user, Capability.VIEW_INSPECTIONS))


def reviewable_sheets(user: Any) -> QuerySet[Sheet]:
    """Sheets the user may confirm or send back: infosec all, unit heads their units'."""
    if can_manage(user):
        return Sheet.objects.all()
    return Sheet.objects.filter(unit__in=units_in_scope(user, Capability.REVIEW_INSPECTIONS))


def visible_findings(user: Any) -> QuerySet[Finding]:
    staff = _staff(user)
    scoped = Q(unit__in=units_in_scope(user, Capability.VIEW_INSPECTIONS))
    if staff is not None:
        scoped |= Q(owner=staff) | Q(answer__sheet__staff=staff)
    return Finding.objects.filter(scoped)


def evidence_answers(user: Any) -> QuerySet[Answer]:
    """Answers whose evidence file the user may download: the person who answered, the
    owner of its finding, and those who may read the sheet (their unit head, infosec, the
    auditor)."""
    staff = _staff(user)
    scoped = Q(sheet__unit__in=units_in_scope(user, Capability.VIEW_INSPECTIONS))
    if staff is not None:
        scoped |= Q(sheet__staff=staff) | Q(finding__owner=staff)
    return Answer.objects.filter(scoped).exclude(evidence="")

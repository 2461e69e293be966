"""Permission-scoped reads of the inventory: procedures and recurring meetings.

The planning unit (which keeps the inventory) and the office-wide roles (HR, auditors) read
everything; a unit head reads the items of their own unit and below.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.org.models import Unit, UnitKind
from yakuba.reviews.models import MeetingSeries, Procedure

READ_CAPABILITIES = (Capability.MANAGE_REVIEW_INVENTORY, Capability.VIEW_REVIEW_PROGRESS)


def can_read(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and any(
        user.can(c) for c in READ_CAPABILITIES
    )


def reads_everything(user: Any) -> bool:
    return can_read(user) and (
        user.can(Capability.MANAGE_REVIEW_INVENTORY) or bool(user.is_office_wide)
    )


def scope_units(user: Any) -> QuerySet[Unit]:
    """The units whose items the user may read."""
    if not can_read(user):
        return Unit.objects.none()
    if reads_everything(user):
        return Unit.objects.all()
    staff = getattr(user, "staff", None)
    if staff is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=staff.unit.path)


def _unit_scope(user: Any) -> Q | None:
    """None: everything; else the Q on ``unit`` (nothing when the user has no unit)."""
    if reads_everything(user):
        return None
    staff = getattr(user, "staff", None)
    if not can_read(user) or staff is None:
        return Q(pk__in=[])
    return Q(unit__path__startswith=staff.unit.path)


def visible_procedures(user: Any) -> QuerySet[Procedure]:
    scope = _unit_scope(user)
    procedures = Procedure.objects.select_related("unit", "department")
    return procedures if scope is None else procedures.filter(scope)


def visible_series(user: Any) -> QuerySet[MeetingSeries]:
    scope = _unit_scope(user)
    series = MeetingSeries.objects.select_related("unit", "department", "organiser__staff")
    return series if scope is None else series.filter(scope)


def filter_procedures(
    procedures: QuerySet[Procedure],
    *,
    query: str = "",
    department: Unit | None = None,
    unit: Unit | None = None,
    seal: str = "",
    paper: str = "",
    in_person: str = "",
    include_inactive: bool = False,
) -> QuerySet[Procedure]:
    if not include_inactive:
        procedures = procedures.filter(active=True)
    if query:
        procedures = procedures.filter(
            Q(procedure_id__icontains=query)
            | Q(name__icontains=query)
            | Q(form_name__icontains=query)
            | Q(legal_basis__icontains=query)
        )
    if department is not None:
        procedures = procedures.filter(unit__path__startswith=department.path)
    if unit is not None:
        procedures = procedures.filter(unit__path__startswith=unit.path)
    if seal == "yes":
        procedures = procedures.exclude(seal="none")
    elif seal == "no":
        procedures = procedures.filter(seal="none")
    for name, value in (("paper", paper), ("in_person", in_person)):
        if value in ("yes", "no"):
            procedures = procedures.filter(**{name: value == "yes"})
    return procedures.order_by("unit__path", "procedure_id")


def department_choices(user: Any) -> QuerySet[Unit]:
    return scope_units(user).filter(kind=UnitKind.DEPARTMENT, active=True).order_by("path")


def unit_choices(user: Any) -> QuerySet[Unit]:
    return scope_units(user).exclude(kind=UnitKind.DEPARTMENT).filter(active=True).order_by("path")

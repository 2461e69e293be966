"""Permission-scoped reads of the organisation.

Every query of people or units made on behalf of a user goes through here, so
"a unit head only sees their own unit and below" is enforced in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeVar, cast

from django.db.models import Model, Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.core.text import search_key
from yakuba.org.models import Counter, Staff, Unit

Row = TypeVar("Row", bound=Model)


class _UnitScoped(Protocol):
    """A settings row (telework policy, work rules…): its unit, or None for the default."""

    unit_id: int | None
    unit: Unit


def scope_root(user: Any) -> Unit | None:
    """The unit whose subtree the user may see; None means nothing (or see `is_office_wide`)."""
    staff = getattr(user, "staff", None)
    return staff.unit if staff is not None else None


def visible_units(user: Any) -> QuerySet[Unit]:
    if not getattr(user, "is_authenticated", False) or not user.can(Capability.VIEW_ORG):
        return Unit.objects.none()
    if user.is_office_wide:
        return Unit.objects.all()
    root = scope_root(user)
    if root is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=root.path)


def editable_units(user: Any) -> QuerySet[Unit]:
    if not user.can(Capability.EDIT_ORG):
        return Unit.objects.none()
    return visible_units(user)


def visible_staff(user: Any) -> QuerySet[Staff]:
    if not getattr(user, "is_authenticated", False) or not user.can(Capability.VIEW_ORG):
        return Staff.objects.none()
    if user.is_office_wide:
        return Staff.objects.all()
    root = scope_root(user)
    if root is None:
        return Staff.objects.none()
    return Staff.objects.filter(unit__path__startswith=root.path)


def editable_staff(user: Any) -> QuerySet[Staff]:
    if not user.can(Capability.EDIT_ORG):
        return Staff.objects.none()
    return visible_staff(user)


def visible_counters(user: Any) -> QuerySet[Counter]:
    units = visible_units(user)
    return Counter.objects.filter(unit__in=units)


def search_staff(
    user: Any,
    *,
    query: str = "",
    unit: Unit | None = None,
    employment_type: str = "",
    skill_id: int | None = None,
    include_inactive: bool = False,
) -> QuerySet[Staff]:
    """Search by number, kanji name or reading (hiragana, katakana or half-width kana)."""
    qs = visible_staff(user).select_related("unit").prefetch_related("skills")
    if query:
        key = search_key(query)
        qs = qs.filter(Q(search_text__contains=key) | Q(email__iexact=query.strip()))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if employment_type:
        qs = qs.filter(employment_type=employment_type)
    if skill_id:
        qs = qs.filter(skills__id=skill_id)
    if not include_inactive:
        qs = qs.filter(active=True)
    return qs.distinct().order_by("unit__path", "staff_number")


def search_units(user: Any, query: str = "") -> QuerySet[Unit]:
    qs = visible_units(user).select_related("parent")
    if query:
        qs = qs.filter(search_text__contains=search_key(query))
    return qs


def nearest_for_unit(
    rows: QuerySet[Row] | Mapping[Any, Row] | Iterable[Row], unit: Unit | None
) -> tuple[Row | None, Unit | None, bool]:
    """The settings row in force for `unit`: its own, else its nearest ancestor's, else the
    office default (the row whose unit is None).

    `rows` are rows of any model with a nullable `unit` foreign key (telework policies, work
    rules…): a queryset, or rows already read (a list, or a dict of them) so that many units
    are answered from one read. `unit=None` asks for the office default.

    Returns (row, the unit the row belongs to, inherited?). Inherited is False only when the
    row is the unit's own (or the office default asked for as such); with no row at all the
    answer is (None, None, unit is not None).
    """
    if isinstance(rows, QuerySet):
        rows = rows.select_related("unit")
    elif isinstance(rows, Mapping):
        rows = rows.values()
    nearest: tuple[Row, Unit] | None = None
    default: Row | None = None
    for row in rows:
        scoped = cast(_UnitScoped, row)  # every model read here has the nullable `unit`
        if scoped.unit_id is None:
            default = default or row
            continue
        if unit is None:
            continue
        # Paths end in "/", so "/100/" is an ancestor of "/100/110/" but not of "/1000/".
        if unit.path.startswith(scoped.unit.path) and (
            nearest is None or len(scoped.unit.path) > len(nearest[1].path)
        ):
            nearest = (row, scoped.unit)
    if nearest is not None and unit is not None:
        return nearest[0], nearest[1], nearest[1].pk != unit.pk
    return default, None, unit is not None

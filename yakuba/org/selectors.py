"""Permission-scoped reads of the organisation.

Every query of people or units made on behalf of a user goes through here, so
"a unit head only sees their own unit and below" is enforced in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeVar, cast

from django.db.models import BooleanField, Exists, Model, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Length, Substr

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


# --- people pickers (choosing invitees, hosts…) -------------------------------------------
#
# A picker shows what the role may see. Everyone with a staff record may pick the people of
# their own division (their unit's 課 and its 係) by name and unit only; on top of that the
# organisation scope of roles that may open the staff directory (unit heads: their unit and
# below; HR, auditors, system admins: the office) with staff numbers, as the directory shows.


def picker_root(user: Any) -> Unit | None:
    """The division (課) of the user's unit: the unit itself, its nearest division above, or,
    for a unit outside any division (a 部), the unit itself."""
    unit = scope_root(user)
    if unit is None or unit.kind == "division":
        return unit
    for ancestor in reversed(unit.ancestors()):
        if ancestor.kind == "division":
            return ancestor
    return unit


def pickable_staff(user: Any, *, keep: Iterable[int] = ()) -> QuerySet[Staff]:
    """People the user may choose in a picker, each annotated with `number_visible` (True
    where the staff directory would show this person to the user). Only active people,
    except those in `keep` (people already chosen, who stay choosable whatever their state
    or unit, so that editing a meeting does not silently drop them)."""
    keep = [pk for pk in keep if pk]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Staff.objects.filter(pk__in=keep).annotate(
            number_visible=Value(False, output_field=BooleanField())
        )
    directory = visible_staff(user)
    in_scope = Q(pk__in=directory.values("pk"))
    root = picker_root(user)
    if root is not None:
        in_scope |= Q(unit__path__startswith=root.path)
    number_visible: Any = (
        Exists(directory.filter(pk=OuterRef("pk")))
        if user.can(Capability.VIEW_ORG)
        else Value(False, output_field=BooleanField())
    )
    return Staff.objects.filter((Q(active=True) & in_scope) | Q(pk__in=keep)).annotate(
        number_visible=number_visible
    )


def pickable_units(user: Any) -> QuerySet[Unit]:
    """Units a picker may be narrowed to: the user's division and their directory scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Unit.objects.none()
    qs = visible_units(user)
    root = picker_root(user)
    if root is not None:
        qs = qs | Unit.objects.filter(path__startswith=root.path)
    return qs.filter(active=True).order_by("path")


def search_pickable(
    user: Any, *, query: str = "", unit: Unit | None = None, exclude: Iterable[int] = ()
) -> QuerySet[Staff]:
    """People the user may pick whose name or reading (any kana, any width, spaces ignored)
    contains `query`; a staff number matches only where the number is visible to the user,
    so a number cannot be tried out to learn whose it is."""
    qs = pickable_staff(user).select_related("unit")
    key = search_key(query)
    if key:
        # search_text is the key of "number name reading": after the (ASCII) number comes
        # the name and reading only.
        qs = qs.annotate(name_key=Substr("search_text", Length("staff_number") + 1)).filter(
            Q(number_visible=True, search_text__contains=key) | Q(name_key__contains=key)
        )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    exclude = [pk for pk in exclude if pk]
    if exclude:
        qs = qs.exclude(pk__in=exclude)
    return qs.order_by("unit__path", "name_kana", "staff_number")


# --- the evidence report (evaluation): office-wide aggregate reads ------------------------


def all_units() -> list[Unit]:
    """Every unit, active or not (old records point at retired units), in tree order."""
    return list(Unit.objects.order_by("path"))


def staff_under(paths: Iterable[str] | None) -> QuerySet[Staff]:
    """Staff (in service or not) whose unit lies in one of the subtrees at ``paths``
    (None: the whole office), with the fields an aggregate needs."""
    people = Staff.objects.only(
        "pk", "staff_number", "unit", "employment_type", "position", "active"
    )
    if paths is not None:
        query = Q()
        for path in paths:
            query |= Q(unit__path__startswith=path)
        people = people.filter(query) if query else people.none()
    return people.order_by("pk")

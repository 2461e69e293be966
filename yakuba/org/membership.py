"""Who was (or will be) in which unit on a given day.

`Staff.unit` and `Staff.active` say where people are today. Personnel changes
(`StaffChange`) keep the rest: those applied after the day are undone, those still pending
on or before it are done. A roster period uses its first day, so a period already
running keeps its people when someone moves, and a period starting on or after a move's
effective date — planned in March for April — already has the new unit's people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, prefetch_related_objects

from yakuba.org.models import Staff, StaffChange, StaffChangeKind, Unit


def members_on(path: str, day: dt.date, *, with_skills: bool = False) -> list[Staff]:
    """People in service on ``day`` in the subtree at ``path`` ("/" = the whole office),
    ordered by unit and staff number, each with ``unit`` set to their unit of that day
    (in memory only). A fixed number of queries."""
    changes = list(
        StaffChange.objects.filter(cancelled_at__isnull=True)
        .filter(
            Q(applied_at__isnull=False, effective_date__gt=day)
            | Q(applied_at__isnull=True, effective_date__lte=day)
        )
        .values_list("staff_id", "kind", "from_unit_id", "to_unit_id", "effective_date", "pk")
        .order_by("effective_date", "pk")
    )
    applied_after: dict[int, list[tuple[str, int | None, int | None]]] = defaultdict(list)
    pending_before: dict[int, list[tuple[str, int | None, int | None]]] = defaultdict(list)
    changed_ids: set[int] = set()
    for staff_id, change_kind, origin, destination, effective, _pk in changes:
        changed_ids.add(staff_id)
        target = applied_after if effective > day else pending_before
        target[staff_id].append((change_kind, origin, destination))
    people = list(
        Staff.objects.filter(
            Q(unit__path__startswith=path, active=True) | Q(pk__in=changed_ids)
        ).select_related("unit")
    )
    state: dict[int, tuple[int | None, bool]] = {}
    for person in people:
        unit_id: int | None = person.unit_id
        active = person.active
        # Undo, latest first, what was applied after the day…
        for kind, from_unit, _to_unit in reversed(applied_after.get(person.pk, [])):
            if kind == StaffChangeKind.MOVE and from_unit is not None:
                unit_id = from_unit
            elif kind == StaffChangeKind.RETURN:
                unit_id, active = from_unit or unit_id, False
            elif kind == StaffChangeKind.LEAVE:
                active = True
            elif kind == StaffChangeKind.JOIN:
                active = False
        # …and do, in order, what is still pending up to it.
        for kind, _from_unit, to_unit in pending_before.get(person.pk, []):
            if to_unit is not None:
                unit_id = to_unit
            active = kind != StaffChangeKind.LEAVE
        state[person.pk] = (unit_id, active)
    other_units = {u for u, _a in state.values() if u is not None} - {p.unit_id for p in people}
    units = {p.unit_id: p.unit for p in people} | Unit.objects.in_bulk(list(other_units))
    members = []
    for person in people:
        unit_id, active = state[person.pk]
        unit = units.get(unit_id) if unit_id is not None else None
        if active and unit is not None and unit.path.startswith(path):
            person.unit = unit
            members.append(person)
    members.sort(key=lambda p: (p.unit.path, p.staff_number))
    if with_skills:
        prefetch_related_objects(members, "skills")
    return members

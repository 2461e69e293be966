"""Who was (or will be) in which unit on a given day, or over a range of days.

`Staff.unit` and `Staff.active` say where people are today. Personnel changes
(`StaffChange`, applied or still pending, never the cancelled ones) keep the rest: each
takes effect on its effective date. So for a day, those applied after it are undone and
those still pending on or before it are done. A roster period uses its first day, so a
period already running keeps its people when someone moves, and a period starting on or
after a move's effective date — planned in March for April — already has the new unit's
people. Counting over past days (daily-report completion) uses `stints`: each person's
unit day by day, so a mover counts in the old unit before the move and the new one after.

Every path that changes a person's unit or service writes a `StaffChange` (the import,
the daily job, and `org.services.save_staff` for an edit by hand, dated today); a change
written around them would show on every past day as if it had always been so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, prefetch_related_objects

from yakuba.org.models import Staff, StaffChange, StaffChangeKind, Unit

# (kind, from unit, to unit, effective date) of one change.
_Change = tuple[str, int | None, int | None, dt.date]
# (unit id, in service) of one person.
_State = tuple[int | None, bool]


@dataclass
class Stint:
    """A stretch of days, inside the range asked for, that ``staff`` spent in service in
    ``unit`` (``first`` and ``last`` included)."""

    staff: Staff
    unit: Unit
    first: dt.date
    last: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def _undo(state: _State, change: _Change) -> _State:
    unit_id, active = state
    kind, from_unit, _to, _day = change
    if kind == StaffChangeKind.MOVE and from_unit is not None:
        return from_unit, active
    if kind == StaffChangeKind.RETURN:
        return from_unit or unit_id, False
    if kind == StaffChangeKind.LEAVE:
        return unit_id, True
    if kind == StaffChangeKind.JOIN:
        return unit_id, False
    return state


def _do(state: _State, change: _Change) -> _State:
    unit_id, _active = state
    kind, _from, to_unit, _day = change
    return (to_unit if to_unit is not None else unit_id), kind != StaffChangeKind.LEAVE


def _timelines(
    path: str, start: dt.date, end: dt.date
) -> tuple[list[Staff], dict[int, Unit], dict[int, list[tuple[dt.date, _State]]]]:
    """Everyone who may have been in service under ``path`` between ``start`` and ``end``,
    the units they were in, and each person's states from ``start`` on:
    [(from day, (unit id, in service)), …]. A fixed number of queries."""
    changes = (
        StaffChange.objects.filter(cancelled_at__isnull=True)
        .filter(
            Q(applied_at__isnull=False, effective_date__gt=start)
            | Q(applied_at__isnull=True, effective_date__lte=end)
        )
        .values_list(
            "staff_id", "kind", "from_unit_id", "to_unit_id", "effective_date", "applied_at"
        )
        .order_by("effective_date", "pk")
    )
    applied_after: dict[int, list[_Change]] = defaultdict(list)
    pending_before: dict[int, list[_Change]] = defaultdict(list)
    within: dict[int, list[_Change]] = defaultdict(list)
    for staff_id, kind, origin, destination, effective, applied_at in changes:
        change: _Change = (kind, origin, destination, effective)
        if effective <= start:
            pending_before[staff_id].append(change)  # only pending ones are read this early
            continue
        if applied_at is not None:
            applied_after[staff_id].append(change)
        within[staff_id].append(change)
    changed_ids = set(applied_after) | set(pending_before) | set(within)
    people = list(
        Staff.objects.filter(
            Q(unit__path__startswith=path, active=True) | Q(pk__in=changed_ids)
        ).select_related("unit")
    )
    timelines: dict[int, list[tuple[dt.date, _State]]] = {}
    for person in people:
        state: _State = (person.unit_id, person.active)
        # Undo, latest first, what was applied after the first day…
        for change in reversed(applied_after.get(person.pk, [])):
            state = _undo(state, change)
        # …do, in order, what is still pending up to it…
        for change in pending_before.get(person.pk, []):
            state = _do(state, change)
        line = [(start, state)]
        # …then walk forward through the range, applied or pending alike.
        for change in within.get(person.pk, []):
            if change[3] > end:
                break
            state = _do(state, change)
            if line[-1][0] == change[3]:
                line[-1] = (change[3], state)
            else:
                line.append((change[3], state))
        timelines[person.pk] = line
    wanted = {s[0] for line in timelines.values() for _d, s in line if s[0] is not None}
    units = {p.unit_id: p.unit for p in people}
    units |= Unit.objects.in_bulk(list(wanted - set(units)))
    return people, units, timelines


def members_on(path: str, day: dt.date, *, with_skills: bool = False) -> list[Staff]:
    """People in service on ``day`` in the subtree at ``path`` ("/" = the whole office),
    ordered by unit and staff number, each with ``unit`` set to their unit of that day
    (in memory only). A fixed number of queries."""
    people, units, timelines = _timelines(path, day, day)
    members = []
    for person in people:
        unit_id, active = timelines[person.pk][0][1]
        unit = units.get(unit_id) if unit_id is not None else None
        if active and unit is not None and unit.path.startswith(path):
            person.unit = unit
            members.append(person)
    members.sort(key=lambda p: (p.unit.path, p.staff_number))
    if with_skills:
        prefetch_related_objects(members, "skills")
    return members


def stints(path: str, start: dt.date, end: dt.date) -> list[Stint]:
    """Where each person was in service, day by day from ``start`` to ``end``, in units of
    the subtree at ``path``: one `Stint` per unit and stretch (a mover has two), ordered by
    unit, staff number and day. A fixed number of queries."""
    people, units, timelines = _timelines(path, start, end)
    out: list[Stint] = []
    for person in people:
        line = timelines[person.pk]
        for index, (first, (unit_id, active)) in enumerate(line):
            last = line[index + 1][0] - dt.timedelta(days=1) if index + 1 < len(line) else end
            unit = units.get(unit_id) if unit_id is not None else None
            if not active or unit is None or not unit.path.startswith(path) or last < first:
                continue
            previous = out[-1] if out else None
            if (
                previous is not None
                and previous.staff.pk == person.pk
                and previous.unit.pk == unit.pk
                and previous.last + dt.timedelta(days=1) == first
            ):
                previous.last = last  # a change that kept the unit (e.g. a return)
                continue
            out.append(Stint(person, unit, first, last))
    out.sort(key=lambda s: (s.unit.path, s.staff.staff_number, s.first))
    return out

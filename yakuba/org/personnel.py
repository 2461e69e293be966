"""Joiners, movers and leavers: what a staff import does to each person, and when.

`classify` compares the checked rows of a file with the database and sorts every person
into joiner, mover, changed, unchanged, leaver, returning and — only when the upload is
declared the whole staff list — missing (people the file leaves out, who become
leavers). `apply_staff` writes it in bulk inside the import's transaction; joins, moves,
leaves and returns dated after today are stored as pending `StaffChange` rows that
`apply_due_changes` (the daily job `org.apply_staff_changes`) applies at the start of
their day. Other fields (name, reading, position, e-mail, skills) change at once.

A file describes the staff as they are on its effective date (発令日). A later import
dated on or after a pending change's date replaces it for the people it covers: the
pending change is cancelled, or kept when the new file asks for exactly the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.models import AuditAction
from yakuba.audit.services import SENSITIVE_FIELDS, Entry, record_many
from yakuba.core.text import search_key
from yakuba.org.models import (
    PlannedChangeKind,
    Skill,
    Staff,
    StaffChange,
    StaffChangeKind,
    Unit,
)
from yakuba.org.signals import Placement, send_placed

if TYPE_CHECKING:
    from yakuba.accounts.models import User
    from yakuba.org.importing import ImportPlan, StaffRow

# Fields compared besides the unit and being in service, in the order a preview shows them.
COMPARED = ("name", "name_kana", "employment_type", "position", "email", "skills")
# Kinds whose unit / service change waits for the effective date.
DATED_KINDS = {
    PlannedChangeKind.JOINER: StaffChangeKind.JOIN,
    PlannedChangeKind.MOVER: StaffChangeKind.MOVE,
    PlannedChangeKind.LEAVER: StaffChangeKind.LEAVE,
    PlannedChangeKind.MISSING: StaffChangeKind.LEAVE,
    PlannedChangeKind.RETURNING: StaffChangeKind.RETURN,
}
LEAVING = (PlannedChangeKind.LEAVER, PlannedChangeKind.MISSING)
STAFF_WRITTEN = (
    "name",
    "name_kana",
    "employment_type",
    "position",
    "email",
    "unit",
    "active",
    "search_text",
)


@dataclass
class PersonChange:
    """What the import does to one person (a line of the preview)."""

    kind: str
    staff_number: str
    name: str
    row: int = 0
    staff_id: int | None = None
    user_id: int | None = None
    from_code: str = ""
    to_code: str = ""
    # Other fields that change: {field: [old, new]}.
    fields: dict[str, list[Any]] = field(default_factory=dict)
    # The file's row (None for a person missing from a complete list).
    source: StaffRow | None = None
    # For a new person: in service per the file (a row marked not in service is only kept).
    active: bool = True

    def key(self) -> list[Any]:
        return [self.kind, self.staff_number, self.from_code, self.to_code, self.fields]


@dataclass
class Superseded:
    """A pending change a new import replaces (shown in the preview, then cancelled)."""

    change_id: int
    staff_id: int
    staff_number: str
    name: str
    kind: str
    from_code: str
    to_code: str
    effective_date: dt.date


@dataclass
class StaffPlan:
    effective_date: dt.date
    complete_list: bool
    changes: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    superseded: list[Superseded] = field(default_factory=list)
    # Pending changes the new file asks for again, unchanged: kept, not re-created.
    kept_pending: set[tuple[int, str, int | None]] = field(default_factory=set)
    unit_names: dict[str, str] = field(default_factory=dict)

    @property
    def is_future(self) -> bool:
        return self.effective_date > timezone.localdate()

    def of(self, *kinds: str) -> list[PersonChange]:
        return [c for c in self.changes if c.kind in kinds]

    def counts(self) -> dict[str, int]:
        counts = {kind: 0 for kind in PlannedChangeKind.values}
        for change in self.changes:
            counts[change.kind] += 1
        counts[PlannedChangeKind.SUPERSEDED] = len(self.superseded)
        counts["unchanged"] = self.unchanged
        # Accounts the apply disables: leavers and missing people who have one.
        counts["accounts_disabled"] = sum(1 for c in self.of(*LEAVING) if c.user_id)
        # Returning people whose (disabled) account signs in again when the return applies.
        counts["accounts_reenabled"] = sum(
            1 for c in self.of(PlannedChangeKind.RETURNING) if c.user_id
        )
        counts["accounts_created"] = sum(
            1 for c in self.of(PlannedChangeKind.JOINER) if c.active and not c.user_id
        )
        return counts

    def fingerprint(self) -> str:
        """Identifies what the preview showed: the apply refuses a plan that differs."""
        payload = {
            "date": self.effective_date.isoformat(),
            "complete": self.complete_list,
            "changes": [c.key() for c in self.changes],
            "superseded": sorted(s.change_id for s in self.superseded),
        }
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class _Current:
    pk: int
    name: str
    name_kana: str
    employment_type: str
    position: str
    email: str
    unit_code: str
    active: bool
    user_id: int | None
    skills: list[str]


def _current_staff() -> dict[str, _Current]:
    """Every person as stored, by staff number, in two queries."""
    skills: dict[int, list[str]] = {}
    for staff_id, skill_name in Staff.skills.through.objects.values_list("staff_id", "skill__name"):
        skills.setdefault(staff_id, []).append(skill_name)
    rows = Staff.objects.values_list(
        "pk",
        "staff_number",
        "name",
        "name_kana",
        "employment_type",
        "position",
        "email",
        "unit__code",
        "active",
        "user_id",
    )
    return {
        number: _Current(
            pk,
            name,
            kana,
            emp,
            position,
            email,
            unit_code,
            active,
            user_id,
            sorted(skills.get(pk, [])),
        )
        for pk, number, name, kana, emp, position, email, unit_code, active, user_id in rows
    }


def _field_changes(current: _Current, row: StaffRow) -> dict[str, list[Any]]:
    changed: dict[str, list[Any]] = {}
    for name in COMPARED:
        old = current.skills if name == "skills" else getattr(current, name)
        new = sorted(row.skills) if name == "skills" else getattr(row, name)
        if old != new:
            changed[name] = [old, new]
    return changed


def classify(plan: ImportPlan, *, effective_date: dt.date | None, complete_list: bool) -> StaffPlan:
    """Sort every person of the checked file (and, for a complete list, everyone it leaves
    out) by what applying it would do. Reads the database in a fixed number of queries."""
    result = StaffPlan(effective_date or timezone.localdate(), complete_list)
    result.unit_names = dict(Unit.objects.values_list("code", "name")) | {
        u.code: u.name for u in plan.units
    }
    current = _current_staff()
    in_file = {r.staff_number for r in plan.staff}
    by_pk = {c.pk: number for number, c in current.items()}
    # Pending changes this file replaces: of people it covers (everyone for a complete
    # list), dated no later than this file's date.
    pending = list(
        StaffChange.objects.filter(
            applied_at__isnull=True,
            cancelled_at__isnull=True,
            effective_date__lte=result.effective_date,
        ).values_list(
            "pk", "staff_id", "kind", "from_unit__code", "to_unit__code", "effective_date"
        )
    )
    pending_by_staff: dict[int, list[tuple[Any, ...]]] = {}
    for entry in pending:
        number = by_pk.get(entry[1])
        if number is not None and (complete_list or number in in_file):
            pending_by_staff.setdefault(entry[1], []).append(entry)
    joining = {
        staff_id
        for staff_id, entries in pending_by_staff.items()
        if any(e[2] == StaffChangeKind.JOIN for e in entries)
    }
    for row in plan.staff:
        now = current.get(row.staff_number)
        change = PersonChange(
            kind="", staff_number=row.staff_number, name=row.name, row=row.row, source=row
        )
        if now is None or (now.pk in joining and not now.active):
            # New, or announced by an earlier file and not started yet: still a joiner.
            change.kind = PlannedChangeKind.JOINER
            change.to_code = row.unit_code
            change.active = row.active
            if now is not None:
                change.staff_id, change.user_id = now.pk, now.user_id
            result.changes.append(change)
            continue
        change.staff_id, change.user_id = now.pk, now.user_id
        change.fields = _field_changes(now, row)
        moved = now.unit_code != row.unit_code
        if now.active and not row.active:
            change.kind = PlannedChangeKind.LEAVER
            change.from_code = now.unit_code  # a leaver is not moved: records stay put
        elif not now.active and row.active:
            change.kind = PlannedChangeKind.RETURNING
            change.from_code, change.to_code = now.unit_code, row.unit_code
        elif now.active and moved:
            change.kind = PlannedChangeKind.MOVER
            change.from_code, change.to_code = now.unit_code, row.unit_code
        elif change.fields or moved:
            change.kind = PlannedChangeKind.CHANGED
            if moved:  # someone not in service: their stored unit is only corrected
                change.fields["unit"] = [now.unit_code, row.unit_code]
        else:
            result.unchanged += 1
            continue
        result.changes.append(change)
    if complete_list:
        for number, now in sorted(current.items()):
            if number in in_file or not now.active:
                continue
            result.changes.append(
                PersonChange(
                    kind=PlannedChangeKind.MISSING,
                    staff_number=number,
                    name=now.name,
                    staff_id=now.pk,
                    user_id=now.user_id,
                    from_code=now.unit_code,
                )
            )
    _supersede(result, pending_by_staff, by_pk, current)
    return result


def _supersede(
    result: StaffPlan,
    pending_by_staff: dict[int, list[tuple[Any, ...]]],
    by_pk: dict[int, str],
    current: dict[str, _Current],
) -> None:
    """Pending changes the new file repeats exactly are kept; the others are replaced."""
    wanted: dict[int, tuple[str, str]] = {}
    for change in result.changes:
        kind = DATED_KINDS.get(PlannedChangeKind(change.kind))
        if kind is not None and change.staff_id is not None:
            wanted[change.staff_id] = (kind, change.to_code)
    for staff_id, entries in pending_by_staff.items():
        for pk, _staff, kind, from_code, to_code, day in entries:
            if wanted.get(staff_id) == (kind, to_code or "") and day == result.effective_date:
                result.kept_pending.add((staff_id, kind, pk))
                continue
            number = by_pk[staff_id]
            result.superseded.append(
                Superseded(
                    pk,
                    staff_id,
                    number,
                    current[number].name,
                    kind,
                    from_code or "",
                    to_code or "",
                    day,
                )
            )


# --- writing ---------------------------------------------------------------------------


@dataclass
class StaffApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0
    left: int = 0
    returned: int = 0
    joined: int = 0
    scheduled: int = 0
    cancelled: int = 0
    accounts_disabled: int = 0
    accounts_reenabled: int = 0
    # Joiners in service now, for `org.joiners.create_joiner_accounts` after the commit.
    joiner_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = self.__dict__.copy()
        data.pop("joiner_ids")
        return data


def _audit_changes(change: PersonChange, values: dict[str, Any]) -> dict[str, Any]:
    """The per-person trail: every field that changed (e-mail: only that it did)."""
    out: dict[str, Any] = {}
    for name, (old, new) in change.fields.items():
        out[name] = "(changed)" if name in SENSITIVE_FIELDS else [old, new]
    out.update(values)
    return out


def apply_staff(
    plan: ImportPlan,
    units: dict[str, Unit],
    *,
    actor: User | None,
    batch_id: int | None,
) -> StaffApplyResult:
    """Write the classified plan in bulk (call inside the import's transaction)."""
    staff_plan = plan.staff_plan
    if staff_plan is None:
        raise ValueError("the plan was not classified")
    result = StaffApplyResult(unchanged=staff_plan.unchanged)
    now = timezone.now()
    due = staff_plan.effective_date <= timezone.localdate(now)
    day = staff_plan.effective_date
    locked = Staff.objects.select_for_update().in_bulk(
        [c.staff_id for c in staff_plan.changes if c.staff_id is not None]
    )
    skills = {s.name: s for s in Skill.objects.all()}
    entries: list[Entry] = []
    history: list[StaffChange] = []
    updates: list[Staff] = []
    placed: dict[tuple[int, bool], list[int]] = defaultdict(list)
    skill_sets: dict[int, list[str]] = {}
    leavers: list[int] = []
    returners: list[int] = []
    placements: list[Placement] = []
    new_people: list[tuple[Staff, PersonChange]] = []
    kept = {(staff_id, kind) for staff_id, kind, _pk in staff_plan.kept_pending}
    for change in staff_plan.changes:
        row = change.source
        person = locked.get(change.staff_id) if change.staff_id is not None else None
        if change.kind == PlannedChangeKind.JOINER and person is None:
            assert row is not None
            person = Staff(
                staff_number=row.staff_number,
                unit=units[row.unit_code],
                active=row.active and due,
            )
            _set_fields(person, row)
            new_people.append((person, change))
            skill_sets[-len(new_people)] = row.skills  # re-keyed after the insert
            continue
        assert person is not None
        if row is not None:
            _set_fields(person, row)
            if "skills" in change.fields:
                skill_sets[person.pk] = row.skills
        audit: dict[str, Any] = {}
        kind = DATED_KINDS.get(PlannedChangeKind(change.kind))
        if change.kind == PlannedChangeKind.CHANGED and "unit" in change.fields:
            person.unit = units[change.to_code or change.fields["unit"][1]]
        elif kind is not None:
            from_unit = units.get(change.from_code) if change.from_code else None
            to_unit = units.get(change.to_code) if change.to_code else None
            if due:
                before = (person.unit_id, person.active)
                if to_unit is not None:
                    person.unit = to_unit
                person.active = change.kind not in LEAVING
                placements.append(
                    Placement(person.pk, kind, before[0], person.unit_id, before[1], person.active)
                )
                if change.kind in LEAVING:
                    leavers.append(person.pk)
                    result.left += 1
                elif change.kind == PlannedChangeKind.MOVER:
                    result.moved += 1
                elif change.kind == PlannedChangeKind.RETURNING:
                    result.returned += 1
                    returners.append(person.pk)
                else:
                    result.joined += 1
                    result.joiner_ids.append(person.pk)
                audit = _dated_audit(change, day, applied=True)
            else:
                audit = _dated_audit(change, day, applied=False)
                result.scheduled += 1
            if (person.pk, kind) not in kept:
                history.append(
                    StaffChange(
                        batch_id=batch_id,
                        staff=person,
                        kind=kind,
                        from_unit=from_unit,
                        to_unit=to_unit,
                        effective_date=day,
                        applied_at=now if due else None,
                    )
                )
        # Only what changed is written: most people of an April import change unit or
        # service only (one UPDATE per unit), a few change other fields (bulk_update).
        if change.fields.keys() - {"skills", "unit"}:
            updates.append(person)
        placed[(person.unit_id, person.active)].append(person.pk)
        result.updated += 1
        entries.append(
            Entry(
                AuditAction.UPDATE,
                "org.staff",
                str(person.pk),
                str(person),
                _audit_changes(change, audit) | _import_tag(batch_id),
            )
        )
    _insert_new(new_people, skill_sets, units, day, due, now, batch_id, history, entries, result)
    placements.extend(
        Placement(p.pk, StaffChangeKind.JOIN, None, p.unit_id, False, True)
        for p, _c in new_people
        if p.active
    )
    if updates:
        Staff.objects.bulk_update(updates, [*STAFF_WRITTEN], batch_size=200)
    for (unit_id, active), ids in placed.items():
        for start in range(0, len(ids), 500):
            Staff.objects.filter(pk__in=ids[start : start + 500]).exclude(
                unit_id=unit_id, active=active
            ).update(unit_id=unit_id, active=active)
    _replace_skills(skill_sets, skills)
    if staff_plan.superseded:
        ids = [s.change_id for s in staff_plan.superseded]
        result.cancelled = StaffChange.objects.filter(
            pk__in=ids, applied_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=now)
        entries.extend(
            Entry(
                AuditAction.UPDATE,
                "org.staffchange",
                str(s.change_id),
                f"{s.name}（{s.staff_number}）",
                {
                    "cancelled": [None, now.isoformat()],
                    "kind": s.kind,
                    "effective_date": s.effective_date.isoformat(),
                }
                | _import_tag(batch_id),
            )
            for s in staff_plan.superseded
        )
    StaffChange.objects.bulk_create(history, batch_size=500)
    record_many(entries, actor=actor)
    if leavers:
        result.accounts_disabled = _disable_accounts(actor, leavers, batch_id)
    if returners:
        result.accounts_reenabled = _reenable_accounts(actor, returners, batch_id)
    # Meeting invitations and whatever else follows a person's unit (org.signals).
    send_placed(actor, placements, day)
    return result


def _import_tag(batch_id: int | None) -> dict[str, Any]:
    """Which upload made the change (the import command has no batch)."""
    return {"import": batch_id} if batch_id is not None else {}


def _set_fields(person: Staff, row: StaffRow) -> None:
    person.name = row.name
    person.name_kana = row.name_kana
    person.employment_type = row.employment_type
    person.position = row.position
    person.email = row.email
    # bulk writes skip Staff.save(): its derived search text is set here.
    person.search_text = search_key(f"{person.staff_number} {row.name} {row.name_kana}")


def _dated_audit(change: PersonChange, day: dt.date, *, applied: bool) -> dict[str, Any]:
    values: dict[str, Any] = {"personnel_change": change.kind, "effective_date": day.isoformat()}
    if change.from_code or change.to_code:
        values["unit"] = [change.from_code or None, change.to_code or None]
    if change.kind in LEAVING:
        values["active"] = [True, False]
    elif change.kind in (PlannedChangeKind.RETURNING, PlannedChangeKind.JOINER):
        values["active"] = [False, True]
    values["scheduled" if not applied else "applied"] = True
    return values


def _insert_new(
    new_people: list[tuple[Staff, PersonChange]],
    skill_sets: dict[int, list[str]],
    units: dict[str, Unit],
    day: dt.date,
    due: bool,
    now: dt.datetime,
    batch_id: int | None,
    history: list[StaffChange],
    entries: list[Entry],
    result: StaffApplyResult,
) -> None:
    if not new_people:
        return
    Staff.objects.bulk_create([p for p, _c in new_people], batch_size=500)
    if any(p.pk is None for p, _c in new_people):  # a backend that returns no ids
        ids = dict(
            Staff.objects.filter(
                staff_number__in=[p.staff_number for p, _c in new_people]
            ).values_list("staff_number", "pk")
        )
        for p, _c in new_people:
            p.pk = ids[p.staff_number]
    for index, (person, change) in enumerate(new_people, start=1):
        skill_sets[person.pk] = skill_sets.pop(-index)
        result.created += 1
        in_service = change.active
        if in_service:
            history.append(
                StaffChange(
                    batch_id=batch_id,
                    staff=person,
                    kind=StaffChangeKind.JOIN,
                    to_unit=units[change.to_code],
                    effective_date=day,
                    applied_at=now if due else None,
                )
            )
            if due:
                result.joined += 1
                result.joiner_ids.append(person.pk)
            else:
                result.scheduled += 1
        values: dict[str, Any] = {
            "staff_number": [None, person.staff_number],
            "name": [None, person.name],
            "name_kana": [None, person.name_kana],
            "employment_type": [None, person.employment_type],
            "position": [None, person.position],
            "unit": [None, str(units[change.to_code])],
            "active": [None, person.active],
        } | _import_tag(batch_id)
        if person.email:
            values["email"] = "(changed)"
        if in_service:
            values |= {"personnel_change": "joiner", "effective_date": day.isoformat()}
            values["applied" if due else "scheduled"] = True
        entries.append(Entry(AuditAction.CREATE, "org.staff", str(person.pk), str(person), values))


def _replace_skills(skill_sets: dict[int, list[str]], skills: dict[str, Skill]) -> None:
    if not skill_sets:
        return
    through = Staff.skills.through
    ids = list(skill_sets)
    for start in range(0, len(ids), 500):
        through.objects.filter(staff_id__in=ids[start : start + 500]).delete()
    through.objects.bulk_create(
        [
            through(staff_id=staff_id, skill_id=skills[name].pk)
            for staff_id, names in skill_sets.items()
            for name in dict.fromkeys(names)
        ],
        batch_size=500,
    )


def _disable_accounts(actor: User | None, staff_ids: Iterable[int], batch_id: int | None) -> int:
    """The one leaver path (accounts.services.disable_leavers): accounts disabled, their
    sessions and API tokens ended at once; every record they made is kept."""
    from yakuba.accounts.models import User
    from yakuba.accounts.services import disable_leavers

    users = list(User.objects.filter(staff__pk__in=list(staff_ids)))
    if not users:
        return 0
    reason = f"staff import #{batch_id}: not in service" if batch_id else "staff import"
    return disable_leavers(actor=actor, users=users, reason=reason)


def _reenable_accounts(actor: User | None, staff_ids: Iterable[int], batch_id: int | None) -> int:
    """The one returning path (accounts.services.reenable_returning): a returning person's
    disabled account signs in again; the sessions and API tokens it had stay ended."""
    from yakuba.accounts.models import User
    from yakuba.accounts.services import reenable_returning

    users = list(User.objects.filter(staff__pk__in=list(staff_ids)))
    if not users:
        return 0
    reason = f"staff import #{batch_id}: back in service" if batch_id else "staff import"
    return reenable_returning(actor=actor, users=users, reason=reason)


# --- the day a change takes effect ----------------------------------------------------------


@dataclass
class DueResult:
    applied: int = 0
    joined: list[int] = field(default_factory=list)
    moved_units: set[int] = field(default_factory=set)
    accounts_disabled: int = 0
    accounts_reenabled: int = 0


def apply_due_changes(day: dt.date) -> DueResult:
    """Apply every pending change dated ``day`` or earlier, in one transaction, audited in
    the name of the job. Run again (a restart, a second scheduler) it finds nothing left
    to do; a day the scheduler missed is caught up the next day."""
    result = DueResult()
    with transaction.atomic():
        due = list(
            StaffChange.objects.select_for_update(of=("self",))
            .filter(applied_at__isnull=True, cancelled_at__isnull=True, effective_date__lte=day)
            .select_related("from_unit", "to_unit")
            .order_by("effective_date", "pk")
        )
        if not due:
            return result
        now = timezone.now()
        people = Staff.objects.select_for_update().in_bulk([c.staff_id for c in due])
        entries: list[Entry] = []
        leavers: list[int] = []
        returners: list[int] = []
        # Each person's state before the first of their changes applied now.
        first_state: dict[int, tuple[int | None, bool]] = {}
        last_kind: dict[int, str] = {}
        for change in due:
            person = people[change.staff_id]
            before_unit, before_active = person.unit_id, person.active
            first_state.setdefault(person.pk, (before_unit, before_active))
            last_kind[person.pk] = change.kind
            if change.to_unit_id is not None:
                person.unit_id = change.to_unit_id
            if change.kind == StaffChangeKind.LEAVE:
                person.active = False
                leavers.append(person.pk)
            else:
                person.active = True
            if change.kind == StaffChangeKind.JOIN:
                result.joined.append(person.pk)
            elif change.kind == StaffChangeKind.RETURN:
                returners.append(person.pk)
            for unit_id in (before_unit, person.unit_id):
                result.moved_units.add(unit_id)
            changes: dict[str, Any] = {
                "personnel_change": change.kind,
                "effective_date": change.effective_date.isoformat(),
                "staff_change": change.pk,
                "import": change.batch_id,
                "applied": True,
            }
            if before_unit != person.unit_id:
                changes["unit"] = [
                    change.from_unit.code if change.from_unit else None,
                    change.to_unit.code if change.to_unit else None,
                ]
            if before_active != person.active:
                changes["active"] = [before_active, person.active]
            entries.append(
                Entry(AuditAction.UPDATE, "org.staff", str(person.pk), str(person), changes)
            )
        Staff.objects.bulk_update(list(people.values()), ["unit", "active"], batch_size=500)
        StaffChange.objects.filter(pk__in=[c.pk for c in due]).update(applied_at=now)
        record_many(entries)
        if leavers:
            result.accounts_disabled = _disable_accounts(None, leavers, None)
        # Someone who left and came back within the run ends up in service.
        returners = [pk for pk in dict.fromkeys(returners) if people[pk].active]
        if returners:
            result.accounts_reenabled = _reenable_accounts(None, returners, None)
        placements = [
            Placement(pk, last_kind[pk], unit_id, people[pk].unit_id, active, people[pk].active)
            for pk, (unit_id, active) in first_state.items()
        ]
        send_placed(None, placements, max(c.effective_date for c in due))
        result.applied = len(due)
    return result


def joined_without_account(day: dt.date) -> list[int]:
    """People whose join took effect on ``day`` (or the day before: a run caught up) and
    who are in service without an account yet."""
    return list(
        StaffChange.objects.filter(
            kind=StaffChangeKind.JOIN,
            applied_at__isnull=False,
            effective_date__gte=day - dt.timedelta(days=1),
            effective_date__lte=day,
            staff__active=True,
            staff__user__isnull=True,
        ).values_list("staff_id", flat=True)
    )

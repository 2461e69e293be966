"""Organisation writes: each in a transaction and audited with the fields it changed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.services import save_audited
from yakuba.org import selectors
from yakuba.org.models import Counter, Skill, Staff, StaffChange, StaffChangeKind, Unit
from yakuba.org.signals import Placement, send_placed

STAFF_FIELDS = (
    "staff_number",
    "name",
    "name_kana",
    "employment_type",
    "position",
    "unit",
    "email",
    "active",
    "skills",
)
UNIT_FIELDS = ("code", "name", "name_kana", "kind", "parent", "sort_order", "active")
COUNTER_FIELDS = (
    "code",
    "name",
    "unit",
    "opens_weekdays",
    "opens_saturday",
    "opens_sunday",
    "opens_holidays",
    "active",
    "required_skills",
)


def _require_unit_in_scope(actor: User | None, unit: Unit | None) -> None:
    if actor is None:  # system (import command, seed): no user scope
        return
    if not actor.can(Capability.EDIT_ORG):
        raise PermissionDenied("cannot edit the organisation")
    if actor.is_office_wide:
        return
    if unit is None or not selectors.editable_units(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied("unit outside your scope")


@transaction.atomic
def save_staff(
    *,
    actor: User | None,
    staff: Staff | None,
    values: dict[str, Any],
    skills: Iterable[Skill] | None,
) -> Staff:
    """Create (staff=None) or update a staff member; the unit must lie within the actor's scope."""
    creating = staff is None
    staff = staff or Staff()
    stored = None if creating else Staff.objects.select_for_update().get(pk=staff.pk)
    if stored is not None:
        _require_unit_in_scope(actor, stored.unit)
    _require_unit_in_scope(actor, values.get("unit", staff.unit if not creating else None))
    m2m = {"skills": skills} if skills is not None else {}
    saved = save_audited(
        actor=actor, obj=staff, creating=creating, fields=STAFF_FIELDS, values=values, m2m=m2m
    )
    if stored is not None:
        _record_placement(actor, stored, saved)
    return saved


def _record_placement(actor: User | None, before: Staff, after: Staff) -> None:
    """A move (or leave, or return) made by hand takes effect today, like an import dated
    today: kept in the history (`org.membership`: past days keep the unit) and followed by
    what hangs on a person's unit (`org.signals`: meeting invitations)."""
    moved = before.active and after.active and before.unit_id != after.unit_id
    if not (moved or before.active != after.active):
        return
    if moved:
        kind = StaffChangeKind.MOVE
    elif after.active:
        kind = StaffChangeKind.RETURN
    else:
        kind = StaffChangeKind.LEAVE
    today = timezone.localdate()
    StaffChange.objects.create(
        staff=after,
        kind=kind,
        from_unit_id=before.unit_id,
        to_unit_id=after.unit_id if kind != StaffChangeKind.LEAVE else None,
        effective_date=today,
        applied_at=timezone.now(),
    )
    send_placed(
        actor,
        [Placement(after.pk, kind, before.unit_id, after.unit_id, before.active, after.active)],
        today,
    )


@transaction.atomic
def save_unit(*, actor: User | None, unit: Unit | None, values: dict[str, Any]) -> Unit:
    creating = unit is None
    unit = unit or Unit()
    if actor is not None and not actor.is_office_wide:
        # Unit heads may rename units inside their scope but not restructure the tree.
        stored = None if creating else Unit.objects.get(pk=unit.pk)
        _require_unit_in_scope(actor, stored)
        if (
            stored is None
            or values.get("parent") != stored.parent
            or values.get("code") != stored.code
        ):
            raise PermissionDenied("only HR or a system admin restructures the organisation")
    elif actor is not None and not actor.can(Capability.EDIT_ORG):
        raise PermissionDenied("cannot edit the organisation")
    return save_audited(actor=actor, obj=unit, creating=creating, fields=UNIT_FIELDS, values=values)


@transaction.atomic
def save_counter(
    *,
    actor: User | None,
    counter: Counter | None,
    values: dict[str, Any],
    required_skills: Iterable[Skill],
) -> Counter:
    creating = counter is None
    counter = counter or Counter()
    if not creating:
        _require_unit_in_scope(actor, Counter.objects.get(pk=counter.pk).unit)
    _require_unit_in_scope(actor, values.get("unit"))
    return save_audited(
        actor=actor,
        obj=counter,
        creating=creating,
        fields=COUNTER_FIELDS,
        values=values,
        m2m={"required_skills": required_skills},
    )


@transaction.atomic
def save_skill(*, actor: User | None, skill: Skill | None, values: dict[str, Any]) -> Skill:
    if actor is not None and not (actor.can(Capability.EDIT_ORG) and actor.is_office_wide):
        raise PermissionDenied("only HR or a system admin edits the skill list")
    creating = skill is None
    skill = skill or Skill()
    return save_audited(
        actor=actor, obj=skill, creating=creating, fields=("code", "name"), values=values
    )

"""Licence writes: every change in a transaction and in the audit trail.

The current holder lives on `Licence.holder`; each change of holder closes the open
`LicenceAssignment` and opens a new one, so the report can tell who held it when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.licences.models import Licence, LicenceAssignment
from yakuba.org.models import Staff

LICENCE_FIELDS = ("platform", "name", "kind", "monthly_cost", "valid_from", "valid_to", "notes")


def _require(actor: User | None) -> None:
    if actor is not None and not actor.can(Capability.MANAGE_LICENCES):
        raise PermissionDenied(f"missing capability {Capability.MANAGE_LICENCES}")


def _user(actor: User | None) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def save_licence(
    *,
    actor: User | None,
    licence: Licence | None,
    values: dict[str, Any],
    holder: Staff | None = None,
    holder_from: dt.date | None = None,
) -> Licence:
    """Create (licence=None, with its first holder if any) or update a licence's details.

    The holder of an existing licence changes only through `reassign`.
    """
    _require(actor)
    creating = licence is None
    with transaction.atomic():
        saved = save_audited(
            actor=actor,
            obj=licence or Licence(),
            creating=creating,
            fields=LICENCE_FIELDS,
            values=values,
        )
        if creating and holder is not None:
            _assign(actor, saved, holder, holder_from or saved.valid_from)
    return saved


def _assign(actor: User | None, licence: Licence, staff: Staff | None, on: dt.date) -> None:
    before = licence.holder
    current = (
        LicenceAssignment.objects.select_for_update()
        .filter(licence=licence, end_on__isnull=True)
        .first()
    )
    if current is not None:
        if on < current.start_on:
            raise ValidationError(
                _("変更日は現在の保有者の開始日（%(day)s）以降にしてください。")
                % {"day": current.start_on.isoformat()}
            )
        if on == current.start_on:
            current.delete()  # a same-day correction: the first choice never held it
        else:
            current.end_on = on
            current.save(update_fields=["end_on"])
    if staff is not None:
        LicenceAssignment.objects.create(
            licence=licence, staff=staff, start_on=on, assigned_by=_user(actor)
        )
    licence.holder = staff
    licence.save(update_fields=["holder", "updated_at"])
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=licence,
        changes={
            "holder": [str(before) if before else None, str(staff) if staff else None],
            "from": on.isoformat(),
        },
    )


def reassign(actor: User | None, licence: Licence, staff: Staff | None, on: dt.date) -> Licence:
    """Hand the licence to `staff` (None: unassigned) from the day `on`."""
    _require(actor)
    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        if staff is not None and locked.holder_id == staff.pk:
            raise ValidationError(_("この職員は既にこのライセンスの保有者です。"))
        if staff is None and locked.holder_id is None:
            raise ValidationError(_("このライセンスには保有者がいません。"))
        if staff is not None and not staff.active:
            raise ValidationError(_("在職中の職員のみ保有者にできます。"))
        _assign(actor, locked, staff, on)
    return locked


def delete_licence(actor: User | None, licence: Licence) -> None:
    """Remove a licence registered by mistake (an ended contract is kept with its end date)."""
    _require(actor)
    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        record(
            AuditAction.DELETE,
            actor=actor,
            obj=locked,
            changes={
                "name": locked.name,
                "platform": locked.platform,
                "holder": str(locked.holder) if locked.holder else None,
                "assignments": locked.assignments.count(),
                "deleted_at": timezone.now().isoformat(),
            },
        )
        locked.delete()

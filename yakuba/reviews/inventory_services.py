"""Writes of the inventory: starting and confirming an import, the hourly rates."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.org.positions import LEVELS
from yakuba.reviews.import_models import ImportState, ProcedureImport
from yakuba.reviews.inventory_tasks import apply_procedure_import, check_procedure_import
from yakuba.reviews.meeting_costs import DEFAULT_RATES
from yakuba.reviews.models import HourlyRate


def require_inventory_manager(actor: User) -> None:
    if not actor.can(Capability.MANAGE_REVIEW_INVENTORY):
        raise PermissionDenied("cannot manage the review inventory")


def start_import(*, actor: User, filename: str, data: bytes) -> ProcedureImport:
    """Keep the upload and have it checked in the background (audited: who sent which file)."""
    require_inventory_manager(actor)
    batch = ProcedureImport(created_by=actor, filename=filename[:200])
    batch.upload.save("upload", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            batch.save()
            record(
                AuditAction.CREATE,
                actor=actor,
                obj=batch,
                changes={"filename": batch.filename, "bytes": len(data)},
            )
            pk = batch.pk
            transaction.on_commit(lambda: check_procedure_import.enqueue(pk))
    except Exception:
        if batch.upload.name:
            batch.upload.storage.delete(batch.upload.name)
        raise
    return batch


def confirm_import(
    *, actor: User, batch: ProcedureImport, deactivate_missing: bool
) -> ProcedureImport:
    """Queue the writing of a checked file (refused unless its preview had no problem)."""
    require_inventory_manager(actor)
    with transaction.atomic():
        locked = ProcedureImport.objects.select_for_update().get(pk=batch.pk)
        if locked.state != ImportState.READY:
            raise ValidationError(_("この取り込みは確定できる状態ではありません。"))
        locked.state = ImportState.APPLYING
        locked.applied_by = actor
        locked.deactivate_missing = deactivate_missing
        locked.save(update_fields=["state", "applied_by", "deactivate_missing"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={
                "state": [ImportState.READY, ImportState.APPLYING],
                "deactivate_missing": deactivate_missing,
            },
        )
        pk = locked.pk
        transaction.on_commit(lambda: apply_procedure_import.enqueue(pk))
    return locked


def save_rates(*, actor: User, rates: Mapping[str, int]) -> list[str]:
    """Set the hourly rate of each position level; returns the levels changed (audited).
    A level left at the rate in force (its default until set) is not written."""
    require_inventory_manager(actor)
    changed = []
    with transaction.atomic():
        current = {r.level: r for r in HourlyRate.objects.select_for_update()}
        for level in LEVELS:
            if level not in rates:
                continue
            value = int(rates[level])
            row = current.get(level)
            in_force = row.yen_per_hour if row is not None else DEFAULT_RATES[level]
            if value == in_force:
                continue
            before = row.yen_per_hour if row is not None else None
            if row is None:
                row = HourlyRate(level=level)
            row.yen_per_hour = value
            row.updated_by = actor
            row.full_clean()
            row.save()
            record(
                AuditAction.CREATE if before is None else AuditAction.UPDATE,
                actor=actor,
                obj=row,
                changes={"yen_per_hour": [before, value]},
            )
            changed.append(level)
    return changed

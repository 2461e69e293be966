"""Background tasks of the organisation app (django-tasks; they take ids, not objects)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yakuba.core.faults import pause
from yakuba.org.importing import apply_plan, build_plan
from yakuba.org.models import ImportBatch, ImportStatus

logger = logging.getLogger(__name__)


@task()
def validate_import(batch_id: int) -> None:
    """Check every row of an uploaded file and store the preview (writes no staff/unit)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != ImportStatus.VALIDATING:
        # Checked already: this is the task run again after its worker was killed (or the
        # upload expired meanwhile). Only an automatic apply whose enqueue may have been
        # lost with the worker is resent (apply_import does nothing unless APPLYING).
        if batch.status == ImportStatus.APPLYING:
            apply_import.enqueue(batch.pk)
        return
    plan = build_plan(batch.filename, batch.read_upload())
    status = ImportStatus.READY if plan.ok else ImportStatus.INVALID
    if plan.ok and batch.auto_apply:
        status = ImportStatus.APPLYING
    checked = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.VALIDATING).update(
        errors=[e.as_dict() for e in plan.errors], summary=plan.summary(), status=status
    )
    if checked and status == ImportStatus.APPLYING:
        apply_import.enqueue(batch.pk)


@task()
def apply_import(batch_id: int) -> None:
    """Apply a checked file, all or nothing. Re-validates: the database may have moved on."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != ImportStatus.APPLYING:
            return  # applied already or not confirmed: tasks may be delivered twice
    plan = build_plan(batch.filename, batch.read_upload())
    if plan.errors_total:
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.APPLYING).update(
            errors=[e.as_dict() for e in plan.errors],
            summary=plan.summary(),
            status=ImportStatus.INVALID,
        )
        return
    try:
        # The rows and the batch's "done" go in one transaction: a worker killed anywhere
        # leaves either nothing applied (the requeued task applies it) or all of it and
        # the batch marked done (the requeued task stops above).
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
            if batch.status != ImportStatus.APPLYING:
                return
            result = apply_plan(plan, actor=batch.created_by, source=batch.filename)
            pause("org.apply_import")
            batch.result = result.as_dict()
            batch.status = ImportStatus.DONE
            batch.applied_at = timezone.now()
            batch.save(update_fields=["result", "status", "applied_at"])
    except Exception as exc:
        logger.exception("import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.APPLYING).update(
            status=ImportStatus.FAILED, failure=str(exc)[:2000]
        )
        return
    # Once applied, the personal data in the upload is not kept (files live outside the
    # transaction: deleted after the commit).
    batch.delete_upload()

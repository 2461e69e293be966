"""Background tasks of the organisation app (django-tasks; they take ids, not objects)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yakuba.org.importing import apply_plan, build_plan
from yakuba.org.models import ImportBatch, ImportStatus

logger = logging.getLogger(__name__)


@task()
def validate_import(batch_id: int) -> None:
    """Check every row of an uploaded file and store the preview (writes no staff/unit)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != ImportStatus.VALIDATING:
        return  # checked already (tasks may be delivered twice), or expired meanwhile
    plan = build_plan(batch.filename, batch.read_upload())
    batch.errors = [e.as_dict() for e in plan.errors]
    batch.summary = plan.summary()
    batch.status = ImportStatus.READY if plan.ok else ImportStatus.INVALID
    if plan.ok and batch.auto_apply:
        batch.status = ImportStatus.APPLYING
    batch.save(update_fields=["errors", "summary", "status"])
    if batch.status == ImportStatus.APPLYING:
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
        batch.errors = [e.as_dict() for e in plan.errors]
        batch.summary = plan.summary()
        batch.status = ImportStatus.INVALID
        batch.save(update_fields=["errors", "summary", "status"])
        return
    try:
        result = apply_plan(plan, actor=batch.created_by, source=batch.filename)
    except Exception as exc:
        logger.exception("import %s failed", batch_id)
        batch.status = ImportStatus.FAILED
        batch.failure = str(exc)[:2000]
        batch.save(update_fields=["status", "failure"])
        return
    batch.result = result.as_dict()
    batch.status = ImportStatus.DONE
    batch.applied_at = timezone.now()
    batch.save(update_fields=["result", "status", "applied_at"])
    batch.delete_upload()  # the personal data in the upload is not kept once applied

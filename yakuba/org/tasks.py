"""Background tasks of the organisation app (django-tasks; they take ids, not objects)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yakuba.core.faults import pause
from yakuba.org import preview
from yakuba.org.importing import ImportPlan, apply_plan
from yakuba.org.joiners import create_joiner_accounts
from yakuba.org.mapped_imports import check_upload, plan_to_apply
from yakuba.org.models import ImportBatch, ImportStatus

logger = logging.getLogger(__name__)


def _plan_for(batch: ImportBatch) -> ImportPlan:
    """The plan of the batch's file, through its column mapping if it has one
    (org.mapped_imports); build_plan with the batch's effective date and list flag."""
    plan = plan_to_apply(batch).plan
    assert plan is not None
    return plan


def needs_leaver_confirmation(summary: dict[str, object]) -> int:
    """How many people the batch would take out of service (0: no confirmation needed)."""
    people = summary.get("people")
    if not isinstance(people, dict):
        return 0
    return int(people.get("leaver", 0)) + int(people.get("missing", 0))


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
    checked_upload = check_upload(batch)
    plan = checked_upload.plan
    if plan is None:  # an HR export: its columns (or labels) are to be mapped first
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.VALIDATING).update(
            errors=[], summary={}, sample=checked_upload.sample, status=checked_upload.step
        )
        return
    summary = checked_upload.summary()
    status = ImportStatus.READY if plan.ok else ImportStatus.INVALID
    if plan.ok and batch.auto_apply:
        if needs_leaver_confirmation(summary):
            # Disabling accounts needs a person to look at the list and confirm: an API
            # upload with leavers waits in the preview.
            summary["held_for_confirmation"] = True
        else:
            status = ImportStatus.APPLYING
    with transaction.atomic():
        checked = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.VALIDATING).update(
            errors=[e.as_dict() for e in plan.errors],
            summary=summary,
            sample=checked_upload.sample,
            status=status,
        )
        if checked:
            preview.store(batch, plan)
    if checked and status == ImportStatus.APPLYING:
        apply_import.enqueue(batch.pk)


@task()
def apply_import(batch_id: int) -> None:
    """Apply a checked file, all or nothing. Re-validates: the database may have moved on;
    if what it would do is no longer what the preview showed, the batch goes back to the
    preview (with the new list) instead of being applied."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status == ImportStatus.DONE:
        # Run again after a worker died between the commit and the accounts: ask again.
        create_joiner_accounts(batch.created_by, list(batch.result.get("joiner_ids", [])))
        return
    if batch.status != ImportStatus.APPLYING:
        return  # not confirmed (or failed): tasks may be delivered twice
    plan = _plan_for(batch)
    if plan.errors_total:
        ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.APPLYING).update(
            errors=[e.as_dict() for e in plan.errors],
            summary=plan.preview_summary(),
            status=ImportStatus.INVALID,
        )
        return
    summary = plan.preview_summary()
    if summary.get("fingerprint") != (batch.summary or {}).get("fingerprint"):
        summary["changed_since_preview"] = True
        with transaction.atomic():
            if ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.APPLYING).update(
                summary=summary, status=ImportStatus.READY
            ):
                preview.store(batch, plan)
        return
    try:
        # The rows and the batch's "done" go in one transaction: a worker killed anywhere
        # leaves either nothing applied (the requeued task applies it) or all of it and
        # the batch marked done (the requeued task stops above).
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
            if batch.status != ImportStatus.APPLYING:
                return
            result = apply_plan(
                plan, actor=batch.created_by, source=batch.filename, batch_id=batch.pk
            )
            pause("org.apply_import")
            batch.result = result.as_dict() | {"joiner_ids": result.joiner_ids}
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
    # Accounts for the joiners in service from today (provisioning is idempotent: a task
    # run again after a crash here asks again and nothing is made twice).
    create_joiner_accounts(batch.created_by, result.joiner_ids)

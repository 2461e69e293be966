"""Background work of the inventory (django-tasks; tasks take ids, never objects): checking
an uploaded inventory file, writing a confirmed one, regrouping the meeting series."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yakuba.core.system_actor import acting_as

logger = logging.getLogger(__name__)
IMPORT_ACTOR = "reviews.procedure_import"


@task()
def check_procedure_import(import_id: int) -> None:
    """Read and check every row of an uploaded file and store the preview (writes no
    procedure). The upload is deleted once checked: the preview holds the rows."""
    from yakuba.reviews.import_models import ImportState, ProcedureImport
    from yakuba.reviews.inventory_import import check_file

    batch = ProcedureImport.objects.get(pk=import_id)
    if batch.state != ImportState.CHECKING:
        return  # checked already (the task run again after its worker was stopped)
    check = check_file(batch.filename, batch.read_upload())
    with transaction.atomic():
        ProcedureImport.objects.filter(pk=import_id, state=ImportState.CHECKING).update(
            state=ImportState.READY if check.ok else ImportState.INVALID,
            problems=[p.as_dict() for p in check.problems],
            rows=check.rows,
            summary=check.summary(),
        )
    batch.delete_upload()


@task()
def apply_procedure_import(import_id: int) -> None:
    """Write a confirmed preview, all or nothing (the import is marked failed otherwise)."""
    from yakuba.accounts.models import User
    from yakuba.reviews.import_models import ImportState, ProcedureImport
    from yakuba.reviews.inventory_import import apply_rows

    batch = ProcedureImport.objects.get(pk=import_id)
    if batch.state != ImportState.APPLYING:
        return
    actor = User.objects.filter(pk=batch.applied_by_id).first() if batch.applied_by_id else None
    try:
        with acting_as(IMPORT_ACTOR):
            applied = apply_rows(
                actor=actor,
                rows=batch.rows,
                deactivate_missing=batch.deactivate_missing,
                filename=batch.filename,
                import_id=batch.pk,
            )
    except Exception:
        logger.exception("procedure import %s failed", import_id)
        ProcedureImport.objects.filter(pk=import_id).update(state=ImportState.FAILED)
        raise
    ProcedureImport.objects.filter(pk=import_id).update(
        state=ImportState.DONE, result=applied.as_dict(), applied_at=timezone.now(), rows=[]
    )


@task()
def refresh_meeting_series_task(actor_id: int | None = None) -> int:
    """Regroup the recurring meetings and recompute their cost; returns how many series."""
    from yakuba.accounts.models import User
    from yakuba.reviews.series import refresh_meeting_series

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return refresh_meeting_series(actor=actor).series

"""The import workflow shared by the web UI and the API: upload → check → confirm → apply."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.system_actor import acting_as
from yakuba.core.tabular import import_limit
from yakuba.org.models import ImportBatch, ImportStatus
from yakuba.org.tasks import apply_import, validate_import


def start_import(
    *, actor: User, filename: str, data: bytes, auto_apply: bool = False
) -> ImportBatch:
    """Store the upload and queue its check. With auto_apply, a clean file is applied next."""
    if not actor.can(Capability.IMPORT_ORG):
        raise PermissionDenied("cannot import")
    batch = ImportBatch(created_by=actor, filename=filename[:200], auto_apply=auto_apply)
    # The file goes to the (private) default storage; the row names it.
    batch.upload.save("upload", ContentFile(data), save=False)
    try:
        batch.save()
    except Exception:
        if batch.upload.name:
            batch.upload.storage.delete(batch.upload.name)  # no file without its row
        raise
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=batch,
        changes={"filename": [None, batch.filename], "bytes": [None, len(data)]},
    )
    validate_import.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


def confirm_import(*, actor: User, batch: ImportBatch) -> ImportBatch:
    if not actor.can(Capability.IMPORT_ORG):
        raise PermissionDenied("cannot import")
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.READY:
            return locked
        locked.status = ImportStatus.APPLYING
        locked.save(update_fields=["status"])
    apply_import.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


PURGE_JOB = "org.purge_import_uploads"


def purge_unapplied_uploads(now: dt.datetime | None = None) -> int:
    """Delete the files of imports never applied once they are older than IMPORT_KEEP_DAYS
    (they hold personal data nobody is going to use); returns how many.

    The batch row stays, as the record of the upload, marked expired (it can no longer be
    applied) and without its problem list (the messages quote the file's cells). Each file
    is deleted through the storage API and audited in the name of this job. Applied
    imports lost their file when applied; they and recent uploads are left alone.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=import_limit("IMPORT_KEEP_DAYS"))
    due = (
        ImportBatch.objects.filter(created_at__lt=cutoff)
        .exclude(status=ImportStatus.DONE)
        .exclude(upload="")
        .values_list("pk", flat=True)
    )
    purged = 0
    for pk in list(due):
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().filter(pk=pk).first()
            if batch is None or batch.status == ImportStatus.DONE or not batch.upload:
                continue  # applied or purged meanwhile
            before = batch.status
            name = str(batch.upload.name)
            batch.status = ImportStatus.EXPIRED
            batch.errors = []
            batch.upload = ""
            batch.save(update_fields=["status", "errors", "upload"])
            with acting_as(PURGE_JOB):  # the trail names this job (also when run by hand)
                record(
                    AuditAction.DELETE,
                    actor=None,
                    obj=batch,
                    changes={
                        "status": [before, batch.status],
                        "file": [name, None],
                        "uploaded_at": batch.created_at.isoformat(),
                    },
                )
            # After the row stops naming it; if the transaction fails the file stays and
            # the next run tries again.
            transaction.on_commit(partial(ImportBatch.upload.field.storage.delete, name))
        purged += 1
    return purged

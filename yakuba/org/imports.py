"""The import workflow shared by the web UI and the API: upload → check → confirm → apply."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.org.models import ImportBatch, ImportStatus
from yakuba.org.tasks import apply_import, validate_import


def start_import(
    *, actor: Any, filename: str, data: bytes, auto_apply: bool = False
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


def confirm_import(*, actor: Any, batch: ImportBatch) -> ImportBatch:
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

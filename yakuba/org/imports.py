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
from yakuba.org.models import ImportBatch, ImportStatus, PlannedChange
from yakuba.org.tasks import apply_import, needs_leaver_confirmation, validate_import

# How far back an effective date (発令日) may lie: a correction of the last weeks, not a
# rewrite of history (past records keep the unit they were made in).
MAX_DAYS_BACK = 31
# How far ahead: the next April 1st is always within a year.
MAX_DAYS_AHEAD = 366


class LeaversNotConfirmed(Exception):
    """Applying would disable accounts nobody confirmed (or a different number of them)."""


def effective_date_problem(day: dt.date | None, today: dt.date | None = None) -> str:
    """The reason an effective date is refused ("" if it is fine)."""
    from django.utils.translation import gettext as _

    if day is None:
        return ""
    today = today or timezone.localdate()
    if day < today - dt.timedelta(days=MAX_DAYS_BACK):
        return _(
            "発令日が%(n)s日より前です。過去の記録は作成時の所属のまま残るため、"
            "さかのぼって反映できるのは%(n)s日前までです。"
        ) % {"n": MAX_DAYS_BACK}
    if day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        return _("発令日は1年以内の日付にしてください。")
    return ""


def start_import(
    *,
    actor: User,
    filename: str,
    data: bytes,
    auto_apply: bool = False,
    effective_date: dt.date | None = None,
    complete_list: bool = False,
) -> ImportBatch:
    """Store the upload and queue its check. With auto_apply, a clean file is applied next
    (unless it would disable accounts: that waits for a person's confirmation).
    ``effective_date`` (発令日, default today) is when its moves, joiners and leavers take
    effect; ``complete_list`` declares the file the whole staff list (people missing
    from it become leavers)."""
    if not actor.can(Capability.IMPORT_ORG):
        raise PermissionDenied("cannot import")
    problem = effective_date_problem(effective_date)
    if problem:
        raise ValueError(problem)
    batch = ImportBatch(
        created_by=actor,
        filename=filename[:200],
        auto_apply=auto_apply,
        effective_date=effective_date or timezone.localdate(),
        complete_list=complete_list,
    )
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
        changes={
            "filename": [None, batch.filename],
            "bytes": [None, len(data)],
            "effective_date": [None, str(batch.effective_date)],
            "complete_list": [None, batch.complete_list],
        },
    )
    validate_import.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


def confirm_import(
    *, actor: User, batch: ImportBatch, leavers_confirmed: int | None = None
) -> ImportBatch:
    """Queue the apply of a checked batch. A batch that takes people out of service needs
    ``leavers_confirmed`` equal to how many the preview listed (the person ticked the box
    naming that number); otherwise LeaversNotConfirmed and nothing happens."""
    if not actor.can(Capability.IMPORT_ORG):
        raise PermissionDenied("cannot import")
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.READY:
            return locked
        leaving = needs_leaver_confirmation(locked.summary or {})
        if leaving and leavers_confirmed != leaving:
            raise LeaversNotConfirmed(f"{leaving} leavers, confirmed {leavers_confirmed}")
        locked.status = ImportStatus.APPLYING
        locked.save(update_fields=["status"])
        if leaving:
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=locked,
                changes={"leavers_confirmed": leaving, "status": ["ready", "applying"]},
            )
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
            batch.sample = {}  # the first rows of the file, for its column mapping
            batch.upload = ""
            batch.save(update_fields=["status", "errors", "sample", "upload"])
            # The preview lines name people too.
            PlannedChange.objects.filter(batch=batch).delete()
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

"""The stored preview of a procedure-inventory import (棚卸し表の取り込み).

The upload is kept in the private default storage only until a task has checked it; the
checked rows, every problem and the counts (new / changed / unchanged / missing) are kept
on the row, so confirming needs neither the file again nor a second reading of it.
Registered from `yakuba.reviews.models`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    CHECKING = "checking", _("検査中")
    INVALID = "invalid", _("問題あり")
    READY = "ready", _("確定待ち")
    APPLYING = "applying", _("取り込み中")
    DONE = "done", _("取り込み済み")
    FAILED = "failed", _("失敗")


def procedure_upload_path(instance: ProcedureImport, filename: str) -> str:
    """A random name under the private storage (never served, deleted once checked)."""
    return f"imports/reviews/{uuid.uuid4().hex}"


class ProcedureImport(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    filename = models.CharField(_("ファイル名"), max_length=200)
    upload = models.FileField(upload_to=procedure_upload_path, max_length=200, blank=True)
    state = models.CharField(
        _("状態"), max_length=20, choices=ImportState.choices, default=ImportState.CHECKING
    )
    # Every problem kept (at most IMPORT_MAX_ERRORS; `summary["more_problems"]` counts the rest).
    problems = models.JSONField(default=list, blank=True)
    # The checked rows, ready to write: [{procedure_id, unit_id, name, …, change}].
    rows = models.JSONField(default=list, blank=True)
    # Counts: rows, created, updated, unchanged, missing (+ the missing IDs, first 200).
    summary = models.JSONField(default=dict, blank=True)
    deactivate_missing = models.BooleanField(_("ファイルにない手続を無効にする"), default=False)
    result = models.JSONField(default=dict, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    applied_at = models.DateTimeField(_("確定日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("手続の取り込み")
        verbose_name_plural = _("手続の取り込み")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state not in (ImportState.CHECKING, ImportState.APPLYING)

    def read_upload(self) -> bytes:
        if not self.upload:
            return b""
        with self.upload.open("rb") as handle:
            return handle.read()

    def delete_upload(self) -> None:
        name = self.upload.name
        if not name:
            return
        storage = self.upload.storage
        ProcedureImport.objects.filter(pk=self.pk).update(upload="")
        self.upload.name = ""
        storage.delete(name)

"""The audit trail: append-only, hash-chained.

Each entry stores the SHA-256 of its own canonical content plus the previous
entry's hash, so altering or deleting any row breaks the chain from that row on;
`manage.py audit_verify` finds the first broken link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    CREATE = "create", _("作成")
    UPDATE = "update", _("変更")
    DELETE = "delete", _("削除")
    LOGIN = "login", _("サインイン")
    LOGIN_FAILED = "login_failed", _("サインイン失敗")
    LOCKED_OUT = "locked_out", _("ロックアウト")
    LOGOUT = "logout", _("サインアウト")
    OTP_ENROLLED = "otp_enrolled", _("二要素認証の登録")
    OTP_FAILED = "otp_failed", _("二要素認証の失敗")
    PERMISSION_DENIED = "denied", _("権限による拒否")
    IMPORT = "import", _("取り込み")
    EXPORT = "export", _("書き出し")
    VIEW_SENSITIVE = "view_sensitive", _("機微情報の閲覧")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:  # pragma: no cover - guard
        raise TypeError("audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:  # pragma: no cover - guard
        raise TypeError("audit entries are append-only")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("番号"), unique=True)
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作者"),
        on_delete=models.DO_NOTHING,  # never rewrite history when an account goes
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # Kept as text so the entry still says who acted after the account is gone.
    actor_label = models.CharField(_("操作者名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("対象の種類"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("対象ID"), max_length=100, blank=True)
    object_repr = models.CharField(_("対象"), max_length=200, blank=True)
    changes = models.JSONField(_("変更内容"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("監査記録")
        verbose_name_plural = _("監査記録")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def canonical_payload(self) -> bytes:
        data = {
            "seq": self.seq,
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "changes": self.changes,
            "ip": self.ip_address,
            "prev": self.prev_hash,
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_payload()).hexdigest()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("audit entries are append-only")


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers extend the chain in order."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit chain head #{self.last_seq}"

"""Local accounts for offices without a directory: provisioning runs, activation tokens and
the printed activation sheets (see `accounts.provisioning` and `accounts.activation`).

Imported by `accounts.models`, so Django sees these models as the accounts app's."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a person receives their activation link and code."""

    AUTO = "auto", _("メールがあればメール、なければ配布用シート")
    EMAIL = "email", _("メール")
    SHEET = "sheet", _("配布用シート（PDF）")


class RunScope(models.TextChoices):
    ALL = "all", _("アカウントのない全職員")
    UNIT = "unit", _("所属（下位の所属を含む）")
    IMPORT = "import", _("取り込みの職員")
    STAFF_LIST = "staff_list", _("指定した職員")
    REISSUE = "reissue", _("再発行")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("作成中")
    DELIVERING = "delivering", _("送付中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class ProvisionRun(models.Model):
    """One request to create accounts (or to reissue one person's activation): what was
    asked, how far it got, and what came of it. The screen shows it with its sheets."""

    scope = models.CharField(_("対象"), max_length=20, choices=RunScope.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属"), on_delete=models.SET_NULL, null=True, blank=True
    )
    import_batch = models.ForeignKey(
        "org.ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deliver = models.CharField(_("送付方法"), max_length=10, choices=Delivery.choices)
    status = models.CharField(
        _("状態"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("受付日時"), default=timezone.now)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    # Where activation links point (YAKUBA_BASE_URL, else the address the run was started from).
    base_url = models.CharField(max_length=200, blank=True)
    # For a reissue: the person, and whether their current password was invalidated at once.
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested = models.PositiveIntegerField(_("対象者"), default=0)
    created = models.PositiveIntegerField(_("作成"), default=0)
    skipped_existing = models.PositiveIntegerField(_("既にアカウントあり"), default=0)
    skipped_other = models.PositiveIntegerField(_("作成できず"), default=0)
    emails_sent = models.PositiveIntegerField(_("メール送信"), default=0)
    emails_failed = models.PositiveIntegerField(_("メール送信失敗"), default=0)
    sheet_people = models.PositiveIntegerField(_("シート"), default=0)
    # {"conflicts": [staff numbers whose user name is taken], "inactive": [...],
    #  "mail_failed": [user names]}
    details = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        verbose_name = _("アカウント作成")
        verbose_name_plural = _("アカウント作成")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class TokenPurpose(models.TextChoices):
    ACTIVATION = "activation", _("初回設定")
    RESET = "reset", _("パスワード再設定")


class ActivationToken(models.Model):
    """A single-use, expiring permission to set an account's password.

    Two secrets lead to it: a long one in the link / QR code and a short code a person
    can type. Only keyed hashes of both are stored (`accounts.activation`); issuing a
    new token for a person revokes the earlier ones."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation_tokens"
    )
    run = models.ForeignKey(
        ProvisionRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="tokens"
    )
    purpose = models.CharField(max_length=20, choices=TokenPurpose.choices)
    channel = models.CharField(max_length=10, choices=Delivery.choices)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When the mail went out, or the sheet holding it was made (and any error).
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("有効化コード")
        verbose_name_plural = _("有効化コード")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "used_at", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.created_at:%Y-%m-%d}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


def sheet_upload_path(instance: ActivationSheet, filename: str) -> str:
    """A random name under the private default storage (never served by URL)."""
    return f"activation-sheets/{uuid.uuid4().hex}.pdf"


class ActivationSheet(models.Model):
    """The printable activation sheets of one unit in one run (a PDF holding live codes):
    downloaded by HR through a POST (audited), deleted after ACTIVATION_SHEET_KEEP_HOURS."""

    run = models.ForeignKey(ProvisionRun, on_delete=models.CASCADE, related_name="sheets")
    unit = models.ForeignKey("org.Unit", on_delete=models.SET_NULL, null=True, related_name="+")
    unit_name = models.CharField(_("所属"), max_length=100)
    people = models.PositiveIntegerField(_("人数"), default=0)
    file = models.FileField(upload_to=sheet_upload_path, max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    downloads = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("有効化シート")
        verbose_name_plural = _("有効化シート")
        ordering = ["unit_name", "pk"]

    def __str__(self) -> str:
        return f"{self.unit_name} ({self.people})"

    @property
    def available(self) -> bool:
        return bool(self.file) and self.deleted_at is None and self.expires_at > timezone.now()

    def delete_file(self) -> None:
        """Forget the PDF: the row first (never pointing at a missing file), then the file
        through the storage API."""
        name = self.file.name
        now = timezone.now()
        ActivationSheet.objects.filter(pk=self.pk).update(file="", deleted_at=now)
        self.file.name, self.deleted_at = "", now
        if name:
            self.file.storage.delete(name)

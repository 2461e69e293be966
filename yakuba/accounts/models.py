from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.roles import OFFICE_WIDE_ROLES, PRIVILEGED_ROLES, Role, has_capability


class YakubaUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: object
    ):  # type: ignore[override]
        # `createsuperuser` makes the first administrator of a fresh install.
        extra.setdefault("role", Role.SYSADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A sign-in account. The person behind it is `org.Staff` (user.staff)."""

    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, default=Role.STAFF)

    objects = YakubaUserManager()

    class Meta:
        verbose_name = _("アカウント")
        verbose_name_plural = _("アカウント")

    @property
    def is_privileged(self) -> bool:
        return self.role in PRIVILEGED_ROLES

    @property
    def is_office_wide(self) -> bool:
        return self.role in OFFICE_WIDE_ROLES

    def can(self, capability: str) -> bool:
        return self.is_active and has_capability(self.role, capability)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, owner__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only its hash is stored; the raw value is shown once."""

    PREFIX = "yk_"

    name = models.CharField(_("名前"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所有者"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    last_used_at = models.DateTimeField(_("最終使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    @classmethod
    def new_raw_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def set_raw_token(self, raw: str) -> None:
        self.token_hash = _hash_token(raw)
        self.token_prefix = raw[:10]

    @classmethod
    def lookup(cls, raw: str) -> ApiToken | None:
        if not raw or not raw.startswith(cls.PREFIX) or len(raw) > 200:
            return None
        return (
            cls.objects.active().select_related("owner").filter(token_hash=_hash_token(raw)).first()
        )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

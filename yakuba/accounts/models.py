from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.roles import OFFICE_WIDE_ROLES, PRIVILEGED_ROLES, Role, has_capability


class YakubaUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: object
    ) -> User:
        # `createsuperuser` makes the first administrator of a fresh install.
        extra.setdefault("role", Role.SYSADMIN)
        return super().create_superuser(username, email, password, **extra)


class AuthSource(models.TextChoices):
    LOCAL = "local", _("ローカル")
    DIRECTORY = "directory", _("ディレクトリ")


class User(AbstractUser):
    """A sign-in account. The person behind it is `org.Staff` (user.staff)."""

    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, default=Role.STAFF)
    # Who checks the password: Yakuba (local, incl. break-glass accounts) or the directory
    # (AD/LDAP; such an account has no usable password here). See accounts.directory.
    auth_source = models.CharField(
        _("認証方式"), max_length=20, choices=AuthSource.choices, default=AuthSource.LOCAL
    )
    directory_dn = models.CharField(_("ディレクトリのDN"), max_length=500, blank=True)

    objects: ClassVar[YakubaUserManager] = YakubaUserManager()

    if TYPE_CHECKING:
        # Set on the signed-in user of every request by django-otp's OTPMiddleware.
        def is_verified(self) -> bool: ...

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

    # Compared with a new password by UserAttributeSimilarityValidator (settings): a
    # password must not resemble the person's staff number or name.
    @property
    def staff_number(self) -> str:
        staff = getattr(self, "staff", None)
        return staff.staff_number if staff is not None else ""

    @property
    def staff_name(self) -> str:
        staff = getattr(self, "staff", None)
        return staff.name if staff is not None else ""

    @property
    def staff_name_kana(self) -> str:
        staff = getattr(self, "staff", None)
        return staff.name_kana if staff is not None else ""


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


class LinkProblem(models.TextChoices):
    NO_STAFF = "no_staff", _("対応する職員情報がない")
    STAFF_NUMBER_DUPLICATE = "staff_number_duplicate", _("職員番号がディレクトリ内で重複")
    EMAIL_DUPLICATE = "email_duplicate", _("メールアドレスが重複")
    STAFF_LINKED_ELSEWHERE = "staff_linked_elsewhere", _("職員情報が別のアカウントに関連付け済み")
    USERNAME_TAKEN = "username_taken", _("同じユーザー名のローカルアカウントがある")


class DirectoryLinkRequest(models.Model):
    """A directory person who signed in but could not be linked to a staff record.

    One row per directory user name, updated at each attempt, until a system admin links
    it by hand (accounts.services.link_directory_account)."""

    username = models.CharField(_("ユーザー名"), max_length=150, unique=True)
    dn = models.CharField(_("ディレクトリのDN"), max_length=500)
    display_name = models.CharField(_("表示名"), max_length=200, blank=True)
    email = models.CharField(_("メール"), max_length=254, blank=True)
    staff_number = models.CharField(_("職員番号"), max_length=50, blank=True)
    problem = models.CharField(_("理由"), max_length=30, choices=LinkProblem.choices)
    attempts = models.PositiveIntegerField(_("試行回数"), default=1)
    first_seen_at = models.DateTimeField(_("初回"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("最終"), default=timezone.now)
    resolved_at = models.DateTimeField(_("対応日時"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    linked_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("未関連付けのディレクトリアカウント")
        verbose_name_plural = _("未関連付けのディレクトリアカウント")
        ordering = ["resolved_at", "-last_seen_at"]

    def __str__(self) -> str:
        return self.username


class SignInOutcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失敗（パスワード誤り）")
    LOCKED = "locked", _("ロック中のため拒否")
    UNREACHABLE = "unreachable", _("ディレクトリに接続できず")
    REFUSED = "refused", _("拒否（アカウント無効など）")


class SignInKind(models.TextChoices):
    SIGN_IN = "sign_in", _("サインイン")
    PASSWORD_CHECK = "password_check", _("パスワード変更時の確認")


class SignInEvent(models.Model):
    """One sign-in attempt against an account, shown to its person (accounts.history).

    Written by the sign-in POST only (the auth signals), never with the password tried;
    attempts for user names that are no account are left to the audit trail. Kept for
    ``SIGNIN_HISTORY_DAYS`` (the daily job ``accounts.purge_signin_history``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("アカウント"),
        on_delete=models.CASCADE,
        related_name="sign_in_events",
    )
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    kind = models.CharField(
        _("種類"), max_length=20, choices=SignInKind.choices, default=SignInKind.SIGN_IN
    )
    outcome = models.CharField(_("結果"), max_length=20, choices=SignInOutcome.choices)
    method = models.CharField(_("認証方式"), max_length=20, choices=AuthSource.choices)
    second_factor = models.BooleanField(_("二要素認証"), default=False)
    ip_address = models.GenericIPAddressField(_("接続元アドレス"), null=True, blank=True)
    device = models.CharField(_("端末"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("サインインの記録")
        verbose_name_plural = _("サインインの記録")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="accounts_signin_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def succeeded(self) -> bool:
        return self.outcome == SignInOutcome.SUCCESS


# Local accounts: provisioning runs, activation tokens and sheets (their own module).
from yakuba.accounts.models_activation import (  # noqa: E402
    ActivationSheet,
    ActivationToken,
    ProvisionRun,
)

__all__ = [
    "ActivationSheet",
    "ActivationToken",
    "ApiToken",
    "AuthSource",
    "DirectoryLinkRequest",
    "LinkProblem",
    "ProvisionRun",
    "SignInEvent",
    "SignInKind",
    "SignInOutcome",
    "User",
]

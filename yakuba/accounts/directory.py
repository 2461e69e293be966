"""Directory sign-in (Active Directory / LDAP) through django-auth-ldap.

Off unless ``LDAP_SERVER_URI`` is set. Which accounts the directory decides:

* A *local* account (``User.auth_source == "local"``: break-glass administrators, offices
  without a directory) signs in with its Yakuba password only; the directory is never
  asked about it, so it works while the directory is down.
* Every other user name is checked against the directory. A *directory* account never
  signs in with a Yakuba password (it has none): no fallback to a stale password.

A directory sign-in is linked to the staff record by staff number (``employeeID`` or
``LDAP_ATTR_STAFF_NUMBER``), else by e-mail; nothing is guessed: a person without a staff
record, a staff number or e-mail held by two directory entries or two staff records, or a
staff record already linked to another account is refused with a clear message and listed
for the system administrator (``DirectoryLinkRequest``).

Roles from groups (``LDAP_ROLE_GROUPS``, optional): the roles named in the mapping are
*managed* by the directory. At each sign-in a person in exactly one mapped role's groups
gets that role; a person in none of them loses a managed role (back to staff) and keeps a
role given in Yakuba that the mapping does not manage (e.g. unit head); a person whose
groups map to two different roles gets no managed role (conflict audited). The directory
never grants a role the mapping does not name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _
from django_auth_ldap.backend import LDAPBackend, ldap_error
from django_auth_ldap.config import LDAPSearch, LDAPSettings

from yakuba.accounts.roles import Role

logger = logging.getLogger(__name__)

# Active Directory: people (objectClass user) signing in with their account name or UPN;
# disabled accounts (userAccountControl bit 2, ACCOUNTDISABLE) never match.
DEFAULT_USER_FILTER = (
    "(&(objectClass=user)(|(sAMAccountName=%(user)s)(userPrincipalName=%(user)s))"
    "(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
)


class DirectoryError(Exception):
    """A directory sign-in that must stop with a message to the person (not a wrong
    password: django-axes does not count it)."""

    code = "directory"
    message: Any = _("ディレクトリでサインインできませんでした。")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class DirectoryUnavailable(DirectoryError):
    code = "unreachable"
    message = _(
        "ディレクトリ（Active Directory）に接続できないため、現在サインインできません。"
        "しばらくしてからもう一度お試しください。続く場合は情報政策課（システム管理者）に"
        "連絡してください。"
    )


class DirectoryNotLinked(DirectoryError):
    code = "not_linked"
    message = _(
        "ディレクトリのアカウントは確認できましたが、対応する職員情報が見つからないか、"
        "一つに決められません。システム管理者に職員情報との関連付けを依頼してください。"
    )


class StaffNotActive(DirectoryError):
    code = "staff_inactive"
    message = _("このアカウントは無効です。")


@dataclass(frozen=True)
class DirectoryConfig:
    server_uri: str = ""
    bind_dn: str = ""
    bind_password: str = ""
    search_base: str = ""
    user_filter: str = DEFAULT_USER_FILTER
    attr_username: str = "sAMAccountName"
    attr_upn: str = "userPrincipalName"
    attr_email: str = "mail"
    attr_staff_number: str = "employeeID"
    attr_display_name: str = "displayName"
    attr_groups: str = "memberOf"
    start_tls: bool = False
    ca_file: str = ""
    allow_plaintext: bool = False
    role_groups: str = ""
    timeout_seconds: float = 5.0
    role_map: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @classmethod
    def from_settings(cls) -> DirectoryConfig:
        def get(name: str, default: Any) -> Any:
            value = getattr(settings, name, default)
            return default if value is None else value

        role_groups = str(get("LDAP_ROLE_GROUPS", ""))
        return cls(
            server_uri=str(get("LDAP_SERVER_URI", "")).strip(),
            bind_dn=str(get("LDAP_BIND_DN", "")),
            bind_password=str(get("LDAP_BIND_PASSWORD", "")),
            search_base=str(get("LDAP_SEARCH_BASE", "")),
            user_filter=str(get("LDAP_USER_FILTER", "") or DEFAULT_USER_FILTER),
            attr_username=str(get("LDAP_ATTR_USERNAME", "sAMAccountName")),
            attr_upn=str(get("LDAP_ATTR_UPN", "userPrincipalName")),
            attr_email=str(get("LDAP_ATTR_EMAIL", "mail")),
            attr_staff_number=str(get("LDAP_ATTR_STAFF_NUMBER", "employeeID")),
            attr_display_name=str(get("LDAP_ATTR_DISPLAY_NAME", "displayName")),
            attr_groups=str(get("LDAP_ATTR_GROUPS", "memberOf")),
            start_tls=bool(get("LDAP_START_TLS", False)),
            ca_file=str(get("LDAP_CA_FILE", "")),
            allow_plaintext=bool(get("LDAP_ALLOW_PLAINTEXT", False)),
            role_groups=role_groups,
            timeout_seconds=float(get("LDAP_TIMEOUT_SECONDS", 5)),
            role_map=parse_role_groups(role_groups),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.server_uri)

    @property
    def uses_tls(self) -> bool:
        return self.start_tls or self.server_uri.lower().startswith("ldaps://")

    @property
    def attrlist(self) -> list[str]:
        return [
            self.attr_username,
            self.attr_upn,
            self.attr_email,
            self.attr_staff_number,
            self.attr_display_name,
            self.attr_groups,
        ]

    def connection_options(self) -> dict[Any, Any]:
        import ldap

        options: dict[Any, Any] = {
            ldap.OPT_REFERRALS: 0,  # AD answers with referrals python-ldap cannot follow
            ldap.OPT_NETWORK_TIMEOUT: self.timeout_seconds,
            ldap.OPT_TIMEOUT: self.timeout_seconds,
        }
        if self.uses_tls:
            options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
            if self.ca_file:
                options[ldap.OPT_X_TLS_CACERTFILE] = self.ca_file
            # Applies the TLS options above to this connection; must come last.
            options[ldap.OPT_X_TLS_NEWCTX] = 0
        return options

    def auth_ldap_settings(self) -> dict[str, Any]:
        """The django-auth-ldap settings this configuration stands for."""
        import ldap

        return {
            "SERVER_URI": self.server_uri,
            "BIND_DN": self.bind_dn,
            "BIND_PASSWORD": self.bind_password,
            "USER_SEARCH": LDAPSearch(
                self.search_base, ldap.SCOPE_SUBTREE, self.user_filter, self.attrlist
            ),
            "START_TLS": self.start_tls,
            "CONNECTION_OPTIONS": self.connection_options(),
            # Yakuba's own service writes the account (one transaction, audited).
            "ALWAYS_UPDATE_USER": False,
            "USER_ATTR_MAP": {},
            "MIRROR_GROUPS": None,
            "FIND_GROUP_PERMS": False,
            "CACHE_TIMEOUT": 0,
        }


def parse_role_groups(value: str) -> tuple[tuple[str, str], ...]:
    """``role=GROUP DN`` pairs separated by ``;`` or new lines → ((normalised DN, role), …).

    Unknown roles are kept here and refused by the system check (yakuba.E101)."""
    pairs = []
    for item in value.replace("\n", ";").split(";"):
        item = item.strip()
        if not item or "=" not in item:
            continue
        role, dn = item.split("=", 1)
        pairs.append((normalise_dn(dn), role.strip()))
    return tuple(pairs)


def normalise_dn(dn: str) -> str:
    """DNs compare case-insensitively and without spaces around separators."""
    import ldap.dn

    try:
        return ldap.dn.dn2str(ldap.dn.str2dn(dn.strip())).lower()
    except ldap.DECODING_ERROR:
        return dn.strip().lower()


@dataclass(frozen=True)
class RoleDecision:
    role: str
    conflict: tuple[str, ...] = ()


def directory_role(
    groups: list[str], role_map: tuple[tuple[str, str], ...], current: str | None
) -> RoleDecision:
    """The role a directory account gets from its groups (see the module docstring)."""
    current = current or Role.STAFF
    if not role_map:
        return RoleDecision(current)
    managed = {role for _dn, role in role_map}
    member_of = {normalise_dn(g) for g in groups}
    mapped = sorted({role for dn, role in role_map if dn in member_of})
    unmanaged_or_staff = current if current not in managed else Role.STAFF
    if len(mapped) == 1:
        return RoleDecision(mapped[0])
    if len(mapped) > 1:
        return RoleDecision(unmanaged_or_staff, conflict=tuple(mapped))
    return RoleDecision(unmanaged_or_staff)


@dataclass(frozen=True)
class DirectoryProfile:
    """What the directory says about the person signing in."""

    username: str
    dn: str
    staff_number: str
    email: str
    display_name: str
    groups: list[str]
    staff_number_holders: int = 1
    email_holders: int = 1


def _first(attrs: dict[str, list[str]], name: str) -> str:
    for key, values in attrs.items():
        if key.lower() == name.lower() and values:
            return str(values[0]).strip()
    return ""


def _all(attrs: dict[str, list[str]], name: str) -> list[str]:
    for key, values in attrs.items():
        if key.lower() == name.lower():
            return [str(v) for v in values]
    return []


def _count_holders(connection: Any, config: DirectoryConfig, attr: str, value: str) -> int:
    """How many directory people hold ``attr=value`` (duplicates are reported, not guessed)."""
    import ldap
    from ldap.filter import escape_filter_chars

    if not value:
        return 0
    results = connection.search_s(
        config.search_base,
        ldap.SCOPE_SUBTREE,
        f"(&(objectClass=user)({attr}={escape_filter_chars(value)}))",
        ["1.1"],
    )
    return len([dn for dn, _attrs in results if dn])


def profile_from_entry(
    config: DirectoryConfig, dn: str, attrs: dict[str, list[str]], connection: Any = None
) -> DirectoryProfile:
    staff_number = _first(attrs, config.attr_staff_number)
    email = _first(attrs, config.attr_email)
    return DirectoryProfile(
        username=_first(attrs, config.attr_username),
        dn=dn,
        staff_number=staff_number,
        email=email,
        display_name=_first(attrs, config.attr_display_name),
        groups=_all(attrs, config.attr_groups),
        staff_number_holders=(
            _count_holders(connection, config, config.attr_staff_number, staff_number)
            if connection is not None
            else 1
        ),
        email_holders=(
            _count_holders(connection, config, config.attr_email, email)
            if connection is not None
            else 1
        ),
    )


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap, configured from Yakuba's LDAP_* settings, writing through
    ``accounts.services.sign_in_directory_user``."""

    # django-auth-ldap reads AUTH_LDAP_* from settings: this backend reads none of them,
    # every value comes from DirectoryConfig.
    settings_prefix = "YAKUBA_DIRECTORY_UNUSED_"
    # django-auth-ldap's cache of the settings object (untyped there).
    _settings: LDAPSettings | None = None

    @property
    def settings(self) -> LDAPSettings:
        if self._settings is None:
            self._settings = LDAPSettings(
                self.settings_prefix, DirectoryConfig.from_settings().auth_ldap_settings()
            )
        return self._settings

    @settings.setter
    def settings(self, value: LDAPSettings) -> None:
        self._settings = value

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kw: Any
    ) -> Any:
        from yakuba.accounts.models import AuthSource, User

        config = DirectoryConfig.from_settings()
        if not config.enabled or not username or not password:
            return None
        username = username.strip()
        if User.objects.filter(username__iexact=username, auth_source=AuthSource.LOCAL).exists():
            # Local (break-glass) accounts never ask the directory.
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kw)
        except DirectoryError as error:
            from yakuba.accounts import history, services

            services.record_directory_refusal(username=username, error=error)
            history.on_directory_refusal(request, username, error.code)
            raise

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[Any, bool]:
        import ldap

        from yakuba.accounts import services

        config = DirectoryConfig.from_settings()
        try:
            profile = profile_from_entry(
                config, ldap_user.dn, ldap_user.attrs, connection=ldap_user.connection
            )
        except ldap.LDAPError as error:
            raise DirectoryUnavailable(_ldap_error_text(error)) from error
        if not profile.username:
            # No account-name attribute on the entry: the name the person typed.
            profile = replace(profile, username=username)
        user = services.sign_in_directory_user(profile=profile, config=config)
        return user, False

    def get_user(self, user_id: Any) -> Any:
        # As ModelBackend: a disabled account's session ends at its next request.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class LocalAccountBackend(ModelBackend):
    """Passwords kept by Yakuba, for local accounts only: a directory account never signs
    in with a password stored here."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kw: Any
    ) -> Any:
        from yakuba.accounts.models import AuthSource

        user = super().authenticate(request, username=username, password=password, **kw)
        if user is not None and user.auth_source != AuthSource.LOCAL:
            return None
        return user


def _ldap_error_text(error: Exception) -> str:
    if error.args and isinstance(error.args[0], dict):
        info = error.args[0]
        return f"{type(error).__name__}: {info.get('desc', '')} {info.get('info', '')}".strip()
    return f"{type(error).__name__}: {error}"


def _on_ldap_error(
    sender: Any, context: str, user: Any, request: Any, exception: Exception, **kw: Any
) -> None:
    """django-auth-ldap swallows server errors (the sign-in would look like a wrong
    password, counted by django-axes); Yakuba stops with its own message instead."""
    raise DirectoryUnavailable(f"{context}: {_ldap_error_text(exception)}")


ldap_error.connect(_on_ldap_error, sender=DirectoryBackend, dispatch_uid="yakuba-directory")

"""Start-up checks of the directory sign-in settings (LDAP_*), TLS above all.

Run by `manage.py check`/`migrate`/`runserver` and, for gunicorn (which runs no system
checks), by the WSGI entry point through `core.checks.validate_production_settings`'s
sibling `validate_directory_settings`.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from yakuba.accounts.directory import DirectoryConfig
from yakuba.accounts.roles import Role


def directory_settings_problems(config: DirectoryConfig | None = None) -> list[Error]:
    config = config or DirectoryConfig.from_settings()
    if not config.enabled:
        return []
    errors: list[Error] = []
    uri = config.server_uri.lower()
    uris = uri.split()
    if not uris or not all(u.startswith(("ldap://", "ldaps://")) for u in uris):
        errors.append(
            Error(
                f"LDAP_SERVER_URI {config.server_uri!r} must start with ldaps:// or ldap:// "
                "(several servers separated by spaces).",
                id="yakuba.E101",
            )
        )
    if config.start_tls and any(u.startswith("ldaps://") for u in uris):
        errors.append(
            Error(
                "LDAP_START_TLS is on with an ldaps:// server: use one of the two "
                "(ldaps:// already encrypts).",
                id="yakuba.E102",
            )
        )
    if not config.uses_tls and not config.allow_plaintext:
        errors.append(
            Error(
                "LDAP_SERVER_URI is ldap:// without LDAP_START_TLS: passwords would cross the "
                "network in clear. Use ldaps:// or LDAP_START_TLS=1 with LDAP_CA_FILE "
                "(LDAP_ALLOW_PLAINTEXT=1 only for a directory on this host).",
                id="yakuba.E103",
            )
        )
    if config.uses_tls:
        errors += _ca_file_problems(config.ca_file)
    if not config.search_base.strip():
        errors.append(Error("LDAP_SEARCH_BASE is empty.", id="yakuba.E104"))
    if "%(user)s" not in config.user_filter:
        errors.append(
            Error("LDAP_USER_FILTER must contain %(user)s (the name typed).", id="yakuba.E105")
        )
    if bool(config.bind_dn) != bool(config.bind_password):
        errors.append(
            Error(
                "LDAP_BIND_DN and LDAP_BIND_PASSWORD go together (a read-only service account).",
                id="yakuba.E106",
            )
        )
    roles = set(Role.values)
    for dn, role in config.role_map:
        if role not in roles:
            errors.append(
                Error(
                    f"LDAP_ROLE_GROUPS: unknown role {role!r} for {dn!r} "
                    f"(one of: {', '.join(sorted(roles))}).",
                    id="yakuba.E107",
                )
            )
    if config.timeout_seconds <= 0:
        errors.append(Error("LDAP_TIMEOUT_SECONDS must be positive.", id="yakuba.E108"))
    return errors


def _ca_file_problems(path: str) -> list[Error]:
    if not path:
        return [
            Error(
                "TLS to the directory needs LDAP_CA_FILE: the office's CA certificate (PEM) "
                "that signed the domain controllers' certificates.",
                id="yakuba.E110",
            )
        ]
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        return [Error(f"LDAP_CA_FILE {path!r} is not a readable file.", id="yakuba.E111")]
    from cryptography import x509

    try:
        with open(path, "rb") as handle:
            certificates = x509.load_pem_x509_certificates(handle.read())
    except ValueError:
        return [
            Error(
                f"LDAP_CA_FILE {path!r} holds no PEM certificate (convert a DER .cer with "
                "`openssl x509 -inform der -in ca.cer -out ca.pem`).",
                id="yakuba.E112",
            )
        ]
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    if all(c.not_valid_after_utc < now for c in certificates):
        return [Error(f"LDAP_CA_FILE {path!r}: every certificate has expired.", id="yakuba.E113")]
    return []


@register(Tags.security)
def directory_settings_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    return directory_settings_problems()


def validate_directory_settings() -> None:
    """For gunicorn, which runs no system checks: refuse to start with bad LDAP settings."""
    problems = directory_settings_problems()
    if problems:
        raise ImproperlyConfigured("\n".join(p.msg for p in problems))

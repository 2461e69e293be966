"""Start-up checks: refuse to run in production with unsafe settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

WEAK_KEYS = {"", "changeme", "secret", "django-insecure", "dev"}


def production_settings_problems() -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    try:
        key = settings.SECRET_KEY or ""
    except ImproperlyConfigured:  # Django refuses an empty key on access
        key = ""
    if (
        len(key) < 50
        or len(set(key)) < 5
        or key.lower() in WEAK_KEYS
        or key == settings.DEV_SECRET_KEY
        or key.startswith("django-insecure")
    ):
        errors.append(
            Error(
                "SECRET_KEY is missing or weak. With DEBUG off, set SECRET_KEY to a random "
                "string of at least 50 characters, e.g. "
                '`python -c "import secrets; print(secrets.token_urlsafe(64))"`.',
                id="yakuba.E001",
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty. With DEBUG off, set ALLOWED_HOSTS to the host names "
                "this server answers to, comma-separated (e.g. yakuba.city.lg.jp).",
                id="yakuba.E002",
            )
        )
    return errors


def client_ip_problems() -> list[Error]:
    from yakuba.core.clientip import trusted_proxy_problems

    return [Error(message, id="yakuba.E003") for message in trusted_proxy_problems()]


@register(Tags.security)
def production_settings_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    return production_settings_problems() + client_ip_problems()


def validate_production_settings() -> None:
    """Called by the WSGI entry point: gunicorn does not run system checks."""
    problems = production_settings_problems() + client_ip_problems()
    if problems:
        raise ImproperlyConfigured("\n".join(p.msg for p in problems))

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a privileged user may reach before passing the second factor.
_ALLOWED_URL_NAMES = (
    "accounts:otp_verify",
    "accounts:otp_setup",
    "accounts:logout",
    "set_language",
    "healthz",
)


class RequireTwoFactorMiddleware:
    """Privileged roles (sysadmin, infosec, HR, auditor) must pass TOTP before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def allowed_paths(self) -> tuple[str, ...]:
        if self._allowed is None:
            self._allowed = tuple(reverse(name) for name in _ALLOWED_URL_NAMES)
        return self._allowed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_privileged
            and not user.is_verified()
            and not request.path.startswith(("/static/", "/api/"))
            and request.path not in self.allowed_paths()
        ):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            # Quoted, so a query string of its own (an export's format) survives the detour.
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

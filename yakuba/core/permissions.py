"""View guards. Every view states who may use it; denials are audited."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record

View = Callable[..., HttpResponse]


def deny(request: HttpRequest, reason: str = "") -> PermissionDenied:
    """Record the denial and return the exception for the caller to raise."""
    record(
        AuditAction.PERMISSION_DENIED,
        actor=request.user,
        object_type="url",
        object_id=request.path[:100],
        object_repr=reason[:200],
    )
    return PermissionDenied(reason)


def login_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def capability_required(*capabilities: str) -> Callable[[View], View]:
    """Signed-in users holding any of `capabilities` may pass; others get 403 (audited)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(request.user.can(cap) for cap in capabilities):
                raise deny(request, f"missing capability {'/'.join(capabilities)}")
            return view(request, *args, **kwargs)

        wrapper.required_capabilities = capabilities  # type: ignore[attr-defined]
        return wrapper

    return decorator

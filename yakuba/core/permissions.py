"""View guards: one permission-checked fetch and one way a denial is answered and audited.

The rule, the same in every app (README, "Permissions"):

* A page the role may not open at all answers **403** (`capability_required`, or a
  service raising ``PermissionDenied`` for an action the role may not take).
* An object outside the user's scope answers **404**, exactly like an object that does not
  exist, so that ids cannot be probed (`get_for_user_or_404`).

Both are audited **once**, by `DenialAuditMiddleware`, whatever raised them: views and
services only raise ``PermissionDenied`` / `OutOfScope`; nobody catches them to record.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record

View = Callable[..., HttpResponse]
M = TypeVar("M", bound=Model)

# Primary keys are 64-bit: anything larger is "not found", never an OverflowError.
_MAX_PK = 2**63 - 1


class OutOfScope(Http404):
    """The object exists but lies outside the user's scope: answered as "not found"."""


def parse_pk(value: object) -> int | None:
    """A positive 64-bit id from a URL or form value, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        pk = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        pk = int(value.strip())
    else:
        return None
    return pk if 0 < pk <= _MAX_PK else None


def get_for_user_or_404(
    scoped: QuerySet[M] | Callable[[Any], QuerySet[M]],
    user: Any,
    pk: object,
) -> M:
    """The object with ``pk`` if ``user`` may see it.

    ``scoped`` is a permission-scoped queryset or a selector taking the user (e.g.
    ``org.selectors.visible_staff``). A missing object raises ``Http404``; an existing one
    outside the scope raises `OutOfScope` (also a 404, audited by the middleware).
    """
    queryset = scoped(user) if callable(scoped) else scoped
    key = parse_pk(pk)
    if key is None:
        raise Http404
    obj = queryset.filter(pk=key).first()
    if obj is not None:
        return obj
    model = queryset.model
    if model._default_manager.filter(pk=key).exists():
        raise OutOfScope(f"{model._meta.label_lower} {key} outside scope")
    raise Http404


def record_denial(request: HttpRequest, reason: str) -> None:
    record(
        AuditAction.PERMISSION_DENIED,
        actor=getattr(request, "user", None),
        object_type="url",
        object_id=request.path[:100],
        object_repr=reason[:200],
    )


class DenialAuditMiddleware:
    """Records every ``PermissionDenied`` (403) and `OutOfScope` (404) raised by a view,
    once, then lets Django's handlers answer (``core.errors``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied | OutOfScope):
            record_denial(request, str(exception) or type(exception).__name__)


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
                raise PermissionDenied(f"missing capability {'/'.join(capabilities)}")
            return view(request, *args, **kwargs)

        wrapper.required_capabilities = capabilities  # type: ignore[attr-defined]
        return wrapper

    return decorator

"""Bearer-token authentication and capability checks for the HTTP API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from yakuba.accounts.models import ApiToken
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record

# last_used_at is for admins spotting stale tokens; minute resolution is plenty and
# saves a write on every request of a busy sync job.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidToken(AuthenticationError):
    """A bearer token was sent but is unknown, revoked, or its owner is deactivated."""

    def __init__(self) -> None:
        super().__init__(message="Invalid or revoked token")


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer yk_…`: the API acts as the token's owner, with their role."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        api_token = ApiToken.lookup(token.strip())
        if api_token is None:
            # Raising (rather than returning None) lets the 401 say why, which helps an
            # integrator tell "header missing" from "token revoked".
            raise InvalidToken()
        # Everything downstream (selectors, services, audit) reads request.user.
        request.user = api_token.owner
        touch_last_used(api_token)
        return api_token


def touch_last_used(api_token: ApiToken) -> None:
    now = timezone.now()
    cutoff = now - LAST_USED_RESOLUTION
    if api_token.last_used_at is not None and api_token.last_used_at > cutoff:
        return
    # The filter repeats the check in SQL so concurrent requests don't all write.
    ApiToken.objects.filter(pk=api_token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff)
    ).update(last_used_at=now)
    api_token.last_used_at = now


def require_capability(request: HttpRequest, capability: str) -> Any:
    """The authenticated owner, or a 403 that is written to the audit trail."""
    user: Any = request.user
    if user.can(capability):
        return user
    api_token: ApiToken | None = getattr(request, "auth", None)
    record(
        AuditAction.PERMISSION_DENIED,
        actor=user,
        object_type="api",
        object_repr=f"{request.method} {request.path}"[:200],
        changes={
            "capability": str(capability),
            "api_token": api_token.pk if api_token is not None else None,
        },
    )
    raise HttpError(403, "The token's owner may not do this")

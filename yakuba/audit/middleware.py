from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from yakuba.audit.services import reset_request_context, set_request_context


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded header is trusted by the reverse proxy config, not here.
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Makes the request's IP available to `audit.record` without passing it everywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_request_context(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from yakuba.audit.services import reset_request_context, set_request_context

# REMOTE_ADDR, or the forwarded header only from a configured trusted proxy (core.clientip).
from yakuba.core.clientip import client_ip


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

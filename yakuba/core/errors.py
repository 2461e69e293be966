from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # API clients parse JSON; an HTML page would break their error handling.
        return JsonResponse({"detail": "Not Found"}, status=404)
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except when the error is the database being unreachable: then
    503 with Retry-After, as `DatabaseUnavailableMiddleware` answers for views."""
    from django.views.defaults import server_error as default_server_error

    from yakuba.core.middleware import database_unavailable, is_database_unavailable

    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        assert exception is not None
        return database_unavailable(request, exception)
    return default_server_error(request)

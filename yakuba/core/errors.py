"""The product's error pages (handler400/403/404/500 in yakuba/urls.py).

403 and 404 come from views, after every middleware has run: they show the usual layout
with the signed-in person's menu. 400 and 500 may come from anywhere — a bad Host header
refused before anyone is signed in, or the database itself failing — so they are rendered
from standalone templates (``error_base.html``) without the request's context processors:
no user, menu or query. Every one of them still passes the outer middleware and carries
the same security headers as any page (see settings.MIDDLEWARE).
"""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader


def _is_api(request: HttpRequest) -> bool:
    # API clients parse JSON; an HTML page would break their error handling.
    return request.path.startswith("/api/")


def _standalone(template_name: str, status: int) -> HttpResponse:
    return HttpResponse(loader.render_to_string(template_name), status=status)


def _has_user(request: HttpRequest) -> bool:
    return hasattr(request, "user")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Bad Request"}, status=400)
    return _standalone("400.html", 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _has_user(request):
        return _standalone("403.html", 403)
    return render(request, "core/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not Found"}, status=404)
    if not _has_user(request):
        return _standalone("404.html", 404)
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The product's own 500 page (JSON for the API), except when the error is the database
    being unreachable: then 503 with Retry-After, as `DatabaseUnavailableMiddleware` answers
    for views."""
    from yakuba.core.middleware import database_unavailable, is_database_unavailable

    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        assert exception is not None
        return database_unavailable(request, exception)
    if _is_api(request):
        return JsonResponse({"detail": "Internal Server Error"}, status=500)
    return _standalone("500.html", 500)

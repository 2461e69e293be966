from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yakuba.core.context_processors import visible_nav_items
from yakuba.core.panels import panels_for
from yakuba.core.permissions import login_required


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The "today" page: the registered panels (`yakuba.core.panels`), then the links."""
    user = request.user
    links = [item for item in visible_nav_items(user) if item.url_name != "core:home"]
    return render(
        request,
        "core/home.html",
        {
            "staff": getattr(user, "staff", None),
            "panels": panels_for(request),
            "links": links,
            "today": timezone.localdate(),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

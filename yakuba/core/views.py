from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yakuba.core.context_processors import visible_nav_items
from yakuba.core.permissions import login_required


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = getattr(user, "staff", None)
    links = [item for item in visible_nav_items(user) if item.url_name != "core:home"]
    return render(
        request,
        "core/home.html",
        {"staff": staff, "links": links, "week": _this_week(staff) if staff else None},
    )


def _this_week(staff: Any) -> list[dict[str, Any]]:
    """Monday–Sunday of the current week from the published roster, for the home page."""
    from yakuba.rosters.grid import day_columns
    from yakuba.rosters.selectors import my_assignments

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    cells = my_assignments(staff, days[0], days[-1])
    return [
        {"col": col, "cell": cells.get(col.date), "today": col.date == today}
        for col in day_columns(days)
    ]


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

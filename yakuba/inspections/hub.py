"""「わたしのセキュリティ」 section and the home panel: my sheets to answer, and findings
I own that are still open (three queries, whatever the size of the office)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from yakuba.core import panels
from yakuba.security import hub


def mine(request: HttpRequest) -> dict[str, Any] | None:
    from yakuba.inspections.models import (
        EDITABLE_SHEETS,
        UNRESOLVED_FINDINGS,
        Finding,
        RoundStatus,
        Sheet,
    )

    staff = getattr(request.user, "staff", None)
    if staff is None:
        return None
    to_answer = list(
        Sheet.objects.filter(
            staff=staff, round__status=RoundStatus.OPEN, status__in=EDITABLE_SHEETS
        )
        .select_related("round")
        .order_by("round__due_on")
    )
    owned = list(
        Finding.objects.filter(owner=staff, status__in=UNRESOLVED_FINDINGS)
        .select_related("item")
        .order_by("due_on")[:5]
    )
    if not to_answer and not owned:
        return None
    today = timezone.localdate()
    return {
        "sheets": to_answer,
        "owned": owned,
        "overdue": sum(1 for f in owned if f.due_on < today),
        "today": today,
    }


def panel(request: HttpRequest) -> dict[str, Any] | None:
    """On the home page only when something is due within a week or overdue."""
    context = mine(request)
    if context is None:
        return None
    soon = [s for s in context["sheets"] if (s.round.due_on - context["today"]).days <= 7]
    if not soon and not context["overdue"]:
        return None
    return {**context, "sheets": soon}


SECTION = hub.register(
    hub.Section(
        name="inspections.mine",
        order=40,
        template="inspections/partials/mine_section.html",
        context=mine,
    )
)
PANEL = panels.register(
    panels.Panel(
        name="inspections.due",
        order=60,
        template="inspections/partials/mine_panel.html",
        context=panel,
    )
)

"""The incidents section of 「わたしのセキュリティ」: the 「不審なメールを報告」 action up
front, reporting anything else, and my own recent reports with their status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yakuba.incidents import selectors
from yakuba.security import hub


def section_context(request: HttpRequest) -> dict[str, Any] | None:
    if not getattr(request.user, "is_authenticated", False):
        return None
    recent = list(selectors.my_incidents(request.user)[:3])
    return {"recent": recent}


SECTION = hub.Section(
    name="incidents.report",
    # First on the page: reporting a suspicious mail must never be a scroll away.
    order=1,
    template="incidents/partials/hub_section.html",
    context=section_context,
)

"""The home panel 「回答をお願いしているアンケート」: open surveys the person has not
answered yet, with their end time (constant queries)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yakuba.core.panels import Panel
from yakuba.core.panels import register as register_panel


def to_answer_panel(request: HttpRequest) -> dict[str, Any] | None:
    from yakuba.surveys.selectors import to_answer

    invitations = to_answer(request.user)
    if not invitations:
        return None
    return {"invitations": invitations}


PANEL = Panel(
    name="surveys.to_answer",
    order=55,
    template="surveys/panels/to_answer.html",
    context=to_answer_panel,
)


def register() -> None:
    register_panel(PANEL)

"""The home panel of the review: how many of the unit's items wait for an answer from this
person, and (heads) for their approval, with the nearest due date. Two queries at most,
whatever the size of the round; nothing shown when nothing waits."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min
from django.http import HttpRequest
from django.utils import timezone

from yakuba.accounts.roles import Capability
from yakuba.core import panels
from yakuba.reviews import scoping


def panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    answer = scoping.to_answer(user).aggregate(n=Count("pk"), due=Min("round__due_on"))
    approve = (
        scoping.approval_queue(user).aggregate(n=Count("pk"))["n"]
        if scoping.can_approve(user)
        else 0
    )
    if not answer["n"] and not approve:
        return None
    return {
        "to_answer": answer["n"],
        "due": answer["due"],
        "to_approve": approve,
        "today": timezone.localdate(),
    }


PANEL = panels.register(
    panels.Panel(
        name="reviews.work",
        order=70,
        template="reviews/workflow/partials/panel.html",
        context=panel,
        capability=Capability.ANSWER_REVIEWS,
    )
)

"""The training panel of the home page: my next registered (or waitlisted) sessions and the
required courses I am overdue on.

A constant number of queries whatever the number of sessions, registrations or required
courses: my upcoming registrations (the waiting-list rank as a subquery), the active
requirements, the courses I attended and my join date.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from yakuba.core.panels import Panel, register

SESSIONS_SHOWN = 5


def training_panel(request: HttpRequest) -> dict[str, Any] | None:
    from yakuba.training.models import Registration, RegistrationStatus, SessionStatus
    from yakuba.training.selectors import OVERDUE, needs_of, people

    staff = getattr(request.user, "staff", None)
    if staff is None:
        return None
    R = RegistrationStatus
    ahead = Registration.objects.filter(
        session_id=OuterRef("session_id"),
        status=R.WAITLISTED,
        waitlist_position__lt=OuterRef("waitlist_position"),
    )
    upcoming = list(
        Registration.objects.filter(
            staff=staff,
            status__in=(R.REGISTERED, R.WAITLISTED),
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=timezone.now(),
        )
        .select_related("session__course")
        .annotate(
            ahead=Coalesce(
                Subquery(
                    ahead.order_by().values("session_id").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            )
        )
        .order_by("session__starts_at", "pk")[:SESSIONS_SHOWN]
    )
    for reg in upcoming:
        reg.rank = reg.ahead + 1 if reg.status == R.WAITLISTED else None  # type: ignore[attr-defined]
    overdue = [n for n in needs_of(people([staff]))[staff.pk] if n.state == OVERDUE]
    if not upcoming and not overdue:
        return None
    return {"upcoming": upcoming, "overdue": overdue}


TRAINING = register(
    Panel(
        name="training.mine",
        order=52,  # after the notices: the day-to-day panels come first
        template="training/panels/mine.html",
        context=training_panel,
    )
)

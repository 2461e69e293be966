"""Where this week's questions show up: the home page (「今週の問題 N問」), the page
「わたしのセキュリティ」, and one question offered after the morning report.

Each reads the person's own cards in a constant number of queries (`selectors.this_week`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from yakuba.awareness import selectors
from yakuba.awareness.forms import AnswerForm
from yakuba.core.panels import Panel
from yakuba.core.panels import register as register_panel
from yakuba.dailyreports.offers import Offer
from yakuba.dailyreports.offers import register as register_offer
from yakuba.security.hub import Section
from yakuba.security.hub import register as register_section


def _week(request: HttpRequest) -> selectors.Week | None:
    staff = selectors.staff_of(request.user)
    if staff is None:
        return None
    return selectors.this_week(staff.pk, timezone.now(), with_questions=False)


def week_panel(request: HttpRequest) -> dict[str, Any] | None:
    """「今週の問題 N問」 on the home page while some are left (hidden when none)."""
    week = _week(request)
    if week is None or not week.remaining:
        return None
    return {"week": week}


def week_section(request: HttpRequest) -> dict[str, Any] | None:
    """The section of 「わたしのセキュリティ」: what is left this week, or that all is done.
    Hidden for someone who has never been given a question (no bank in use yet)."""
    staff = selectors.staff_of(request.user)
    if staff is None:
        return None
    week = selectors.this_week(staff.pk, timezone.now(), with_questions=False)
    if not week.remaining and not week.answered and not selectors.has_questions(staff.pk):
        return None
    return {"week": week}


def morning_offer(request: HttpRequest, report: Any) -> dict[str, Any] | None:
    """One of this week's questions, under the submitted morning report (not when the
    person said 「今日はしない」 today)."""
    staff = selectors.staff_of(request.user)
    if staff is None or staff.pk != getattr(report, "staff_id", None):
        return None
    now = timezone.now()
    if selectors.offer_skipped(staff.pk, timezone.localdate(now)):
        return None
    week = selectors.this_week(staff.pk, now)
    if not week.cards:
        return None
    card = week.cards[0]
    return {
        "card": card,
        "question": card.question,
        "form": AnswerForm(question=card.question, salt=card.pk),
        "remaining": week.remaining,
    }


WEEK_PANEL = register_panel(
    Panel(
        name="awareness.week",
        # After today's work, meetings and notices: a few minutes of the week, not of today.
        order=55,
        template="awareness/panels/week.html",
        context=week_panel,
    )
)
WEEK_SECTION = register_section(
    Section(
        name="awareness.week",
        order=10,
        template="awareness/hub/week.html",
        context=week_section,
    )
)
MORNING_OFFER = register_offer(
    Offer(
        name="awareness.question",
        order=10,
        template="awareness/offer.html",
        context=morning_offer,
    )
)

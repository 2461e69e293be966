"""This week's questions, one at a time, and the lessons. Thin: forms validate, services
write (POST only), selectors read the person's own records."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.awareness import selectors, services
from yakuba.awareness.forms import AnswerForm, shown_order
from yakuba.awareness.models import AnswerVia, Card
from yakuba.core.permissions import get_for_user_or_404, login_required
from yakuba.security.topics import Topic


def _question_context(card: Card, form: AnswerForm | None = None) -> dict[str, Any]:
    return {
        "card": card,
        "question": card.question,
        "form": form or AnswerForm(question=card.question, salt=card.pk),
    }


def _week_page(
    request: HttpRequest, *, form: AnswerForm | None = None, status: int = 200
) -> HttpResponse:
    staff = selectors.staff_of(request.user)
    if staff is None:
        return render(request, "awareness/home.html", {"staff": None})
    week = selectors.this_week(staff.pk, timezone.now())
    context: dict[str, Any] = {
        "staff": staff,
        "week": week,
        "number": week.answered + 1,
        "total": week.answered + week.remaining,
        "recent": selectors.recent_reviews(staff.pk, 5),
    }
    if week.cards:
        card = week.cards[0]
        if form is not None and form.question.pk != card.question_id:
            form = None
        context.update(_question_context(card, form))
    return render(request, "awareness/home.html", context, status=status)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return _week_page(request)


@require_POST
@login_required
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    card = get_for_user_or_404(selectors.own_cards, request.user, pk)
    via = AnswerVia.MORNING if request.POST.get("via") == AnswerVia.MORNING else AnswerVia.WEEKLY
    form = AnswerForm(request.POST, question=card.question, salt=card.pk)
    if not form.is_valid():
        return _week_page(request, form=form, status=400)
    try:
        review = services.answer(
            actor=request.user, card=card, chosen=form.chosen(), via=via, now=timezone.now()
        )
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
        return redirect("awareness:home")
    return redirect("awareness:result", pk=review.pk)


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """Right or wrong, the choices marked, the explanation and where the rule comes from."""
    review = get_for_user_or_404(selectors.own_reviews, request.user, pk)
    question = review.question
    chosen = set(review.chosen)
    choices = [
        {"text": c.text, "correct": c.correct, "chosen": c.order in chosen}
        for c in shown_order(question, review.card_id)
    ]
    days = (review.next_due - review.answered_at).total_seconds() / 86400
    staff = selectors.staff_of(request.user)
    week = selectors.this_week(staff.pk, timezone.now(), with_questions=False) if staff else None
    return render(
        request,
        "awareness/result.html",
        {
            "review": review,
            "question": question,
            "choices": choices,
            "next_days": max(1, math.ceil(days - 0.01)),
            "remaining": week.remaining if week else 0,
            "from_morning": review.via == AnswerVia.MORNING,
        },
    )


@require_POST
@login_required
def offer_skip(request: AuthenticatedHttpRequest) -> HttpResponse:
    """「今日はしない」 on the question offered after the morning report."""
    staff = selectors.staff_of(request.user)
    if staff is None:
        raise Http404
    services.skip_offer(actor=request.user, staff=staff, day=timezone.localdate())
    messages.info(request, _("今日の問題は見送りました。今週の問題はいつでも答えられます。"))
    return redirect("dailyreports:my_report")


@login_required
def lessons(request: HttpRequest) -> HttpResponse:
    found = list(selectors.readable_lessons(request.user).order_by("topic", "code"))
    groups = [
        {"topic": label, "lessons": [ls for ls in found if ls.topic == value]}
        for value, label in Topic.choices
    ]
    return render(
        request, "awareness/lessons.html", {"groups": [g for g in groups if g["lessons"]]}
    )


@login_required
def lesson(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_for_user_or_404(selectors.readable_lessons, request.user, pk)
    return render(request, "awareness/lesson.html", {"lesson": found})

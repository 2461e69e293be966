"""Taking an assignment, phone-first: read each lesson, answer each question (the
explanation follows every answer), see the result; a failed course can be taken again
until it is passed. Only the person's own assignments exist here (others' answer 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.campaigns import content, panels, selectors, services
from yakuba.campaigns.models import Answer, Assignment, Attempt, Course
from yakuba.core.permissions import get_for_user_or_404, login_required, parse_pk


def _mine(request: AuthenticatedHttpRequest, pk: int) -> Assignment:
    return get_for_user_or_404(selectors.my_assignments, request.user, pk)


def _staff(request: AuthenticatedHttpRequest) -> Any:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Http404("no staff record")
    return staff


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All my assignments: open first, then the ones I completed."""
    today = timezone.localdate()
    rows = list(selectors.my_assignments(request.user).order_by("completed_at", "due_on", "pk"))
    section = panels.mine_section(request)
    return render(
        request,
        "campaigns/mine.html",
        {
            "open": [
                panels.assignment_row(a, today)
                for a in rows
                if a.completed_at is None
                and (a.campaign_id is None or a.campaign.starts_on <= today)  # type: ignore[union-attr]
            ],
            "done": [a for a in rows if a.completed_at is not None],
            "required": section["required"] if section else [],
        },
    )


def _feedback(assignment: Assignment, raw: object) -> dict[str, Any] | None:
    pk = parse_pk(raw)
    if pk is None:
        return None
    given = (
        Answer.objects.filter(pk=pk, attempt__assignment=assignment)
        .select_related("question", "attempt")
        .first()
    )
    if given is None:
        return None
    choices = list(given.question.choices.order_by("order", "pk"))
    chosen = set(given.chosen)
    return {
        "answer": given,
        "question": given.question,
        "choices": [{"choice": c, "chosen": c.pk in chosen, "correct": c.correct} for c in choices],
        "finished": given.attempt.finished_at is not None,
    }


@login_required
def take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _mine(request, pk)
    today = timezone.localdate()
    steps = content.steps_for(assignment)
    attempts = list(assignment.attempts.order_by("number"))
    current = next((a for a in attempts if a.finished_at is None), None)
    latest = attempts[-1] if attempts else None
    context: dict[str, Any] = {
        "assignment": assignment,
        "course": assignment.course,
        "steps_total": len(steps),
        "questions_total": sum(1 for s in steps if s.question is not None),
        "attempts": attempts,
        "may_start": services.may_start(assignment, today),
        "row": panels.assignment_row(assignment, today),
        "not_yet": assignment.campaign is not None and assignment.campaign.starts_on > today,
    }
    feedback = _feedback(assignment, request.GET.get("answered"))
    if feedback is not None:
        context.update(state="feedback", feedback=feedback, position=_position(current, steps))
    elif current is not None and current.position < len(steps):
        step = steps[current.position]
        context.update(
            state="lesson" if step.lesson else "question",
            step=step,
            attempt=current,
            position=current.position + 1,
            multiple=bool(step.question and step.question.kind == "multiple"),
        )
    elif latest is not None and latest.finished_at is not None:
        context.update(state="result", result=latest, review=_review(latest))
    else:
        context.update(state="intro")
    return render(request, "campaigns/take.html", context)


def _position(current: Attempt | None, steps: list[content.Step]) -> int:
    return min(current.position, len(steps)) if current else len(steps)


def _review(attempt: Attempt) -> list[Answer]:
    return list(attempt.answers.select_related("question").order_by("answered_at", "pk"))


def _refused(request: AuthenticatedHttpRequest, exc: ValidationError, pk: int) -> HttpResponse:
    for text in exc.messages:
        messages.error(request, text)
    return redirect("campaigns:take", pk=pk)


@require_POST
@login_required
def start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _mine(request, pk)
    try:
        services.start_attempt(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        return _refused(request, exc, pk)
    return redirect("campaigns:take", pk=pk)


@require_POST
@login_required
def lesson_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _mine(request, pk)
    try:
        services.read_lesson(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        return _refused(request, exc, pk)
    return redirect("campaigns:take", pk=pk)


@require_POST
@login_required
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _mine(request, pk)
    question_id = parse_pk(request.POST.get("question"))
    chosen = [parse_pk(v) for v in request.POST.getlist("choice")]
    if question_id is None or None in chosen:
        messages.error(request, _("答えを選んでください。"))
        return redirect("campaigns:take", pk=pk)
    try:
        given = services.answer(
            actor=request.user,
            assignment=assignment,
            question_id=question_id,
            chosen=[c for c in chosen if c is not None],
        )
    except ValidationError as exc:
        return _refused(request, exc, pk)
    return redirect(f"{reverse('campaigns:take', args=[pk])}?answered={given.pk}#feedback")


def _required_course(pk: int) -> Course:
    course = Course.objects.filter(pk=parse_pk(pk) or 0, required_for_telework=True, active=True)
    found = course.first()
    if found is None:
        raise Http404("not a required course")
    return found


@login_required
def course_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The required course for telework: my open assignment of it, or a way to start it."""
    course = _required_course(pk)
    staff = _staff(request)
    mine_ = list(
        selectors.my_assignments(request.user).filter(course=course).order_by("completed_at", "-pk")
    )
    today = timezone.localdate()
    for assignment in mine_:
        if services.may_start(assignment, today):
            return redirect("campaigns:take", pk=assignment.pk)
    return render(
        request,
        "campaigns/course_take.html",
        {
            "course": course,
            "staff": staff,
            "steps": content.items_of(course=course),
            "done": [a for a in mine_ if a.completed_at is not None],
        },
    )


@require_POST
@login_required
def course_enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = _required_course(pk)
    try:
        assignment = services.enrol(actor=request.user, staff=_staff(request), course=course)
        services.start_attempt(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("campaigns:course_take", pk=course.pk)
    return redirect("campaigns:take", pk=assignment.pk)

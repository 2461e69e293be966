"""Pages of every member of staff: the catalogue, a session (register / cancel, htmx),
my registrations and training record (研修履歴), the feedback form, the materials."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.core.downloads import download
from yakuba.core.permissions import get_for_user_or_404, login_required
from yakuba.training import selectors, services
from yakuba.training.forms import FeedbackForm
from yakuba.training.models import Registration, TrainingSession


@login_required
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "training/catalogue.html", {"courses": selectors.catalogue(request.user)}
    )


def _seat_context(request: AuthenticatedHttpRequest, session: TrainingSession) -> dict:
    counted = selectors.with_counts(selectors.visible_sessions(request.user)).get(pk=session.pk)
    reg = selectors.my_registration(request.user, session)
    return {
        "session": counted,
        "reg": reg,
        "rank": selectors.waitlist_rank(reg) if reg else None,
        "has_staff": getattr(request.user, "staff", None) is not None,
        "may_manage": services.may_manage(request.user, session),
    }


@login_required
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_for_user_or_404(selectors.visible_sessions, request.user, pk)
    return render(request, "training/session_detail.html", _seat_context(request, session))


def _seat_response(request: AuthenticatedHttpRequest, session: TrainingSession) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "training/partials/seat.html", _seat_context(request, session))
    return redirect("training:session_detail", session.pk)


@require_POST
@login_required
def session_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_for_user_or_404(selectors.visible_sessions, request.user, pk)
    try:
        reg = services.register(actor=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if reg.status == "registered":
            messages.success(request, _("申し込みました。"))
        else:
            messages.info(request, _("定員に達しているため、キャンセル待ちに登録しました。"))
    return _seat_response(request, session)


@require_POST
@login_required
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_for_user_or_404(selectors.visible_sessions, request.user, pk)
    reg = selectors.my_registration(request.user, session)
    if reg is None:
        raise Http404
    try:
        services.cancel(actor=request.user, registration=reg)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("申し込みを取り消しました。"))
    return _seat_response(request, session)


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    regs = list(selectors.my_registrations(request.user))
    upcoming = [r for r in regs if r.status in ("registered", "waitlisted")]
    for r in upcoming:
        r.rank = selectors.waitlist_rank(r)  # type: ignore[attr-defined]
    return render(
        request,
        "training/mine.html",
        {"upcoming": upcoming, "record": selectors.my_record(request.user)},
    )


@login_required
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reg: Registration = get_for_user_or_404(
        selectors.my_registration_for_feedback, request.user, pk
    )
    if hasattr(reg, "feedback"):
        messages.info(request, _("この研修会のアンケートは回答済みです。"))
        return redirect("training:mine")
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_feedback(
                actor=request.user,
                registration=reg,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("アンケートにご協力いただきありがとうございました。"))
            return redirect("training:mine")
    return render(request, "training/feedback.html", {"form": form, "reg": reg})


@login_required
def material(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = get_for_user_or_404(selectors.courses, request.user, pk)
    if not course.materials:
        raise Http404
    name = course.materials_name or "materials"
    with course.materials.open("rb") as f:
        body = f.read()
    # Course materials are the office's teaching documents, not personal data: not audited.
    return download(
        body,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        actor=request.user,
        object_type="training.trainingcourse",
        audit=False,
    )

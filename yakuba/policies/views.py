"""Pages of the policy evaluation cycle: policies and years (read), replies (the
responsible unit), approval (its head), and the planning unit's management and publication
pages (``manage_views``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.policies import selectors, services
from yakuba.policies.forms import DecisionForm, ReplyForm
from yakuba.policies.models import PolicyYear, Reply, ReplyStatus
from yakuba.policies.publishing import sections_of

view = capability_required(Capability.VIEW_POLICIES)


def report_url(report: Any) -> str:
    """The page of a linked evidence report ("" while the report pages are not installed)."""
    if report is None:
        return ""
    try:
        return reverse("evaluation:report_detail", args=[report.pk])
    except NoReverseMatch:
        return ""


answer = capability_required(Capability.ANSWER_POLICY_COMMENTS)
approve = capability_required(Capability.APPROVE_POLICY_REPLIES)


@view
def policy_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "policies/policy_list.html",
        {
            "policies": list(selectors.policy_rows(user)),
            "can_manage": selectors.can_manage(user),
            "waiting": selectors.approval_queue(user).count() if selectors.can_approve(user) else 0,
        },
    )


@view
def year_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    year = get_for_user_or_404(selectors.visible_years, user, pk)
    comments = selectors.year_comments(year)
    replies = selectors.year_replies(year)
    for reply in replies:
        reply.report_url = report_url(reply.evidence_report)  # type: ignore[attr-defined]
    return render(
        request,
        "policies/year_detail.html",
        {
            "year": year,
            "policy": year.policy,
            "indicators": selectors.indicators(year),
            "sections": sections_of(comments, approved_only=False),
            "replies": replies,
            "unanswered": sum(1 for c in comments if not c.replies.all()),
            "publications": list(selectors.publications(year)[:3]),
            "can_manage": selectors.can_manage(user),
            "can_answer": selectors.may_answer(user, year),
            "can_approve": selectors.may_approve(user, year),
        },
    )


# --- replies (the responsible unit) --------------------------------------------------------


def _reply_form(
    request: AuthenticatedHttpRequest, year: PolicyYear, reply: Reply | None
) -> HttpResponse:
    user = request.user
    initial: dict[str, Any] = {}
    if reply is not None:
        initial = {
            "comments": list(reply.comments.all()),
            "text": reply.text,
            "countermeasures": list(reply.countermeasures.all()),
            "evidence_report": reply.evidence_report,
        }
    else:
        picked = [p for p in request.GET.getlist("comment") if p.isdigit()]
        initial = {"comments": [int(p) for p in picked]}
    form = ReplyForm(
        request.POST or None,
        initial=initial,
        year=year,
        countermeasures=selectors.linkable_countermeasures(user),
        reports=selectors.linkable_reports(user),
    )
    was_approved = reply is not None and reply.status == ReplyStatus.APPROVED
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_reply(
                actor=user,
                year=year,
                reply=reply,
                text=data["text"],
                comments=list(data["comments"]),
                countermeasures=list(data["countermeasures"]),
                evidence_report=data["evidence_report"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.POST.get("submit") == "1":
                services.submit_reply(actor=user, reply=saved)
                messages.success(request, _("返答を保存し、所属長に承認を依頼しました。"))
            elif was_approved:
                messages.warning(
                    request, _("返答を変更しました。承認済みだったため、下書きに戻りました。")
                )
            else:
                messages.success(request, _("返答を保存しました（下書き）。"))
            return redirect("policies:year_detail", year.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "policies/reply_form.html",
        {"form": form, "year": year, "reply": reply},
        status=status,
    )


@answer
def reply_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    year = get_for_user_or_404(selectors.answerable_years, request.user, pk)
    return _reply_form(request, year, None)


@answer
def reply_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reply = get_for_user_or_404(selectors.answerable_replies, request.user, pk)
    if reply.status == ReplyStatus.SUBMITTED:
        messages.warning(
            request,
            _("承認待ちの返答は変更できません。承認者の承認または差し戻しをお待ちください。"),
        )
        return redirect("policies:year_detail", reply.year_id)
    return _reply_form(request, reply.year, reply)


@require_POST
@answer
def reply_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reply = get_for_user_or_404(selectors.answerable_replies, request.user, pk)
    try:
        services.submit_reply(actor=request.user, reply=reply)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("所属長に承認を依頼しました。"))
    return redirect("policies:year_detail", reply.year_id)


# --- approval (the head of the responsible unit) -------------------------------------------


@approve
def approval_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "policies/approval_queue.html",
        {"replies": list(selectors.approval_queue(request.user))},
    )


@approve
def reply_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    reply = get_for_user_or_404(selectors.approvable_replies, user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve_it = request.POST.get("decision") == "approve"
        try:
            services.decide_reply(
                actor=user, reply=reply, approve=approve_it, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form.add_error("note" if not approve_it else None, exc)
        else:
            if approve_it:
                messages.success(request, _("返答を承認しました。"))
            else:
                messages.success(request, _("返答を差し戻しました。"))
            return redirect("policies:approval_queue")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "policies/reply_decide.html",
        {
            "reply": reply,
            "year": reply.year,
            "comments": list(
                reply.comments.select_related("heading").order_by("heading__order", "order", "pk")
            ),
            "countermeasures": list(reply.countermeasures.select_related("problem")),
            "report_url": report_url(reply.evidence_report),
            "form": form,
        },
        status=status,
    )


# --- published versions (read) ---------------------------------------------------------------


@view
def version_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    year = get_for_user_or_404(selectors.visible_years, request.user, pk)
    return render(
        request,
        "policies/version_list.html",
        {
            "year": year,
            "versions": list(selectors.publications(year)),
            "can_manage": selectors.can_manage(request.user),
        },
    )


@view
def version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    publication = get_for_user_or_404(selectors.visible_publications, request.user, pk)
    latest = selectors.publications(publication.year).values_list("version", flat=True).first()
    return render(
        request,
        "policies/version_detail.html",
        {"publication": publication, "year": publication.year, "latest": latest},
    )


@view
def version_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    publication = get_for_user_or_404(selectors.visible_publications, request.user, pk)
    year = publication.year
    filename = f"{year.policy.code}-{year.fiscal_year}-v{publication.version}.html"
    return download(
        publication.html.encode("utf-8"),
        filename=filename,
        content_type="text/html; charset=utf-8",
        actor=request.user,
        object_type="policies.publication",
        object_repr=f"{year} v{publication.version} ({publication.sha256[:12]})",
    )

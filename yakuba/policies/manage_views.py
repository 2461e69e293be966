"""The planning unit's pages (MANAGE_POLICIES): policies, years and their internal
evaluation, comments (by hand and imported), headings, the contact block, publication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.policies import importing, publishing, selectors, services
from yakuba.policies.forms import (
    CommentForm,
    ContactForm,
    EvaluationForm,
    HeadingForm,
    ImportForm,
    PolicyForm,
    PublishForm,
    YearForm,
)
from yakuba.policies.models import Comment, CommentHeading, Policy, PolicyYear, UnitContact

manage = capability_required(Capability.MANAGE_POLICIES)


def _status(request: AuthenticatedHttpRequest) -> int:
    return 400 if request.method == "POST" else 200


def _policy_form(request: AuthenticatedHttpRequest, policy: Policy | None) -> HttpResponse:
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.POLICY_FIELDS}
        try:
            saved = services.save_policy(actor=request.user, policy=policy, values=values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("施策「%(name)s」を保存しました。") % {"name": saved})
            return redirect("policies:policy_list")
    return render(
        request,
        "policies/policy_form.html",
        {"form": form, "policy": policy},
        status=_status(request),
    )


@manage
def policy_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _policy_form(request, None)


@manage
def policy_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _policy_form(request, get_for_user_or_404(selectors.visible_policies, request.user, pk))


@manage
def year_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy = get_for_user_or_404(selectors.visible_policies, request.user, pk)
    form = YearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            year = services.add_year(
                actor=request.user, policy=policy, fiscal_year=form.cleaned_data["fiscal_year"]
            )
        except ValidationError as exc:
            form.add_error("fiscal_year", exc)
        else:
            messages.success(request, _("%(year)sを追加しました。") % {"year": year.year_label})
            return redirect("policies:evaluation_edit", year.pk)
    return render(
        request,
        "policies/year_form.html",
        {"form": form, "policy": policy},
        status=_status(request),
    )


@manage
def evaluation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    year = get_for_user_or_404(selectors.managed_years, request.user, pk)
    form = EvaluationForm(request.POST or None, instance=year)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.EVALUATION_FIELDS}
        try:
            services.save_evaluation(
                actor=request.user, year=year, values=values, indicators=form.indicators()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("内部評価を保存しました。"))
            return redirect("policies:year_detail", year.pk)
    return render(
        request,
        "policies/evaluation_form.html",
        {"form": form, "year": year},
        status=_status(request),
    )


# --- comments ------------------------------------------------------------------------------


def _comment_form(
    request: AuthenticatedHttpRequest, year: PolicyYear, comment: Comment | None
) -> HttpResponse:
    form = CommentForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.COMMENT_FIELDS}
        try:
            services.save_comment(actor=request.user, year=year, comment=comment, values=values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("意見を保存しました。"))
            if request.POST.get("another") == "1":
                return redirect("policies:comment_create", year.pk)
            return redirect("policies:year_detail", year.pk)
    return render(
        request,
        "policies/comment_form.html",
        {"form": form, "year": year, "comment": comment},
        status=_status(request),
    )


@manage
def comment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    year = get_for_user_or_404(selectors.managed_years, request.user, pk)
    return _comment_form(request, year, None)


@manage
def comment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    comment = get_for_user_or_404(Comment.objects.select_related("year"), request.user, pk)
    return _comment_form(request, comment.year, comment)


@require_POST
@manage
def comment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    comment = get_for_user_or_404(Comment.objects.select_related("year"), request.user, pk)
    try:
        services.delete_comment(actor=request.user, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("意見を削除しました。"))
    return redirect("policies:year_detail", comment.year_id)


@manage
def comment_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload → preview (every problem, or what would be added) → confirm → write."""
    context: dict[str, Any] = {"form": ImportForm()}
    if request.method == "POST" and request.POST.get("token"):
        try:
            planned = importing.unsign(request.POST["token"])
        except signing.BadSignature:
            messages.error(
                request, _("確認画面の有効期限が切れました。もう一度ファイルを選んでください。")
            )
            return redirect("policies:comment_import")
        applied = importing.apply(actor=request.user, planned=planned)
        messages.success(
            request,
            _(
                "意見を %(created)s 件取り込みました"
                "（登録済みのため追加しなかったもの %(skipped)s 件）。"
            )
            % {"created": applied.created, "skipped": applied.skipped},
        )
        return redirect("policies:policy_list")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            check = importing.check_file(upload.name, upload.read())
            context.update(check=check, filename=upload.name)
            if check.ok and check.planned:
                context["token"] = importing.sign(check)
                years = PolicyYear.objects.select_related("policy").in_bulk(
                    {p.year_id for p in check.planned}
                )
                headings = CommentHeading.objects.in_bulk({p.heading_id for p in check.planned})
                context["preview"] = [
                    (p, years[p.year_id], headings[p.heading_id]) for p in check.planned
                ]
            status = 200 if check.ok else 400
            return render(request, "policies/comment_import.html", context, status=status)
        return render(request, "policies/comment_import.html", context, status=400)
    context["headings"] = list(selectors.headings())
    return render(request, "policies/comment_import.html", context)


# --- headings and the contact block --------------------------------------------------------


@manage
def heading_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = HeadingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.HEADING_FIELDS}
        services.save_heading(actor=request.user, heading=None, values=values)
        messages.success(request, _("見出しを追加しました。"))
        return redirect("policies:heading_list")
    return render(
        request,
        "policies/heading_list.html",
        {"form": form, "headings": list(selectors.headings())},
        status=_status(request),
    )


@manage
def heading_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    heading = get_for_user_or_404(CommentHeading.objects.all(), request.user, pk)
    form = HeadingForm(request.POST or None, instance=heading)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.HEADING_FIELDS}
        services.save_heading(actor=request.user, heading=heading, values=values)
        messages.success(request, _("見出しを保存しました。"))
        return redirect("policies:heading_list")
    return render(
        request,
        "policies/heading_form.html",
        {"form": form, "heading": heading},
        status=_status(request),
    )


@manage
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy = get_for_user_or_404(selectors.visible_policies, request.user, pk)
    unit = policy.responsible_unit
    row = UnitContact.objects.filter(unit=unit).first()
    form = ContactForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.CONTACT_FIELDS}
        services.save_contact(actor=request.user, unit=unit, values=values)
        messages.success(request, _("%(unit)sの問い合わせ先を保存しました。") % {"unit": unit.name})
        return redirect("policies:policy_list")
    return render(
        request,
        "policies/contact_form.html",
        {"form": form, "policy": policy, "unit": unit},
        status=_status(request),
    )


# --- publication ---------------------------------------------------------------------------


@manage
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    year = get_for_user_or_404(selectors.managed_years, request.user, pk)
    form = PublishForm(request.POST or None, initial={"page_date": timezone.localdate()})
    problems = services.publication_problems(year)
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.publish(
                actor=request.user,
                year=year,
                page_date=form.cleaned_data["page_date"],
                note=form.cleaned_data["note"],
            )
        except services.NotReady as exc:
            problems = exc.messages
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "公開ページの第%(version)s版を作成しました。ダウンロードしてWeb担当に渡してください。"
                )
                % {"version": publication.version},
            )
            return redirect("policies:version_detail", publication.pk)
    body = ""
    if not problems:
        day = form.cleaned_data["page_date"] if form.is_bound and form.is_valid() else None
        _document, body = services.preview(year, day)
    versions = list(selectors.publications(year))
    contact = publishing.contact_for(year.policy.responsible_unit)
    return render(
        request,
        "policies/publish.html",
        {
            "year": year,
            "form": form,
            "problems": problems,
            "preview_body": body,
            "versions": versions,
            "contact_missing": not (contact.address and (contact.phone or contact.email)),
        },
        status=_status(request),
    )

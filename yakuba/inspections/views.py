"""Self-inspection pages for the person, the unit head and infosec (answering, review,
findings, heat map, report). Management of checklists and rounds is in `manage_views`.

Thin: forms validate, services write (and check who may), selectors scope every read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core import charts
from yakuba.core.downloads import download
from yakuba.core.permissions import (
    capability_required,
    get_for_user_or_404,
    login_required,
    parse_pk,
)
from yakuba.core.tabular import XLSX_CONTENT_TYPE
from yakuba.inspections import evidence as evidence_rules
from yakuba.inspections import exporting, heatmap, selectors, services
from yakuba.inspections.forms import AnswerForm, FindingForm, ReviewForm
from yakuba.inspections.models import (
    UNRESOLVED_FINDINGS,
    Answer,
    Finding,
    FindingStatus,
    Round,
    RoundStatus,
    Sheet,
    SheetStatus,
)
from yakuba.org.models import Staff
from yakuba.security.scope import staff_in_scope

VIEW = Capability.VIEW_INSPECTIONS
MANAGE = Capability.MANAGE_INSPECTIONS
REVIEW = Capability.REVIEW_INSPECTIONS


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if selectors.can(request.user, VIEW) or selectors.can_manage(request.user):
        return redirect("inspections:round_list")
    return redirect("inspections:mine")


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    sheets = selectors.my_sheets(request.user).select_related("round", "checklist")
    staff = getattr(request.user, "staff", None)
    owned = (
        Finding.objects.filter(owner=staff, status__in=UNRESOLVED_FINDINGS)
        .select_related("item", "unit", "round")
        .order_by("due_on")
        if staff is not None
        else Finding.objects.none()
    )
    return render(
        request,
        "inspections/mine.html",
        {
            "sheets": sheets.order_by("-round__opens_on"),
            "owned": owned,
            "today": timezone.localdate(),
        },
    )


def _answers(sheet: Sheet) -> list[Answer]:
    return list(
        sheet.answers.select_related(
            "item__section", "previous_finding__round", "finding"
        ).order_by("item__section__order", "item__order", "item__code")
    )


def _sections(
    answers: list[Answer], forms: dict[int, AnswerForm] | None = None
) -> list[dict[str, Any]]:
    grouped: list[dict[str, Any]] = []
    for answer in answers:
        section = answer.item.section
        if not grouped or grouped[-1]["section"].pk != section.pk:
            grouped.append({"section": section, "rows": []})
        grouped[-1]["rows"].append(
            {"answer": answer, "form": forms.get(answer.item_id) if forms else None}
        )
    return grouped


@login_required
def sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The person answers their own sheet (anyone else: 404)."""
    obj = get_for_user_or_404(selectors.my_sheets, request.user, pk)
    answers = _answers(obj)
    forms = {
        a.item_id: AnswerForm(
            request.POST or None,
            request.FILES or None,
            prefix=f"i{a.item_id}",
            initial={"value": a.value, "comment": a.comment},
        )
        for a in answers
    }
    if request.method == "POST":
        if not obj.editable:
            raise PermissionDenied("sheet not editable")
        if all([f.is_valid() for f in forms.values()]):  # every form, for its errors
            inputs = {
                item_id: services.AnswerInput(
                    value=f.cleaned_data["value"],
                    comment=f.cleaned_data["comment"],
                    upload=f.cleaned_data.get("evidence"),
                    remove_evidence=f.cleaned_data["remove_evidence"],
                )
                for item_id, f in forms.items()
            }
            submit = "submit" in request.POST
            try:
                saved = services.save_answers(request.user, obj, inputs, submit=submit)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                if saved.submitted:
                    messages.success(request, _("回答を提出しました。所属長が確認します。"))
                elif saved.missing and submit:
                    messages.error(
                        request,
                        _(
                            "回答を一時保存しました。回答していない項目があるため提出していません：%(codes)s"
                        )
                        % {"codes": "、".join(saved.missing)},
                    )
                else:
                    messages.success(request, _("回答を一時保存しました。"))
                return redirect("inspections:sheet", pk=obj.pk)
        else:
            messages.error(
                request, _("入力に誤りがあります。各項目のメッセージを確認してください。")
            )
    return render(
        request,
        "inspections/sheet.html",
        {
            "sheet": obj,
            "sections": _sections(answers, forms if obj.editable else None),
            "editable": obj.editable,
            "evidence_limit": evidence_rules.size_text(evidence_rules.max_bytes()),
            "answered": sum(1 for a in answers if a.value),
            "total": len(answers),
        },
    )


def _sheet_context(obj: Sheet) -> dict[str, Any]:
    answers = _answers(obj)
    return {
        "sheet": obj,
        "sections": _sections(answers),
        "answered": sum(1 for a in answers if a.value),
        "total": len(answers),
    }


@capability_required(VIEW, MANAGE)
def sheet_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A sheet read by its unit head, infosec or the auditor (read-only)."""
    obj = get_for_user_or_404(
        selectors.viewable_sheets(request.user).select_related("round", "staff", "unit"),
        request.user,
        pk,
    )
    context = _sheet_context(obj)
    context["can_review"] = (
        obj.status == SheetStatus.SUBMITTED
        and selectors.reviewable_sheets(request.user).filter(pk=obj.pk).exists()
        and obj.staff_id != getattr(getattr(request.user, "staff", None), "pk", None)
    )
    return render(request, "inspections/sheet_view.html", context)


@capability_required(REVIEW, MANAGE)
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    own = getattr(getattr(request.user, "staff", None), "pk", None)
    waiting = (
        selectors.reviewable_sheets(request.user)
        .filter(status=SheetStatus.SUBMITTED, round__status=RoundStatus.OPEN)
        .select_related("round", "staff", "unit")
        .order_by("submitted_at")
    )
    if own is not None:  # one's own sheet is confirmed by someone else
        waiting = waiting.exclude(staff_id=own)
    return render(request, "inspections/review_list.html", {"sheets": waiting})


@capability_required(REVIEW, MANAGE)
def review_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = get_for_user_or_404(
        selectors.reviewable_sheets(request.user).select_related("round", "staff", "unit"),
        request.user,
        pk,
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirm = "confirm" in request.POST
        try:
            services.review_sheet(
                request.user, obj, confirm=confirm, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)sさんの回答票を確認しました。") % {"name": obj.staff.name}
                if confirm
                else _("%(name)sさんの回答票を差し戻しました。") % {"name": obj.staff.name},
            )
            return redirect("inspections:review_list")
    context = _sheet_context(obj)
    context["form"] = form
    return render(request, "inspections/review_sheet.html", context)


@login_required
def evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An evidence file, to those who may see it (else 404); every download audited."""
    answer = get_for_user_or_404(
        selectors.evidence_answers(request.user).select_related("sheet__staff", "item"),
        request.user,
        pk,
    )
    name = answer.evidence.name
    if not name or not default_storage.exists(name):
        raise Http404
    with default_storage.open(name, "rb") as handle:
        body = handle.read()
    return download(
        body,
        filename=answer.evidence_name or "evidence",
        content_type=answer.evidence_type or "application/octet-stream",
        actor=request.user,
        object_type="inspections.answer",
        object_repr=f"evidence {answer.item.code} of {answer.sheet.staff}",
    )


def _finding_filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "") for k in ("status", "round", "overdue", "mine")}


@login_required
def finding_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = _finding_filters(request)
    findings = selectors.visible_findings(request.user).select_related(
        "unit", "item", "owner", "round"
    )
    today = timezone.localdate()
    if filters["status"] in FindingStatus.values:
        findings = findings.filter(status=filters["status"])
    elif filters["status"] != "all":
        findings = findings.filter(status__in=UNRESOLVED_FINDINGS)
    if filters["round"]:
        # Not an id (or out of range for the database): no round has it, no 500.
        round_id = parse_pk(filters["round"])
        findings = findings.filter(round_id=round_id) if round_id else findings.none()
    if filters["overdue"]:
        findings = findings.filter(status__in=UNRESOLVED_FINDINGS, due_on__lt=today)
    staff = getattr(request.user, "staff", None)
    if filters["mine"] and staff is not None:
        findings = findings.filter(owner=staff)
    return render(
        request,
        "inspections/finding_list.html",
        {
            "findings": findings.order_by("due_on", "pk")[:500],
            "filters": filters,
            "statuses": FindingStatus.choices,
            "rounds": Round.objects.exclude(status=RoundStatus.DRAFT).order_by("-opens_on"),
            "today": today,
        },
    )


@login_required
def finding_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = get_for_user_or_404(
        selectors.visible_findings(request.user).select_related(
            "unit", "item__section", "owner", "round", "answer__sheet__staff", "previous__round"
        ),
        request.user,
        pk,
    )
    can_work = services.can_work_on(request.user, finding)
    statuses = services.allowed_statuses(request.user, finding)
    can_assign = selectors.can_manage(request.user) or (
        selectors.can(request.user, REVIEW) and can_work
    )
    owners = (
        Staff.objects.filter(active=True).order_by("unit__path", "staff_number")
        if selectors.can_manage(request.user)
        else staff_in_scope(request.user, REVIEW).filter(active=True).order_by("staff_number")
    )
    form = FindingForm(
        request.POST or None,
        finding=finding,
        statuses=statuses,
        can_assign=can_assign,
        owners=owners,
    )
    if request.method == "POST":
        if not (can_work or selectors.can_manage(request.user)):
            raise PermissionDenied("read-only finding")
        if form.is_valid():
            try:
                services.update_finding(request.user, finding, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("指摘事項を更新しました。"))
                return redirect("inspections:finding_detail", pk=finding.pk)
    rechecks = list(
        finding.rechecks.select_related("sheet__round").order_by("sheet__round__opens_on")
    )
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "form": form if (can_work or selectors.can_manage(request.user)) else None,
            "rechecks": rechecks,
            "today": timezone.localdate(),
            "evidence_visible": selectors.evidence_answers(request.user)
            .filter(pk=finding.answer_id)
            .exists(),
        },
    )


def _chosen_round(request: HttpRequest) -> Round | None:
    launched = Round.objects.exclude(status=RoundStatus.DRAFT)
    pk = parse_pk(request.GET.get("round", ""))
    if pk is not None:
        found = launched.filter(pk=pk).first()
        if found is not None:
            return found
    return launched.order_by("-opens_on", "-pk").first()


def trend_chart(trend: heatmap.Trend) -> SafeString:
    if len(trend.rounds) < 2:
        return SafeString("")
    return charts.line_chart(
        charts.Chart(
            title=_("自己点検の推移：「実施している」の割合（全体、%）"),
            categories=[r.period_label or r.title for r in trend.rounds],
            series=[charts.Series(_("全体"), [c.percent for c in trend.overall], charts.BLUE)],
            unit="%",
            y_max=100,
            chart_id="inspections-trend",
        )
    )


@capability_required(VIEW)
def heatmap_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = _chosen_round(request)
    built = heatmap.build(request.user, chosen) if chosen else None
    trend = heatmap.trend(request.user, chosen) if chosen else None
    return render(
        request,
        "inspections/heatmap.html",
        {
            "round": chosen,
            "map": built,
            "trend": trend,
            "chart": trend_chart(trend) if trend else "",
            "rounds": Round.objects.exclude(status=RoundStatus.DRAFT).order_by("-opens_on"),
        },
    )


@capability_required(VIEW)
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = _chosen_round(request)
    built = heatmap.committee_report(request.user, chosen) if chosen else None
    return render(
        request,
        "inspections/report.html",
        {
            "round": chosen,
            "report": built,
            "chart": trend_chart(built.trend) if built else "",
            "rounds": Round.objects.exclude(status=RoundStatus.DRAFT).order_by("-opens_on"),
        },
    )


@capability_required(VIEW)
def report_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = _chosen_round(request)
    if chosen is None:
        raise Http404
    built = heatmap.committee_report(request.user, chosen)
    return download(
        lambda: exporting.report_xlsx(built),
        filename=f"self-inspection-report-{chosen.opens_on:%Y-%m}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="inspections.round",
        object_repr=f"committee report {chosen} (xlsx)",
    )


@capability_required(VIEW, MANAGE)
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/round_list.html",
        {
            "rounds": selectors.visible_rounds(request.user).prefetch_related(
                Prefetch("checklists")
            ),
            "can_manage": selectors.can_manage(request.user),
            "can_review": selectors.can_review(request.user),
        },
    )

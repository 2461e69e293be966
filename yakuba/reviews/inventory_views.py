"""The inventory pages (棚卸し): procedures and their import, recurring meetings and their
cost, the hourly staff-cost rates. Thin: forms validate, services write, selectors scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.core.tabular import XLSX_CONTENT_TYPE
from yakuba.org.models import Unit
from yakuba.org.positions import LEVELS, level_label
from yakuba.reviews import inventory_selectors as selectors
from yakuba.reviews import inventory_services as services
from yakuba.reviews.import_models import ImportState, ProcedureImport
from yakuba.reviews.inventory_forms import (
    ConfirmForm,
    HourlyRatesForm,
    InventoryUploadForm,
    ProcedureFilterForm,
)
from yakuba.reviews.inventory_import import COLUMNS, REQUIRED, template_xlsx
from yakuba.reviews.inventory_tasks import refresh_meeting_series_task
from yakuba.reviews.meeting_costs import DEFAULT_RATES
from yakuba.reviews.series import current_rates

READ = selectors.READ_CAPABILITIES
MANAGE = Capability.MANAGE_REVIEW_INVENTORY
PER_PAGE = 50
PROBLEMS_PER_PAGE = 50


@capability_required(*READ)
def procedure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProcedureFilterForm(
        request.GET or None,
        departments=selectors.department_choices(user),
        units=selectors.unit_choices(user),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    procedures = selectors.filter_procedures(
        selectors.visible_procedures(user),
        query=filters.get("q", ""),
        department=filters.get("department"),
        unit=filters.get("unit"),
        seal=filters.get("seal", ""),
        paper=filters.get("paper", ""),
        in_person=filters.get("in_person", ""),
        include_inactive=bool(filters.get("inactive")),
    )
    page = Paginator(procedures, PER_PAGE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "reviews/procedure_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring.urlencode(),
            "can_manage": user.can(MANAGE),
        },
    )


@capability_required(MANAGE)
def procedure_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InventoryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.start_import(actor=request.user, filename=upload.name, data=upload.read())
        return redirect("reviews:procedure_import_detail", pk=batch.pk)
    recent = ProcedureImport.objects.select_related("created_by")[:10]
    return render(
        request,
        "reviews/procedure_import.html",
        {"form": form, "recent": recent, "columns": COLUMNS, "required": REQUIRED},
    )


def _import_context(request: HttpRequest, batch: ProcedureImport) -> dict[str, Any]:
    page = Paginator(batch.problems or [], PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    summary = batch.summary or {}
    changes: list[dict[str, Any]] = []
    change_page = None
    if batch.state == ImportState.READY:
        # What confirming would write: the new and changed procedures, a page at a time.
        changing = [r for r in batch.rows or [] if r.get("change") != "unchanged"]
        change_page = Paginator(changing, PER_PAGE).get_page(request.GET.get("changes"))
        units = Unit.objects.in_bulk({r["unit_id"] for r in change_page.object_list})
        changes = [
            r | {"unit_name": units[r["unit_id"]].name if r["unit_id"] in units else ""}
            for r in change_page.object_list
        ]
    return {
        "changes": changes,
        "change_page": change_page,
        "batch": batch,
        "summary": summary,
        "problems": page.object_list,
        "problem_page": page,
        "problems_total": summary.get("problems", len(batch.problems or [])),
        "result": batch.result,
        "confirm_form": ConfirmForm(),
    }


@capability_required(MANAGE)
def procedure_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_for_user_or_404(ProcedureImport.objects.all(), request.user, pk)
    return render(request, "reviews/procedure_import_detail.html", _import_context(request, batch))


@capability_required(MANAGE)
def procedure_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment polled while the task checks or writes the file."""
    batch = get_for_user_or_404(ProcedureImport.objects.all(), request.user, pk)
    return render(
        request, "reviews/partials/procedure_import_status.html", _import_context(request, batch)
    )


@require_POST
@capability_required(MANAGE)
def procedure_import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_for_user_or_404(ProcedureImport.objects.all(), request.user, pk)
    form = ConfirmForm(request.POST)
    deactivate = form.is_valid() and bool(form.cleaned_data["deactivate_missing"])
    try:
        services.confirm_import(actor=request.user, batch=batch, deactivate_missing=deactivate)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        batch.refresh_from_db()
        if batch.state == ImportState.DONE:
            messages.success(request, _("棚卸し表を取り込みました。"))
    return redirect("reviews:procedure_import_detail", pk=batch.pk)


@capability_required(*READ)
def procedure_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The empty inventory (headers and an example row): nothing of the office's in it."""
    return download(
        template_xlsx,
        filename=_("手続の棚卸し表（様式）.xlsx"),
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="reviews.procedure",
        audit=False,
    )


@capability_required(*READ)
def meeting_series_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    series = selectors.visible_series(user).filter(active=True)
    ordered = series.order_by("-cost_per_year_yen", "title", "pk")
    page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("page"))
    totals = series.aggregate(year=Sum("cost_per_year_yen"))
    rates = current_rates()
    return render(
        request,
        "reviews/meeting_series_list.html",
        {
            "page": page,
            "total_per_year": totals["year"] or 0,
            "rates": [(level_label(level), rates[level]) for level in LEVELS],
            "can_manage": user.can(MANAGE),
            "refreshed_at": series.order_by("-refreshed_at")
            .values_list("refreshed_at", flat=True)
            .first(),
        },
    )


@require_POST
@capability_required(MANAGE)
def meeting_series_refresh(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.require_inventory_manager(request.user)
    refresh_meeting_series_task.enqueue(request.user.pk)
    messages.success(
        request,
        _("定例会議の集計を始めました。数分で一覧に反映されます（会議が少なければすぐに）。"),
    )
    return redirect("reviews:meeting_series_list")


@capability_required(MANAGE)
def hourly_rates(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = current_rates()
    form = HourlyRatesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = services.save_rates(actor=request.user, rates=form.rates())
        if changed:
            refresh_meeting_series_task.enqueue(request.user.pk)
            messages.success(
                request,
                _("時間単価を保存しました。定例会議の費用を計算し直しています。"),
            )
        else:
            messages.info(request, _("変更はありませんでした。"))
        return redirect("reviews:hourly_rates")
    return render(
        request,
        "reviews/hourly_rates.html",
        {"form": form, "defaults": DEFAULT_RATES},
    )

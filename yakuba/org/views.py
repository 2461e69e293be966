"""Organisation screens. Thin: forms validate, services write, selectors scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.downloads import download, table_download
from yakuba.core.permissions import (
    capability_required,
    get_for_user_or_404,
    login_required,
    parse_pk,
)
from yakuba.core.tabular import XLSX_CONTENT_TYPE
from yakuba.org import exporting, picker, preview, selectors, services
from yakuba.org.forms import (
    CounterForm,
    ExportForm,
    ImportUploadForm,
    PreviewFilterForm,
    SkillForm,
    StaffForm,
    StaffSearchForm,
    UnitForm,
)
from yakuba.org.imports import LeaversNotConfirmed, confirm_import, start_import
from yakuba.org.models import Counter, ImportBatch, ImportStatus, Skill, Staff, Unit
from yakuba.org.tasks import needs_leaver_confirmation


@capability_required(Capability.VIEW_ORG)
def unit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    units = list(
        selectors.search_units(request.user, query).annotate(
            staff_count=Count("staff", distinct=True)
        )
    )
    return render(
        request,
        "org/unit_list.html",
        {
            "units": units,
            "q": query,
            "can_create": request.user.is_office_wide and request.user.can(Capability.EDIT_ORG),
        },
    )


@capability_required(Capability.VIEW_ORG)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_for_user_or_404(selectors.visible_units, request.user, pk)
    staff = selectors.visible_staff(request.user).filter(unit=unit).prefetch_related("skills")
    can_edit = selectors.editable_units(request.user).filter(pk=unit.pk).exists()
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit.ancestors(),
            "children": unit.children.all(),
            "staff": staff,
            "counters": unit.counters.prefetch_related("required_skills"),
            "can_edit": can_edit,
        },
    )


def _unit_form_view(request: AuthenticatedHttpRequest, unit: Unit | None) -> HttpResponse:
    can_restructure = request.user.is_office_wide
    form = UnitForm(
        request.POST or None,
        instance=unit,
        parents=Unit.objects.all() if can_restructure else selectors.visible_units(request.user),
        can_restructure=can_restructure,
    )
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.fields}
        saved = services.save_unit(actor=request.user, unit=unit, values=values)
        messages.success(request, _("所属「%(name)s」を保存しました。") % {"name": saved.name})
        return redirect("org:unit_detail", pk=saved.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


@capability_required(Capability.EDIT_ORG)
def unit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_office_wide:
        raise PermissionDenied("only office-wide roles create units")
    return _unit_form_view(request, None)


@capability_required(Capability.EDIT_ORG)
def unit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_for_user_or_404(selectors.editable_units, request.user, pk)
    return _unit_form_view(request, unit)


@capability_required(Capability.VIEW_ORG)
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = selectors.visible_units(request.user)
    form = StaffSearchForm(request.GET or None, units=units)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "query": form.cleaned_data["q"],
            "unit": form.cleaned_data["unit"],
            "employment_type": form.cleaned_data["employment_type"],
            "skill_id": form.cleaned_data["skill"].pk if form.cleaned_data["skill"] else None,
            "include_inactive": form.cleaned_data["inactive"],
        }
    staff = selectors.search_staff(request.user, **filters)
    page = Paginator(staff, 50).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    template = "org/partials/staff_results.html" if request.htmx else "org/staff_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "querystring": querystring.urlencode(),
            "can_create": request.user.can(Capability.EDIT_ORG),
        },
    )


@capability_required(Capability.VIEW_ORG)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_for_user_or_404(
        selectors.visible_staff(request.user).select_related("unit"), request.user, pk
    )
    can_edit = selectors.editable_staff(request.user).filter(pk=pk).exists()
    return render(
        request,
        "org/staff_detail.html",
        {
            "staff": staff,
            "can_edit": can_edit,
            # Accounts of staff records: HR and the system administrator (accounts.provisioning).
            "can_provision": request.user.is_authenticated
            and request.user.can(Capability.PROVISION_ACCOUNTS),
        },
    )


def _staff_form_view(request: AuthenticatedHttpRequest, staff: Staff | None) -> HttpResponse:
    units = selectors.editable_units(request.user)
    form = StaffForm(request.POST or None, instance=staff, units=units)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.fields if k != "skills"}
        saved = services.save_staff(
            actor=request.user, staff=staff, values=values, skills=form.cleaned_data["skills"]
        )
        messages.success(request, _("職員「%(name)s」を保存しました。") % {"name": saved.name})
        return redirect("org:staff_detail", pk=saved.pk)
    return render(request, "org/staff_form.html", {"form": form, "staff": staff})


@capability_required(Capability.EDIT_ORG)
def staff_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _staff_form_view(request, None)


@capability_required(Capability.EDIT_ORG)
def staff_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    staff = get_for_user_or_404(selectors.editable_staff, request.user, pk)
    return _staff_form_view(request, staff)


@capability_required(Capability.VIEW_ORG)
def counter_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    counters = (
        selectors.visible_counters(request.user)
        .select_related("unit")
        .prefetch_related("required_skills")
    )
    return render(
        request,
        "org/counter_list.html",
        {
            "counters": counters,
            "can_create": request.user.can(Capability.EDIT_ORG),
        },
    )


def _counter_form_view(request: AuthenticatedHttpRequest, counter: Counter | None) -> HttpResponse:
    form = CounterForm(
        request.POST or None, instance=counter, units=selectors.editable_units(request.user)
    )
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.fields if k != "required_skills"}
        saved = services.save_counter(
            actor=request.user,
            counter=counter,
            values=values,
            required_skills=form.cleaned_data["required_skills"],
        )
        messages.success(request, _("窓口「%(name)s」を保存しました。") % {"name": saved.name})
        return redirect("org:counter_list")
    return render(request, "org/counter_form.html", {"form": form, "counter": counter})


@capability_required(Capability.EDIT_ORG)
def counter_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _counter_form_view(request, None)


@capability_required(Capability.EDIT_ORG)
def counter_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    counter = get_for_user_or_404(
        Counter.objects.filter(unit__in=selectors.editable_units(request.user)), request.user, pk
    )
    return _counter_form_view(request, counter)


@capability_required(Capability.VIEW_ORG)
def skill_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    can_edit = request.user.is_office_wide and request.user.can(Capability.EDIT_ORG)
    form = SkillForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("only HR or a system admin edits the skill list")
        if form.is_valid():
            skill = services.save_skill(actor=request.user, skill=None, values=form.cleaned_data)
            messages.success(
                request, _("スキル「%(name)s」を追加しました。") % {"name": skill.name}
            )
            return redirect("org:skill_list")
    skills = Skill.objects.annotate(staff_count=Count("staff", distinct=True))
    return render(request, "org/skill_list.html", {"skills": skills, "form": form})


@capability_required(Capability.IMPORT_ORG)
def import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = start_import(
            actor=request.user,
            filename=upload.name,
            data=upload.read(),
            effective_date=form.cleaned_data["effective_date"],
            complete_list=form.cleaned_data["complete_list"],
        )
        return redirect("org:import_detail", pk=batch.pk)
    recent = ImportBatch.objects.select_related("created_by")[:10]
    return render(request, "org/import_start.html", {"form": form, "recent": recent})


# Problems listed per page of the preview (at most IMPORT_MAX_ERRORS are kept in all).
ERRORS_PER_PAGE = 50
# People listed per page of the preview (moves, joiners, leavers…).
CHANGES_PER_PAGE = 50


def _changes_context(request: HttpRequest, batch: ImportBatch) -> dict[str, Any]:
    """The preview's list of people: one page, narrowed by kind and unit (four queries
    whatever the size of the file)."""
    if batch.status not in (ImportStatus.READY, ImportStatus.DONE, ImportStatus.APPLYING):
        return {}
    form = PreviewFilterForm(request.GET or None, units=preview.units_in(batch))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = preview.rows_of(
        batch,
        kind=filters.get("kind", ""),
        unit=filters.get("unit", ""),
        side=filters.get("side", ""),
    )
    page = Paginator(rows, CHANGES_PER_PAGE).get_page(request.GET.get("changes_page"))
    for change in page.object_list:
        change.described = preview.describe_fields(change.fields)
    querystring = request.GET.copy()
    querystring.pop("changes_page", None)
    people = (batch.summary or {}).get("people", {})
    return {
        "filter_form": form,
        "change_page": page,
        "changes": page.object_list,
        "changes_query": querystring.urlencode(),
        "people": people,
        "leaving": needs_leaver_confirmation(batch.summary or {}),
    }


def _batch_context(request: HttpRequest, batch: ImportBatch) -> dict[str, Any]:
    page = Paginator(batch.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    summary = batch.summary or {}
    return _changes_context(request, batch) | {
        "batch": batch,
        "errors": page.object_list,
        "error_page": page,
        "errors_total": summary.get("errors", len(batch.errors or [])),
        "errors_omitted": summary.get("errors_omitted", 0),
        "summary": summary,
        "result": batch.result,
    }


@capability_required(Capability.IMPORT_ORG)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_for_user_or_404(ImportBatch.objects.all(), request.user, pk)
    return render(request, "org/import_detail.html", _batch_context(request, batch))


@capability_required(Capability.IMPORT_ORG)
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment polled while the task checks or applies the file."""
    batch = get_for_user_or_404(ImportBatch.objects.all(), request.user, pk)
    return render(request, "org/partials/import_status.html", _batch_context(request, batch))


@require_POST
@capability_required(Capability.IMPORT_ORG)
def import_apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_for_user_or_404(ImportBatch.objects.all(), request.user, pk)
    if batch.status != ImportStatus.READY:
        messages.error(request, _("この取り込みは確定できる状態ではありません。"))
        return redirect("org:import_detail", pk=batch.pk)
    confirmed = None
    if request.POST.get("confirm_leavers"):
        confirmed = parse_pk(request.POST.get("leavers"))
    try:
        confirm_import(actor=request.user, batch=batch, leavers_confirmed=confirmed)
    except LeaversNotConfirmed:
        messages.error(
            request,
            _(
                "無効にするアカウントの一覧を確認し、確認の欄にチェックを入れてから確定してください。"
            ),
        )
    return redirect("org:import_detail", pk=batch.pk)


@capability_required(Capability.IMPORT_ORG)
def import_changes_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole preview as a spreadsheet for HR to check (CSV for Excel, or .xlsx)."""
    batch = get_for_user_or_404(ImportBatch.objects.all(), request.user, pk)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    encoding = "cp932" if request.GET.get("encoding") == "cp932" else "utf-8"
    return table_download(
        preview.csv_header(),
        list(preview.csv_rows(batch)),
        fmt=fmt,
        stem=f"yakuba-import-{batch.pk}-changes",
        encoding=encoding,
        actor=request.user,
        object_type="org.import",
        object_repr=f"#{batch.pk} {batch.filename}",
        changes={"import": batch.pk},
    )


@capability_required(Capability.EXPORT_ORG)
def export(request: HttpRequest) -> HttpResponse:
    return render(request, "org/export.html", {"form": ExportForm()})


@capability_required(Capability.EXPORT_ORG)
def export_download(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "org/export.html", {"form": form}, status=400)
    kind, encoding = form.cleaned_data["format"], form.cleaned_data["encoding"]
    units = selectors.visible_units(request.user)
    staff = selectors.visible_staff(request.user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    charset = "shift_jis" if encoding == "cp932" else "utf-8"
    if kind == "xlsx":
        produce = lambda: exporting.export_xlsx(units, staff)  # noqa: E731
        content_type, filename = XLSX_CONTENT_TYPE, f"yakuba-org-{stamp}.xlsx"
    elif kind == "staff_csv":
        produce = lambda: exporting.export_staff_csv(staff, encoding)  # noqa: E731
        content_type, filename = f"text/csv; charset={charset}", f"yakuba-staff-{stamp}.csv"
    else:
        produce = lambda: exporting.export_units_csv(units, encoding)  # noqa: E731
        content_type, filename = f"text/csv; charset={charset}", f"yakuba-units-{stamp}.csv"
    return download(
        produce,
        filename=filename,
        content_type=content_type,
        actor=request.user,
        object_type="org.export",
        changes={
            "format": kind,
            "encoding": encoding,
            "staff": staff.count(),
            "units": units.count(),
        },
    )


@login_required
def staff_picker(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search people the user may pick (``selectors.pickable_staff``: everyone sees their own
    division by name and unit; the directory scope of their role adds the rest). htmx asks
    for the results of one picker; a plain GET gets a page of its own."""
    units = selectors.pickable_units(request.user)
    numbers = request.user.can(Capability.VIEW_ORG)
    if request.headers.get("HX-Request"):
        field = picker.safe_name(request.GET.get("field"), "staff")
        result = picker.search(
            request.user,
            query=request.GET.get(f"{field}__q", ""),
            unit=request.GET.get(f"{field}__unit"),
            exclude=request.GET.getlist(field),
        )
        multiple = request.GET.get("multiple", "1") != "0"
        return render(
            request,
            "org/picker/response.html",
            {
                "result": result,
                "field": field,
                "id": picker.safe_name(request.GET.get("id"), f"id_{field}"),
                "input_type": "checkbox" if multiple else "radio",
            },
        )
    query = request.GET.get("q", "")[: picker.MAX_QUERY]
    unit = request.GET.get("unit")
    found = picker.search(request.user, query=query, unit=unit) if query or unit else None
    return render(
        request,
        "org/staff_picker.html",
        {
            "result": found,
            "query": query,
            "unit": parse_pk(unit),
            "units": units,
            "numbers": numbers,
        },
    )

"""Infosec's pages: checklists (edit, copy, Excel in and out, the starter set) and rounds
(create — also from the previous one —, launch, close). Readers (the auditor, unit heads)
see checklists and rounds without any button that writes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404, parse_pk
from yakuba.core.tabular import XLSX_CONTENT_TYPE
from yakuba.inspections import checklist_io, selectors, services
from yakuba.inspections.forms import (
    ChecklistForm,
    CopyChecklistForm,
    ImportForm,
    ItemForm,
    RoundForm,
    SectionForm,
)
from yakuba.inspections.models import (
    COUNTED_SHEETS,
    UNRESOLVED_FINDINGS,
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Finding,
    Round,
    RoundStatus,
    SheetStatus,
)
from yakuba.org.models import Unit
from yakuba.rosters.audience import Audience, AudienceForm, describe
from yakuba.security.scope import units_in_scope

VIEW = Capability.VIEW_INSPECTIONS
MANAGE = Capability.MANAGE_INSPECTIONS


# --- checklists ------------------------------------------------------------------------


@capability_required(VIEW, MANAGE)
def checklist_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    checklists = selectors.visible_checklists(request.user).annotate(
        item_count=Count("items", distinct=True),
        used=Count("round", filter=~Q(round__status=RoundStatus.DRAFT), distinct=True),
    )
    return render(
        request,
        "inspections/checklist_list.html",
        {"checklists": checklists, "can_manage": selectors.can_manage(request.user)},
    )


@capability_required(VIEW, MANAGE)
def checklist_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checklist = get_for_user_or_404(selectors.visible_checklists, request.user, pk)
    sections = checklist.sections.prefetch_related("items")
    return render(
        request,
        "inspections/checklist_detail.html",
        {
            "checklist": checklist,
            "sections": sections,
            "can_manage": selectors.can_manage(request.user),
            "in_use": services.in_use(checklist),
        },
    )


def _checklist_form(request: AuthenticatedHttpRequest, checklist: Checklist | None) -> HttpResponse:
    form = ChecklistForm(request.POST or None, instance=checklist)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_checklist(
                request.user, checklist, {k: form.cleaned_data[k] for k in form.Meta.fields}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("チェックリストを保存しました。"))
            return redirect("inspections:checklist_detail", pk=saved.pk)
    return render(
        request,
        "inspections/form.html",
        {"form": form, "title": _("チェックリスト"), "back": checklist},
    )


@capability_required(MANAGE)
def checklist_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _checklist_form(request, None)


@capability_required(MANAGE)
def checklist_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _checklist_form(
        request, get_for_user_or_404(selectors.visible_checklists, request.user, pk)
    )


@capability_required(MANAGE)
def checklist_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checklist = get_for_user_or_404(selectors.visible_checklists, request.user, pk)
    form = CopyChecklistForm(
        request.POST or None,
        initial={
            "code": f"{checklist.code}-2",
            "title": _("%(title)s（改訂）") % {"title": checklist.title},
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_checklist(
                request.user, checklist, form.cleaned_data["code"], form.cleaned_data["title"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("チェックリストを複製しました。"))
            return redirect("inspections:checklist_detail", pk=copy.pk)
    return render(
        request,
        "inspections/form.html",
        {"form": form, "title": _("チェックリストの複製"), "back": checklist},
    )


def _section_form(
    request: AuthenticatedHttpRequest, checklist: Checklist, section: ChecklistSection | None
) -> HttpResponse:
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_section(
                request.user,
                checklist,
                section,
                {k: form.cleaned_data[k] for k in form.Meta.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("区分を保存しました。"))
            return redirect("inspections:checklist_detail", pk=checklist.pk)
    return render(
        request, "inspections/form.html", {"form": form, "title": _("区分"), "back": checklist}
    )


@capability_required(MANAGE)
def section_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checklist = get_for_user_or_404(selectors.visible_checklists, request.user, pk)
    return _section_form(request, checklist, None)


@capability_required(MANAGE)
def section_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    section = get_for_user_or_404(
        ChecklistSection.objects.select_related("checklist"), request.user, pk
    )
    return _section_form(request, section.checklist, section)


def _item_form(
    request: AuthenticatedHttpRequest, checklist: Checklist, item: ChecklistItem | None
) -> HttpResponse:
    form = ItemForm(request.POST or None, instance=item, checklist=checklist)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_item(
                request.user,
                checklist,
                item,
                {k: form.cleaned_data[k] for k in services.ITEM_FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("点検項目を保存しました。"))
            return redirect("inspections:checklist_detail", pk=checklist.pk)
    return render(
        request, "inspections/form.html", {"form": form, "title": _("点検項目"), "back": checklist}
    )


@capability_required(MANAGE)
def item_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checklist = get_for_user_or_404(selectors.visible_checklists, request.user, pk)
    return _item_form(request, checklist, None)


@capability_required(MANAGE)
def item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_for_user_or_404(ChecklistItem.objects.select_related("checklist"), request.user, pk)
    return _item_form(request, item.checklist, item)


@require_POST
@capability_required(MANAGE)
def item_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_for_user_or_404(ChecklistItem.objects.select_related("checklist"), request.user, pk)
    try:
        services.delete_item(request.user, item)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("点検項目を削除しました。"))
    return redirect("inspections:checklist_detail", pk=item.checklist_id)


@capability_required(VIEW, MANAGE)
def checklist_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    checklists = list(selectors.visible_checklists(request.user).order_by("role", "code"))
    return download(
        lambda: checklist_io.to_xlsx(checklists),
        filename="self-inspection-checklists.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="inspections.checklist",
        object_repr=f"checklists ({len(checklists)}, xlsx)",
    )


@capability_required(MANAGE)
def checklist_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[checklist_io.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = checklist_io.parse(upload.name, upload.read())
            saved = checklist_io.apply(request.user, parsed)
        except checklist_io.ChecklistImportError as exc:
            problems = exc.problems
        else:
            messages.success(
                request, _("チェックリスト %(n)s 件を取り込みました。") % {"n": len(saved)}
            )
            return redirect("inspections:checklist_list")
    return render(
        request, "inspections/checklist_import.html", {"form": form, "problems": problems}
    )


@require_POST
@capability_required(MANAGE)
def install_starters(request: AuthenticatedHttpRequest) -> HttpResponse:
    made = services.install_starter_checklists(request.user)
    if made:
        messages.success(request, _("標準のチェックリストを %(n)s 件追加しました。") % {"n": made})
    else:
        messages.success(request, _("標準のチェックリストは既にあります。"))
    return redirect("inspections:checklist_list")


# --- rounds ----------------------------------------------------------------------------


def _round_form(request: AuthenticatedHttpRequest, round_: Round | None) -> HttpResponse:
    previous: Round | None = None
    initial: dict[str, Any] = {}
    audience_initial: dict[str, Any] = {}
    source = parse_pk(request.GET.get("from", ""))
    if round_ is None and source is not None:
        previous = Round.objects.filter(pk=source).first()
        if previous is not None:
            initial = services.next_round_values(previous)
            initial["checklists"] = list(previous.checklists.all())
            audience_initial = AudienceForm.initial_for(Audience.from_json(previous.audience))
    elif round_ is not None:
        previous = round_.previous
        audience_initial = AudienceForm.initial_for(Audience.from_json(round_.audience))
    form = RoundForm(request.POST or None, instance=round_, initial=initial or None)
    audience = AudienceForm(request.POST or None, prefix="audience", initial=audience_initial)
    if request.method == "POST" and form.is_valid() and audience.is_valid():
        values = {k: form.cleaned_data[k] for k in services.ROUND_FIELDS if k in form.cleaned_data}
        values["audience"] = audience.audience().to_json()
        values["previous"] = previous
        try:
            saved = services.save_round(
                request.user, round_, values, form.cleaned_data["checklists"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("自己点検「%(title)s」を保存しました。") % {"title": saved.title}
            )
            return redirect("inspections:round_detail", pk=saved.pk)
    return render(
        request,
        "inspections/round_form.html",
        {"form": form, "audience": audience, "round": round_, "previous": previous},
    )


@capability_required(MANAGE)
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _round_form(request, None)


@capability_required(MANAGE)
def round_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_for_user_or_404(selectors.visible_rounds, request.user, pk)
    if round_.status != RoundStatus.DRAFT:
        messages.error(request, _("開始した自己点検の設定は変更できません。"))
        return redirect("inspections:round_detail", pk=round_.pk)
    return _round_form(request, round_)


@capability_required(VIEW, MANAGE)
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_for_user_or_404(selectors.visible_rounds, request.user, pk)
    scope = units_in_scope(request.user, VIEW)
    progress = (
        round_.sheets.filter(unit__in=scope)
        .values("unit_id")
        .annotate(
            sheets=Count("pk"),
            submitted=Count("pk", filter=Q(status__in=COUNTED_SHEETS)),
            confirmed=Count("pk", filter=Q(status=SheetStatus.CONFIRMED)),
            returned=Count("pk", filter=Q(status=SheetStatus.RETURNED)),
        )
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[p["unit_id"] for p in progress])}
    rows: list[dict[str, Any]] = [{**p, "unit": units[p["unit_id"]]} for p in progress]
    rows.sort(key=lambda r: units[r["unit_id"]].path)
    carried = (
        Finding.objects.filter(
            unit__in=scope, status__in=UNRESOLVED_FINDINGS, round__opens_on__lt=round_.opens_on
        )
        .select_related("unit", "item", "owner", "round")
        .order_by("due_on")
    )
    return render(
        request,
        "inspections/round_detail.html",
        {
            "round": round_,
            "audience": describe(Audience.from_json(round_.audience)),
            "rows": rows,
            "carried": carried if round_.status != RoundStatus.DRAFT else [],
            "today": timezone.localdate(),
            "can_manage": selectors.can_manage(request.user),
        },
    )


@require_POST
@capability_required(MANAGE)
def round_launch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_for_user_or_404(selectors.visible_rounds, request.user, pk)
    try:
        launched = services.launch_round(request.user, round_)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _(
                "自己点検を開始しました（対象 %(n)s 人、"
                "前回からの未完了の指摘事項 %(c)s 件を再点検）。"
            )
            % {"n": launched.sheets, "c": launched.carried_over},
        )
    return redirect("inspections:round_detail", pk=round_.pk)


@require_POST
@capability_required(MANAGE)
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_for_user_or_404(selectors.visible_rounds, request.user, pk)
    try:
        services.close_round(request.user, round_)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("自己点検を終了しました。"))
    return redirect("inspections:round_detail", pk=round_.pk)

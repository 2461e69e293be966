"""Screens of the mapping step of an HR export, and of the saved mappings (presets).

Thin: the pages show the stored sample (a few rows, never the file), forms validate,
`org.mapped_imports` and `org.presets` write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, get_for_user_or_404, parse_pk
from yakuba.org import presets
from yakuba.org.mapped_imports import (
    MAPPABLE,
    NotMappable,
    choose_labels,
    choose_mapping,
    submit_mapping,
)
from yakuba.org.mapping import (
    SKIP,
    TARGET_LABELS,
    ColumnMapping,
    builtin_employment,
    detect_header_row,
    header_keys,
    mapping_problems,
    suggest,
)
from yakuba.org.mapping_forms import (
    ColumnMappingForm,
    EmploymentLabelsForm,
    PresetRenameForm,
    column_label,
)
from yakuba.org.models import EmploymentType, ImportBatch, ImportPreset

# Rows of data shown under the header on the mapping page.
SHOWN_ROWS = 8


@dataclass
class Source:
    """Where the header is in the stored sample, and what it looks like."""

    sheets: list[dict[str, Any]]
    sheet: int
    header_index: int

    @property
    def rows(self) -> list[list[Any]]:
        rows: list[list[Any]] = self.sheets[self.sheet]["rows"]
        return rows

    @property
    def header_row(self) -> int:
        return int(self.rows[self.header_index][0])

    @property
    def header(self) -> list[str]:
        return list(self.rows[self.header_index][1])

    def sample(self) -> list[tuple[int, list[str]]]:
        width = len(self.header)
        shown = self.rows[self.header_index + 1 : self.header_index + 1 + SHOWN_ROWS]
        return [(int(no), (list(cells) + [""] * width)[:width]) for no, cells in shown]


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _source(batch: ImportBatch, params: Any, preset: ImportPreset | None) -> Source | None:
    sheets = [s for s in (batch.sample or {}).get("sheets") or [] if s.get("rows")]
    if not sheets:
        return None
    chosen = batch.mapping or {}
    sheet = _int(params.get("sheet"), _int(chosen.get("sheet"), 0))
    if not 0 <= sheet < len(sheets):
        sheet = 0
    rows = sheets[sheet]["rows"]
    numbers = [int(no) for no, _cells in rows]
    wanted = _int(params.get("row"), 0)
    if wanted in numbers:
        return Source(sheets, sheet, numbers.index(wanted))
    if preset is not None:
        known = ColumnMapping.from_json(preset.mapping).columns
        return Source(sheets, sheet, detect_header_row([c for _n, c in rows], known))
    if chosen.get("header_row") in numbers and _int(chosen.get("sheet"), 0) == sheet:
        return Source(sheets, sheet, numbers.index(chosen["header_row"]))
    for candidate in ImportPreset.objects.all():  # a saved mapping finds its own header
        known = ColumnMapping.from_json(candidate.mapping).columns
        if known:
            index = detect_header_row([c for _n, c in rows], known)
            if set(known) <= set(header_keys(rows[index][1])):
                return Source(sheets, sheet, index)
    return Source(sheets, sheet, detect_header_row([c for _n, c in rows]))


def _initial(batch: ImportBatch, source: Source, preset: ImportPreset | None) -> ColumnMapping:
    if preset is not None:
        return ColumnMapping.from_json(preset.mapping)
    if batch.mapping and batch.mapping.get("header_row") == source.header_row:
        return ColumnMapping.from_json(batch.mapping)
    return ColumnMapping(columns=suggest(source.header))


def _preset_param(params: Any) -> ImportPreset | None:
    key = parse_pk(params.get("preset"))
    return ImportPreset.objects.filter(pk=key).first() if key else None


@capability_required(Capability.IMPORT_ORG)
def import_mapping(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_for_user_or_404(ImportBatch.objects.all(), request.user, pk)
    params = request.POST if request.method == "POST" else request.GET
    preset = _preset_param(params)
    source = _source(batch, params, preset)
    if source is None or batch.status not in MAPPABLE or not batch.upload:
        return render(request, "org/import_mapping.html", {"batch": batch, "unavailable": True})
    header = source.header
    initial = _initial(batch, source, preset)
    # A name to save the mapping under, until the user gives a better one: the file's.
    default_name = PurePath(batch.filename).stem[:100]
    form = ColumnMappingForm(
        None, header=header, initial_mapping=initial, preset=preset, default_name=default_name
    )
    preset_problems: list[str] = []
    if request.method == "POST":
        try:
            if "use_preset" in request.POST and preset is not None:
                mapping = ColumnMapping.from_json(preset.mapping)
                preset_problems = mapping_problems(mapping, header)
                if not preset_problems:
                    choose_mapping(
                        actor=request.user,
                        batch=batch,
                        mapping=mapping,
                        sheet=source.sheet,
                        header_row=source.header_row,
                        header=header,
                        preset=preset,
                    )
                    return redirect("org:import_detail", pk=batch.pk)
            else:
                form = ColumnMappingForm(
                    request.POST,
                    header=header,
                    initial_mapping=initial,
                    preset=preset,
                    default_name=default_name,
                )
                if form.is_valid():
                    submit_mapping(
                        actor=request.user,
                        batch=batch,
                        mapping=form.mapping(),
                        sheet=source.sheet,
                        header_row=source.header_row,
                        header=header,
                        preset=preset,
                        save=form.cleaned_data["save"],
                        preset_name=form.cleaned_data.get("preset_name") or "",
                    )
                    return redirect("org:import_detail", pk=batch.pk)
        except NotMappable:
            messages.error(request, _("この取り込みは、いまは列の対応付けを変えられません。"))
            return redirect("org:import_detail", pk=batch.pk)
    samples = source.sample()
    columns = [
        (bound, [cells[i] for _no, cells in samples[:3] if cells[i]])
        for bound, i in form.column_rows()
    ]
    return render(
        request,
        "org/import_mapping.html",
        {
            "batch": batch,
            "form": form,
            "columns": columns,
            "source": source,
            "header_labels": [column_label(t, i) for i, t in enumerate(header)],
            "samples": samples,
            "row_choices": [
                (int(no), " ".join(c for c in cells if c)[:60]) for no, cells in source.rows
            ],
            "sheet_names": [s["name"] for s in source.sheets],
            "matches": presets.matching_presets(header),
            "preset": preset,
            "preset_problems": preset_problems,
            "task_problems": (batch.sample or {}).get("problems") or [],
        },
    )


@capability_required(Capability.IMPORT_ORG)
def import_labels(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_for_user_or_404(ImportBatch.objects.all(), request.user, pk)
    labels = [(str(k), int(n)) for k, n in (batch.sample or {}).get("labels") or []]
    if batch.status not in MAPPABLE or not batch.mapping or not labels or not batch.upload:
        return redirect("org:import_detail", pk=batch.pk)
    known = ColumnMapping.from_json(batch.mapping).employment
    initial = {label: known.get(label) or builtin_employment(label) or "" for label, _n in labels}
    form = EmploymentLabelsForm(
        request.POST or None, labels=labels, initial_map=initial, preset=batch.preset
    )
    if request.method == "POST" and form.is_valid():
        try:
            choose_labels(
                actor=request.user,
                batch=batch,
                employment=form.employment(),
                update_preset=bool(form.cleaned_data.get("update_preset")),
            )
        except NotMappable:
            messages.error(request, _("この取り込みは、いまは雇用区分の対応付けを変えられません。"))
        return redirect("org:import_detail", pk=batch.pk)
    return render(request, "org/import_labels.html", {"batch": batch, "form": form})


@capability_required(Capability.IMPORT_ORG)
def preset_list(request: HttpRequest) -> HttpResponse:
    items = ImportPreset.objects.select_related("created_by", "updated_by")
    rows = [(p, len(ColumnMapping.from_json(p.mapping).columns)) for p in items]
    return render(request, "org/preset_list.html", {"rows": rows})


@capability_required(Capability.IMPORT_ORG)
def preset_rename(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    preset = get_for_user_or_404(ImportPreset.objects.all(), request.user, pk)
    form = PresetRenameForm(request.POST or None, preset=preset)
    if request.method == "POST" and form.is_valid():
        presets.rename_preset(actor=request.user, preset=preset, name=form.cleaned_data["name"])
        messages.success(request, _("名前を変更しました。"))
        return redirect("org:preset_list")
    mapping = ColumnMapping.from_json(preset.mapping)
    text_of = dict(zip(header_keys(preset.headers), preset.headers, strict=True))
    columns = [(text_of.get(k, k), TARGET_LABELS.get(t, t)) for k, t in mapping.columns.items()]
    kinds = dict(EmploymentType.choices) | {SKIP: _("取り込まない")}
    employment = [(label, kinds.get(value, value)) for label, value in mapping.employment.items()]
    return render(
        request,
        "org/preset_form.html",
        {"form": form, "preset": preset, "columns": columns, "employment": employment},
    )


@capability_required(Capability.IMPORT_ORG)
def preset_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    preset = get_for_user_or_404(ImportPreset.objects.all(), request.user, pk)
    if request.method == "POST":
        name = preset.name
        presets.delete_preset(actor=request.user, preset=preset)
        messages.success(request, _("対応付け「%(name)s」を削除しました。") % {"name": name})
        return redirect("org:preset_list")
    return render(request, "org/preset_delete.html", {"preset": preset})

"""The import of an HR system's export: the steps between upload and preview.

upload → (task) the file is read; a table in Yakuba's layout is checked as before; any other
is kept as a short sample and the batch waits for its column mapping (MAPPING) → the user
maps columns (or takes a saved preset) → (task) the mapping is applied to every row; if the
employment column holds labels nobody mapped yet, the batch waits for them (LABELS) → the
user maps them → (task) `org.importing.build_plan` checks the mapped rows → preview →
confirm → (task) apply, mapping the file again against the database of that moment.

Reading the file and mapping its rows happen in the tasks only; the steps' pages read the
stored sample (a few rows), never the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.tabular import CellProblem, Sheet, TableReadError, read_tables
from yakuba.core.text import without_unstorable
from yakuba.org import presets
from yakuba.org.importing import ImportPlan, build_plan, reads_as_is
from yakuba.org.mapping import (
    HEADER_SEARCH_ROWS,
    MAX_EMPLOYMENT_LABELS,
    ColumnMapping,
    UnitEntry,
    UnitIndex,
    apply_mapping,
    employment_labels,
    mapping_problems,
    unmapped_labels,
)
from yakuba.org.models import ImportBatch, ImportPreset, ImportStatus, Unit

# What the sample keeps of a file: enough rows to find a header under title rows and show
# a few rows of data, cells cut short, a few sheets.
PREVIEW_SHEETS = 10
PREVIEW_CELL = 100
# The batch states from which a (new) mapping can be chosen.
MAPPABLE = {ImportStatus.MAPPING, ImportStatus.LABELS, ImportStatus.READY, ImportStatus.INVALID}


@dataclass
class Checked:
    """What checking an upload found: a plan, or the step the user has to take first."""

    plan: ImportPlan | None = None
    step: str | None = None  # ImportStatus.MAPPING or LABELS
    sample: dict[str, Any] = field(default_factory=dict)
    skipped: int = 0

    def summary(self) -> dict[str, Any]:
        assert self.plan is not None
        summary = self.plan.preview_summary()
        if self.skipped:
            summary["skipped"] = self.skipped
        return summary


def _build(batch: ImportBatch, data: bytes, sheets: list[Sheet] | None = None) -> ImportPlan:
    return build_plan(
        batch.filename,
        data,
        effective_date=batch.effective_date,
        complete_list=batch.complete_list,
        sheets=sheets,
    )


def sample_of(sheets: list[Sheet]) -> dict[str, Any]:
    kept = []
    for sheet in sheets[:PREVIEW_SHEETS]:
        rows = [
            [row_no, [without_unstorable(c)[:PREVIEW_CELL] for c in cells]]
            for row_no, cells in sheet.rows[:HEADER_SEARCH_ROWS]
        ]
        kept.append({"name": sheet.name, "rows": rows})
    return {"sheets": kept}


def unit_index() -> UnitIndex:
    return UnitIndex(
        UnitEntry(code, name, parent, active)
        for code, name, parent, active in Unit.objects.values_list(
            "code", "name", "parent__code", "active"
        )
    )


def check_upload(batch: ImportBatch) -> Checked:
    """Read and check the batch's file (in a task: it reads the whole file)."""
    data = batch.read_upload()
    if batch.auto_apply and not batch.mapping:
        # API callers send Yakuba's layout; they get its errors, not a mapping step.
        return Checked(plan=_build(batch, data))
    try:
        sheets = read_tables(batch.filename, data)
    except TableReadError as exc:
        plan = ImportPlan()
        plan.add_error(CellProblem("", 0, "", str(exc)))
        return Checked(plan=plan)
    sample = sample_of(sheets)
    if batch.mapping:
        return _mapped(batch, sheets, sample)
    if all(reads_as_is(sheet) for sheet in sheets):
        return Checked(plan=_build(batch, data, sheets), sample=sample)
    return Checked(step=ImportStatus.MAPPING, sample=sample)


def plan_to_apply(batch: ImportBatch) -> Checked:
    """The plan to write, from the file as mapped (units resolved again: the tree may have
    changed since the preview)."""
    checked = check_upload(batch)
    if checked.plan is None:
        plan = ImportPlan()
        plan.add_error(
            CellProblem("", 0, "", _("列の対応付けが済んでいません。もう一度検査してください。"))
        )
        checked.plan = plan
    return checked


def locate(batch: ImportBatch, sheets_or_sample: list[Any]) -> tuple[int, int] | None:
    """(sheet index, row index) of the chosen header row, or None when it is not there."""
    sheet_index = int(batch.mapping.get("sheet", 0) or 0)
    header_row = int(batch.mapping.get("header_row", 0) or 0)
    if not 0 <= sheet_index < len(sheets_or_sample):
        return None
    rows = sheets_or_sample[sheet_index]
    for index, (row_no, _cells) in enumerate(rows):
        if row_no == header_row:
            return sheet_index, index
    return None


def _mapped(batch: ImportBatch, sheets: list[Sheet], sample: dict[str, Any]) -> Checked:
    where = locate(batch, [s.rows for s in sheets])
    if where is None:
        sample["problems"] = [_("選んだ見出し行がファイルにありません。選び直してください。")]
        return Checked(step=ImportStatus.MAPPING, sample=sample)
    sheet, header_index = sheets[where[0]], where[1]
    mapping = ColumnMapping.from_json(batch.mapping)
    problems = mapping_problems(mapping, sheet.rows[header_index][1])
    if problems:
        sample["problems"] = problems
        return Checked(step=ImportStatus.MAPPING, sample=sample)
    labels = employment_labels(sheet, header_index, mapping)
    if len(labels) > MAX_EMPLOYMENT_LABELS:
        sample["problems"] = [
            _(
                "雇用区分の列に %(n)s 種類の値があります（上限 %(max)s）。"
                "雇用区分の列として選んだ列が正しいか確かめてください。"
            )
            % {"n": len(labels), "max": MAX_EMPLOYMENT_LABELS}
        ]
        return Checked(step=ImportStatus.MAPPING, sample=sample)
    sample["labels"] = labels.most_common()
    if unmapped_labels(labels, mapping):
        return Checked(step=ImportStatus.LABELS, sample=sample)
    table = apply_mapping(sheet, header_index, mapping, unit_index())
    if len(table.sheet.rows) > 1 or not table.errors:
        plan = _build(batch, b"", [table.sheet])
    else:
        plan = ImportPlan()  # every row failed here: "no data rows" would only confuse
    for error in table.errors:
        plan.add_error(error)
    plan.errors.sort(key=lambda e: (e.sheet != sheet.name, e.row))
    return Checked(plan=plan, sample=sample, skipped=table.skipped)


# --- the user's choices (views call these) ---------------------------------------------------


class NotMappable(ValueError):
    """The batch is no longer waiting for a mapping (applied, applying, expired…)."""


def _require(actor: User) -> None:
    if not actor.can(Capability.IMPORT_ORG):
        raise PermissionDenied("cannot import")


def choose_mapping(
    *,
    actor: User,
    batch: ImportBatch,
    mapping: ColumnMapping,
    sheet: int,
    header_row: int,
    header: list[str],
    preset: ImportPreset | None,
) -> ImportBatch:
    """Set the batch's mapping and check the file again with it (in the task)."""
    from yakuba.org.tasks import validate_import

    _require(actor)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in MAPPABLE or not locked.upload:
            raise NotMappable(locked.status)
        before = locked.status
        locked.mapping = mapping.as_json() | {"sheet": sheet, "header_row": header_row}
        locked.preset = preset
        locked.status = ImportStatus.VALIDATING
        locked.errors, locked.summary = [], {}
        locked.save(update_fields=["mapping", "preset", "status", "errors", "summary"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={
                "status": [before, locked.status],
                "mapping": presets.describe(mapping, header)
                | {"sheet": sheet, "header_row": header_row},
                "preset": preset.name if preset else None,
            },
        )
    validate_import.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


def choose_labels(
    *, actor: User, batch: ImportBatch, employment: dict[str, str], update_preset: bool
) -> ImportBatch:
    """Set how the office's employment labels map, then check the file again (in the task).
    With update_preset, the batch's preset learns them too (for the next export)."""
    from yakuba.org.tasks import validate_import

    _require(actor)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in MAPPABLE or not locked.mapping or not locked.upload:
            raise NotMappable(locked.status)
        before = locked.status
        mapping = ColumnMapping.from_json(locked.mapping)
        old = dict(mapping.employment)
        mapping.employment = old | employment
        locked.mapping = locked.mapping | {"employment": mapping.employment}
        locked.status = ImportStatus.VALIDATING
        locked.errors, locked.summary = [], {}
        locked.save(update_fields=["mapping", "status", "errors", "summary"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={"status": [before, locked.status], "employment": [old, mapping.employment]},
        )
        if update_preset and locked.preset is not None:
            presets.save_labels(actor=actor, preset=locked.preset, employment=employment)
    validate_import.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


def submit_mapping(
    *,
    actor: User,
    batch: ImportBatch,
    mapping: ColumnMapping,
    sheet: int,
    header_row: int,
    header: list[str],
    preset: ImportPreset | None,
    save: str = "no",
    preset_name: str = "",
) -> ImportBatch:
    """The mapping form's submit: keep it as a preset if asked ("new", or "update" the chosen
    one), then check the file with it. One transaction: a batch that can no longer be mapped
    leaves no preset behind."""
    with transaction.atomic():
        if save == "new" or (save == "update" and preset is not None):
            preset = presets.save_preset(
                actor=actor,
                preset=preset if save == "update" else None,
                name=preset_name,
                mapping=mapping,
                header=header,
            )
        return choose_mapping(
            actor=actor,
            batch=batch,
            mapping=mapping,
            sheet=sheet,
            header_row=header_row,
            header=header,
            preset=preset,
        )

"""The preview of an import: one `PlannedChange` row per person the file changes.

Written by the check task (bulk), read a page at a time by the preview screen (a fixed
number of queries whatever the size of the file) and whole by the CSV download HR checks
in Excel.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.org.importing import ImportPlan
from yakuba.org.models import ImportBatch, PlannedChange, PlannedChangeKind

# The order of the preview: what needs the most attention first.
KIND_ORDER = (
    PlannedChangeKind.LEAVER,
    PlannedChangeKind.MISSING,
    PlannedChangeKind.MOVER,
    PlannedChangeKind.JOINER,
    PlannedChangeKind.RETURNING,
    PlannedChangeKind.CHANGED,
    PlannedChangeKind.SUPERSEDED,
)
FIELD_LABELS = {
    "name": gettext_lazy("氏名"),
    "name_kana": gettext_lazy("氏名カナ"),
    "employment_type": gettext_lazy("雇用区分"),
    "position": gettext_lazy("職名"),
    "email": gettext_lazy("メール"),
    "skills": gettext_lazy("スキル"),
    "unit": gettext_lazy("所属"),
}


def store(batch: ImportBatch, plan: ImportPlan) -> int:
    """Replace the batch's preview rows with the plan's (a check run again rewrites them)."""
    PlannedChange.objects.filter(batch=batch).delete()
    staff_plan = plan.staff_plan
    if staff_plan is None:
        return 0
    names = staff_plan.unit_names
    rank = {kind: index for index, kind in enumerate(KIND_ORDER)}
    ordered = sorted(
        staff_plan.changes,
        key=lambda c: (rank[PlannedChangeKind(c.kind)], c.to_code or c.from_code, c.staff_number),
    )
    rows = [
        PlannedChange(
            batch=batch,
            position=position,
            kind=c.kind,
            row=c.row,
            staff_number=c.staff_number,
            name=c.name,
            from_code=c.from_code,
            from_name=names.get(c.from_code, "")[:100],
            to_code=c.to_code,
            to_name=names.get(c.to_code, "")[:100],
            fields=c.fields,
            has_account=c.user_id is not None,
        )
        for position, c in enumerate(ordered)
    ]
    start = len(rows)
    rows += [
        PlannedChange(
            batch=batch,
            position=start + index,
            kind=PlannedChangeKind.SUPERSEDED,
            staff_number=s.staff_number,
            name=s.name,
            from_code=s.from_code,
            from_name=names.get(s.from_code, "")[:100],
            to_code=s.to_code,
            to_name=names.get(s.to_code, "")[:100],
            fields={"kind": s.kind, "effective_date": s.effective_date.isoformat()},
        )
        for index, s in enumerate(staff_plan.superseded)
    ]
    PlannedChange.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def rows_of(batch: ImportBatch, *, kind: str = "", unit: str = "", side: str = "") -> QuerySet:
    """The batch's preview rows, narrowed to one kind and/or one unit (as origin with
    side="from", destination with side="to", either otherwise)."""
    qs = PlannedChange.objects.filter(batch=batch)
    if kind:
        qs = qs.filter(kind=kind)
    if unit:
        if side == "from":
            qs = qs.filter(from_code=unit)
        elif side == "to":
            qs = qs.filter(to_code=unit)
        else:
            qs = qs.filter(Q(from_code=unit) | Q(to_code=unit))
    return qs.order_by("position")


def units_in(batch: ImportBatch) -> list[tuple[str, str]]:
    """(code, name) of every unit the preview mentions, for the unit filter (one query)."""
    seen: dict[str, str] = {}
    for from_code, from_name, to_code, to_name in PlannedChange.objects.filter(
        batch=batch
    ).values_list("from_code", "from_name", "to_code", "to_name"):
        if from_code:
            seen.setdefault(from_code, from_name)
        if to_code:
            seen.setdefault(to_code, to_name)
    return sorted(seen.items())


def describe_fields(fields: dict[str, Any]) -> str:
    """「職名: 主事 → 主任」… for the preview and its download."""
    parts = []
    for name, value in fields.items():
        if name not in FIELD_LABELS or not isinstance(value, list) or len(value) != 2:
            continue
        old, new = value
        if isinstance(old, list):
            old, new = "、".join(old), "、".join(new)
        parts.append(f"{FIELD_LABELS[name]}: {old or '—'} → {new or '—'}")
    return "; ".join(parts)


def csv_header() -> list[str]:
    return [
        _("区分"),
        _("職員番号"),
        _("氏名"),
        _("異動前の所属コード"),
        _("異動前の所属"),
        _("異動後の所属コード"),
        _("異動後の所属"),
        _("発令日"),
        _("アカウント"),
        _("その他の変更"),
        _("行"),
    ]


def csv_rows(batch: ImportBatch) -> Iterator[list[object]]:
    labels = dict(PlannedChangeKind.choices)
    day = (batch.summary or {}).get("effective_date", "")
    for p in rows_of(batch).iterator(chunk_size=1000):
        if p.kind in (PlannedChangeKind.LEAVER, PlannedChangeKind.MISSING):
            account = _("無効にする") if p.has_account else ""
        elif p.kind == PlannedChangeKind.JOINER:
            account = _("作成する") if not p.has_account else ""
        else:
            account = ""
        when = p.fields.get("effective_date", "") if p.kind == "superseded" else day
        yield [
            str(labels[p.kind]),
            p.staff_number,
            p.name,
            p.from_code,
            p.from_name,
            p.to_code,
            p.to_name,
            when,
            account,
            describe_fields(p.fields),
            p.row or "",
        ]

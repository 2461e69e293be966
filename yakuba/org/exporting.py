"""Export of units and staff in the import layout (so an export re-imports unchanged)."""

from __future__ import annotations

from django.db.models import QuerySet

from yakuba.core.tabular import write_csv, write_xlsx
from yakuba.org.importing import STAFF_COLUMNS, UNIT_COLUMNS
from yakuba.org.models import EmploymentType, Staff, Unit, UnitKind

UNITS_SHEET = "所属"
STAFF_SHEET = "職員"


def unit_rows(units: QuerySet[Unit]) -> list[list[object]]:
    kinds = dict(UnitKind.choices)
    return [
        [
            u.code,
            u.name,
            u.name_kana,
            str(kinds[u.kind]),
            u.parent.code if u.parent else "",
            u.sort_order,
            1 if u.active else 0,
        ]
        for u in units.select_related("parent").order_by("path")
    ]


def staff_rows(staff: QuerySet[Staff]) -> list[list[object]]:
    types = dict(EmploymentType.choices)
    rows: list[list[object]] = []
    for s in staff.select_related("unit").prefetch_related("skills").order_by("staff_number"):
        rows.append(
            [
                s.staff_number,
                s.name,
                s.name_kana,
                str(types[s.employment_type]),
                s.position,
                s.unit.code,
                s.unit.name,
                "、".join(sorted(k.name for k in s.skills.all())),
                s.email,
                1 if s.active else 0,
            ]
        )
    return rows


def export_xlsx(units: QuerySet[Unit], staff: QuerySet[Staff]) -> bytes:
    return write_xlsx(
        [
            (UNITS_SHEET, [ja for _f, ja, _en in UNIT_COLUMNS], unit_rows(units)),
            (STAFF_SHEET, [ja for _f, ja, _en in STAFF_COLUMNS], staff_rows(staff)),
        ]
    )


def export_staff_csv(staff: QuerySet[Staff], encoding: str = "utf-8") -> bytes:
    return write_csv([ja for _f, ja, _en in STAFF_COLUMNS], staff_rows(staff), encoding)


def export_units_csv(units: QuerySet[Unit], encoding: str = "utf-8") -> bytes:
    return write_csv([ja for _f, ja, _en in UNIT_COLUMNS], unit_rows(units), encoding)

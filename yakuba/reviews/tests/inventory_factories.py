"""Objects of the inventory pages for the authorization matrix and the view tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from yakuba.reviews.import_models import ImportState, ProcedureImport
from yakuba.reviews.inventory_import import COLUMNS
from yakuba.reviews.models import Procedure


def xlsx(sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> bytes:
    """An .xlsx written cell by cell as given: a text starting with "=" is a formula."""
    from openpyxl import Workbook

    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title=title)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def row(
    pid: str,
    unit: str = "市民課",
    name: str = "住民票の写しの交付申請",
    *,
    form: str = "住民票の写し等交付申請書",
    legal: str = "住民基本台帳法第12条",
    count: Any = "1,200",
    seal: str = "不要",
    paper: str = "○",
    in_person: str = "○",
    attachments: str = "本人確認書類",
    fee: Any = "300",
    online: str = "一部可",
) -> list[Any]:
    return [pid, unit, name, form, legal, count, seal, paper, in_person, attachments, fee, online]


HEADER = list(COLUMNS)


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A checked import waiting for confirmation (no rows: confirming writes nothing) and
    one procedure of 市民課."""
    if "reviews_inventory" in objs:
        return objs["reviews_inventory"]
    org = objs["org"]
    batch = ProcedureImport.objects.create(
        filename="棚卸し.xlsx",
        state=ImportState.READY,
        summary={"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "missing": 0},
    )
    procedure = Procedure.objects.create(
        procedure_id="M-0001", unit=org["shimin"], department=org["dept"], name="印鑑登録申請"
    )
    objs["reviews_inventory"] = {"import": batch, "procedure": procedure}
    return objs["reviews_inventory"]

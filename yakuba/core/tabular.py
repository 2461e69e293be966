"""Reading and writing tables: .xlsx and CSV in UTF-8 or CP932 (Shift_JIS).

Legacy HR systems in Japanese offices still export CP932 CSV; Excel writes
UTF-8 with a BOM. Encoding is detected, never asked for.

Every export of the product writes its cells through `safe_cell`, so stored text can never
make an export fail (control characters that .xlsx cannot hold, lone surrogates) or run as
a formula in Excel (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar, overload

from django.utils.translation import gettext as _

from yakuba.core.text import neutralise_formula

# Characters an .xlsx cell cannot hold (openpyxl raises IllegalCharacterError): C0 controls
# except tab, newline and carriage return; and lone surrogates, which no encoding can write.
_ILLEGAL_IN_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_CP932_CONTENT_TYPE = "text/csv; charset=shift_jis"


class TableReadError(ValueError):
    """The file as a whole cannot be read (wrong type, encoding, damaged)."""


@dataclass
class Sheet:
    name: str
    # Each row keeps its 1-based row number in the file, so messages can point at it.
    rows: list[tuple[int, list[str]]]


def decode_csv_bytes(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise TableReadError(
            _(
                "文字コードを判別できません。"
                "UTF-8 または Shift_JIS（CP932）のCSVで保存してください。"
            )
        ) from exc


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def read_tables(filename: str, data: bytes) -> list[Sheet]:
    name = filename.lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if name.endswith((".csv", ".txt", ".tsv")) or not name:
        return [_read_csv(data)]
    raise TableReadError(
        _("対応していない形式です。.xlsx または .csv のファイルを選んでください。")
    )


def _read_csv(data: bytes) -> Sheet:
    text = decode_csv_bytes(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(i, [c.strip() for c in row]) for i, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise TableReadError(_("CSVを読み取れません: %(error)s") % {"error": exc}) from exc
    return Sheet(name="CSV", rows=rows)


def _read_xlsx(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise TableReadError(
            _("Excelファイルを開けません。ファイルが壊れていないか確認してください。")
        ) from exc
    sheets = []
    try:
        for ws in wb.worksheets:
            rows = [
                (i, [_cell_text(v) for v in row])
                for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            sheets.append(Sheet(name=ws.title, rows=rows))
    finally:
        wb.close()
    return sheets


_V = TypeVar("_V")


@overload
def safe_cell(value: str) -> str: ...
@overload
def safe_cell(value: _V) -> _V: ...
def safe_cell(value: object) -> object:
    """A value any spreadsheet writer accepts and Excel will not run: text loses the
    characters a cell cannot hold and formula-like text gets a leading apostrophe."""
    if isinstance(value, str):
        return neutralise_formula(_ILLEGAL_IN_CELL.sub("", value))
    return value


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], encoding: str = "utf-8"
) -> bytes:
    """CSV for Excel: UTF-8 with BOM, or CP932 (characters CP932 lacks become "?");
    formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    text = buffer.getvalue()
    if encoding == "cp932":
        return text.encode("cp932", errors="replace")
    return b"\xef\xbb\xbf" + text.encode("utf-8", errors="replace")


def write_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """One workbook, a sheet per (title, header, rows): bold frozen header row, columns
    wide enough for their heading, every cell through `safe_cell`."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=False)
    if wb.active is not None:  # the default empty sheet; ours are created below
        wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=title)
        ws.append([safe_cell(h) for h in header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([safe_cell(v) for v in row])
        for idx, head in enumerate(header, start=1):
            ws.column_dimensions[get_column_letter(idx)].width = max(10, len(head) * 2 + 4)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

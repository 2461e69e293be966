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
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from django.utils.translation import gettext as _

from yakuba.core.conf import setting
from yakuba.core.text import neutralise_formula

# Characters an .xlsx cell cannot hold (openpyxl raises IllegalCharacterError): C0 controls
# except tab, newline and carriage return; and lone surrogates, which no encoding can write.
_ILLEGAL_IN_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_CP932_CONTENT_TYPE = "text/csv; charset=shift_jis"


@dataclass(frozen=True)
class CellProblem:
    """One problem an import found, where the person can find it in their file (sheet, row
    number as the spreadsheet shows it, column heading) and what to do (a message)."""

    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class TableReadError(ValueError):
    """The file as a whole cannot be read (wrong type, encoding, damaged, too large)."""


# What one imported file may hold (settings or environment, see README). An .xlsx is a zip:
# 490 KB of it expanded to 116 MB and kept a worker busy for half a minute, so its members'
# sizes are checked before anything is unpacked, and reading stops at the first row or
# column over the limit.
IMPORT_LIMITS: dict[str, int] = {
    "IMPORT_MAX_EXPANDED_BYTES": 50 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 20_000,
    "IMPORT_MAX_COLUMNS": 100,
    # Problems kept for the preview; the rest are counted.
    "IMPORT_MAX_ERRORS": 200,
    # Days an upload that was never applied is kept before the purge job deletes it.
    "IMPORT_KEEP_DAYS": 7,
}


def import_limit(name: str) -> int:
    return int(setting(name, IMPORT_LIMITS[name]))


def _too_many_rows(limit: int) -> TableReadError:
    return TableReadError(
        _("行数が上限（%(limit)s 行）を超えています。ファイルを分けて取り込んでください。")
        % {"limit": limit}
    )


def _too_many_columns(limit: int) -> TableReadError:
    return TableReadError(
        _("列数が上限（%(limit)s 列）を超えています。取り込む列だけを残してください。")
        % {"limit": limit}
    )


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
    if isinstance(getattr(value, "text", None), str):  # an array or data-table formula
        return str(value.text).strip()  # type: ignore[attr-defined]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def read_tables(
    filename: str, data: bytes, *, keep_formulas: bool = False, max_rows: int | None = None
) -> list[Sheet]:
    """The file's sheets (a CSV is one sheet named "CSV"); more rows than ``max_rows`` (all
    sheets together; default the IMPORT_MAX_ROWS setting) refuse the file.

    An .xlsx formula cell reads as its last computed value, or — with ``keep_formulas`` — as
    the formula itself ("=SUM(F2:F9)"), for importers that refuse formulas: the value
    Excel last saved may be stale, and the formula says the cell was never typed in."""
    name = filename.lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, keep_formulas=keep_formulas, max_rows=max_rows)
    if name.endswith((".csv", ".txt", ".tsv")) or not name:
        return [_read_csv(data, max_rows=max_rows)]
    raise TableReadError(
        _("対応していない形式です。.xlsx または .csv のファイルを選んでください。")
    )


def _trimmed(cells: list[str], max_columns: int) -> list[str]:
    """The row without its empty cells at the end; a value beyond the column limit refuses
    the file."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    if end > max_columns:
        raise _too_many_columns(max_columns)
    return cells[:end]


def _read_csv(data: bytes, *, max_rows: int | None = None) -> Sheet:
    text = decode_csv_bytes(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    max_rows = max_rows or import_limit("IMPORT_MAX_ROWS")
    max_columns = import_limit("IMPORT_MAX_COLUMNS")
    rows: list[tuple[int, list[str]]] = []
    try:
        for i, row in enumerate(reader, start=1):
            if i > max_rows:
                raise _too_many_rows(max_rows)
            rows.append((i, _trimmed([c.strip() for c in row], max_columns)))
    except csv.Error as exc:
        raise TableReadError(_("CSVを読み取れません: %(error)s") % {"error": exc}) from exc
    return Sheet(name="CSV", rows=rows)


def _check_expanded_size(data: bytes) -> None:
    """Refuse an .xlsx whose members unpack to more than the limit, before unpacking any.

    The sizes come from the zip's directory; a member that claims less than it holds is
    cut at its claimed size by zipfile (and then fails its checksum), so the claim bounds
    the work either way."""
    limit = import_limit("IMPORT_MAX_EXPANDED_BYTES")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TableReadError(
            _("Excelファイルを開けません。ファイルが壊れていないか確認してください。")
        ) from exc
    expanded = sum(m.file_size for m in members)
    if expanded > limit or len(members) > 10_000:
        mib = 1024 * 1024
        raise TableReadError(
            _(
                "Excelファイルを展開すると %(size)s MB になり、上限（%(limit)s MB）を超えます。"
                "不要な行・列・シートを削除するか、CSVで保存してください。"
            )
            % {"size": -(-expanded // mib), "limit": limit // mib}
        )


def _read_xlsx(
    data: bytes, *, keep_formulas: bool = False, max_rows: int | None = None
) -> list[Sheet]:
    from openpyxl import load_workbook

    _check_expanded_size(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=not keep_formulas)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise TableReadError(
            _("Excelファイルを開けません。ファイルが壊れていないか確認してください。")
        ) from exc
    max_rows = max_rows or import_limit("IMPORT_MAX_ROWS")
    max_columns = import_limit("IMPORT_MAX_COLUMNS")
    sheets = []
    count = 0
    try:
        for ws in wb.worksheets:
            rows = []
            # One column past the limit is read, to notice a value there; a sheet that
            # claims 16,384 columns is not padded out to them on every row.
            for i, row in enumerate(
                ws.iter_rows(values_only=True, max_col=max_columns + 1), start=1
            ):
                count += 1
                if count > max_rows:
                    raise _too_many_rows(max_rows)
                rows.append((i, _trimmed([_cell_text(v) for v in row], max_columns)))
            sheets.append(Sheet(name=ws.title, rows=rows))
    except TableReadError:
        raise
    except Exception as exc:  # damaged sheet XML, a member failing its checksum
        raise TableReadError(
            _("Excelファイルを開けません。ファイルが壊れていないか確認してください。")
        ) from exc
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

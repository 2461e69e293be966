"""core.tabular.read_tables: formula cells read as their value or, on request, as the
formula; a caller's row limit instead of IMPORT_MAX_ROWS."""

from __future__ import annotations

import io

import pytest

from yakuba.core.tabular import TableReadError, read_tables


def _book() -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.formula import ArrayFormula

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["件数", "合計"])
    ws.append([2, "=A2*3"])
    ws["C2"] = ArrayFormula("C2:C2", "=SUM(A2:A2)")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_formulas_are_kept_only_when_asked_for() -> None:
    # openpyxl saves no computed values: as Excel would show a never-recalculated file.
    plain = read_tables("f.xlsx", _book())[0].rows
    assert plain[1][1] == ["2"]
    kept = read_tables("f.xlsx", _book(), keep_formulas=True)[0].rows
    assert kept[1][1] == ["2", "=A2*3", "=SUM(A2:A2)"]


def test_a_callers_row_limit_replaces_the_setting(settings) -> None:
    settings.IMPORT_MAX_ROWS = 2
    data = "\r\n".join(f"{i},x" for i in range(5)).encode()
    with pytest.raises(TableReadError):
        read_tables("a.csv", data)
    assert len(read_tables("a.csv", data, max_rows=5)[0].rows) == 5
    with pytest.raises(TableReadError, match="4 行"):
        read_tables("a.csv", data, max_rows=4)

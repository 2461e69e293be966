"""A realistic staff export of an HR/payroll system, as offices send it (test fixture).

Title rows above the header, 姓/名 and their readings apart (half-width kana and hiragana
among them), 部・課・係 in columns of their own, the office's own employment labels, and
characters only CP932 has (髙, 﨑: NEC/IBM extensions; Ⅱ). The files in fixtures/ are
written by `write_fixtures()` from these rows.
"""

from __future__ import annotations

import io
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
CSV_PATH = FIXTURES / "hr_export_cp932.csv"
XLSX_PATH = FIXTURES / "hr_export.xlsx"

TITLE_ROWS: list[list[str]] = [
    ["職員一覧（人事給与システム出力）"],
    ["出力日：2026年4月1日", "", "", "出力者：人事課"],
    [],
]
HEADER = [
    "職員番号",
    "姓",
    "名",
    "姓カナ",
    "名カナ",
    "部",
    "課",
    "係",
    "雇用形態",
    "職名",
    "メールアドレス",
]
ROWS = [
    line.split(",")
    for line in (
        "5001,髙橋,健一,ﾀｶﾊｼ,ｹﾝｲﾁ,市民部,市民課,窓口係,正職員,主事,k.takahashi@example.jp",
        "5002,山﨑,美咲,やまさき,みさき,市民部,市民課,,会計年度任用職員,事務補助員,",
        "5003,渡邉,翔,ワタナベ,ショウ,市民部,税務課,,再任用,主任Ⅱ,s.watanabe@example.jp",
        "5004,齋藤,一,サイトウ,ハジメ,市民部,税務課,,嘱託,相談員,",
        "5005,派遣,花子,ハケン,ハナコ,市民部,市民課,,派遣,,",
    )
]
# The header is on this row of the file (1-based), under the title rows.
HEADER_ROW = len(TITLE_ROWS) + 1


def table(rows: list[list[str]] | None = None, order: list[int] | None = None) -> list[list[str]]:
    """Title rows, header and rows; `order` picks and orders the columns."""
    picked = order or list(range(len(HEADER)))
    body = [HEADER, *(ROWS if rows is None else rows)]
    return [*TITLE_ROWS, *([cells[i] for i in picked] for cells in body)]


def csv_cp932(rows: list[list[str]] | None = None, order: list[int] | None = None) -> bytes:
    lines = [",".join(cells) for cells in table(rows, order)]
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def xlsx(rows: list[list[str]] | None = None, order: list[int] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "職員"
    for cells in table(rows, order):
        ws.append(cells or [None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_fixtures() -> None:  # pragma: no cover - run by hand when the rows change
    FIXTURES.mkdir(exist_ok=True)
    CSV_PATH.write_bytes(csv_cp932())
    XLSX_PATH.write_bytes(xlsx())

"""Checklists in and out of Excel: one row per item, several checklists per file.

Import reads the whole file first and lists every problem with its row and column; only a
file without any problem is written, in one transaction. A checklist already used by a
round cannot be replaced (its answers point at its items): the message says to copy it
under a new code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.tabular import Sheet, TableReadError, read_tables, write_xlsx
from yakuba.core.text import text_problem
from yakuba.inspections.models import (
    Checklist,
    ChecklistItem,
    ChecklistRole,
    ChecklistSection,
)

# (key, heading, max length, required)
COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("checklist", "チェックリストコード", 40, True),
    ("title", "チェックリスト名", 100, True),
    ("role", "対象の役割", 20, True),
    ("section_code", "区分コード", 10, True),
    ("section", "区分", 100, True),
    ("code", "項目コード", 20, True),
    ("text", "点検項目", 300, True),
    ("guidance", "確認のしかた", 1000, False),
    ("basis", "根拠", 200, False),
)
HEADINGS = [c[1] for c in COLUMNS]
SHEET_TITLE = "点検項目"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # a letter, or "" for the whole row/file
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("%(row)s 行目 %(column)s 列：%(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("%(row)s 行目：%(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class ParsedChecklist:
    code: str
    title: str
    role: str
    first_row: int
    sections: dict[str, tuple[str, int]] = field(default_factory=dict)  # code → (title, order)
    items: list[dict[str, str]] = field(default_factory=list)


class ChecklistImportError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def export_rows(checklists: Iterable[Checklist]) -> list[list[object]]:
    rows: list[list[object]] = []
    for checklist in checklists:
        items = ChecklistItem.objects.filter(checklist=checklist).select_related("section")
        for item in items.order_by("section__order", "order", "code"):
            rows.append(
                [
                    checklist.code,
                    checklist.title,
                    checklist.role,
                    item.section.code,
                    item.section.title,
                    item.code,
                    item.text,
                    item.guidance,
                    item.basis,
                ]
            )
    return rows


def to_xlsx(checklists: Iterable[Checklist]) -> bytes:
    return write_xlsx([(SHEET_TITLE, HEADINGS, export_rows(checklists))])


def _role(value: str) -> str | None:
    for choice in ChecklistRole:
        if value in (choice.value, str(choice.label)):
            return choice.value
    return None


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    for number, cells in sheet.rows:
        if not any(cells):
            continue
        positions = {cell: i for i, cell in enumerate(cells)}
        if "項目コード" in positions or "点検項目" in positions:
            return number, {key: positions[h] for key, h, _m, _r in COLUMNS if h in positions}
        return None
    return None


def parse(filename: str, data: bytes) -> list[ParsedChecklist]:
    """The checklists in the file, or `ChecklistImportError` with every problem found."""
    try:
        sheets = read_tables(filename, data)
    except TableReadError as exc:
        raise ChecklistImportError([Problem(0, "", str(exc))]) from exc
    sheet = next((s for s in sheets if s.name == SHEET_TITLE), sheets[0] if sheets else None)
    found = _header(sheet) if sheet is not None else None
    if sheet is None or found is None:
        raise ChecklistImportError(
            [
                Problem(
                    0,
                    "",
                    _(
                        "見出しの行（%(headings)s）が見つかりません。書き出したファイルの形で保存してください。"
                    )
                    % {"headings": "、".join(HEADINGS)},
                )
            ]
        )
    header_row, positions = found
    problems: list[Problem] = [
        Problem(header_row, "", _("「%(heading)s」の列がありません。") % {"heading": heading})
        for key, heading, _m, required in COLUMNS
        if required and key not in positions
    ]
    if problems:
        raise ChecklistImportError(problems)
    parsed: dict[str, ParsedChecklist] = {}
    item_rows: dict[tuple[str, str], int] = {}
    for number, cells in sheet.rows:
        if number <= header_row or not any(cells):
            continue
        values: dict[str, str] = {}
        for key, heading, max_length, required in COLUMNS:
            index = positions.get(key)
            value = cells[index].strip() if index is not None and index < len(cells) else ""
            column = get_column_letter(index + 1) if index is not None else ""
            if required and not value:
                problems.append(
                    Problem(number, column, _("「%(heading)s」が空です。") % {"heading": heading})
                )
                continue
            problem = text_problem(value, max_length=max_length, multiline=key == "guidance")
            if problem:
                problems.append(Problem(number, column, f"{heading}：{problem}"))
                continue
            values[key] = value
        if len(values) < len(COLUMNS):
            continue
        column = get_column_letter(positions["role"] + 1)
        role = _role(values["role"])
        if role is None:
            problems.append(
                Problem(
                    number,
                    column,
                    _(
                        "対象の役割「%(value)s」は使えません（職員・所属長・システム管理者のどれか）。"
                    )
                    % {"value": values["role"]},
                )
            )
            continue
        code = values["checklist"]
        if not _slug(code):
            problems.append(
                Problem(
                    number,
                    get_column_letter(positions["checklist"] + 1),
                    _("チェックリストコード「%(value)s」には英数字とハイフンだけが使えます。")
                    % {"value": code},
                )
            )
            continue
        checklist = parsed.setdefault(code, ParsedChecklist(code, values["title"], role, number))
        if (checklist.title, checklist.role) != (values["title"], role):
            problems.append(
                Problem(
                    number,
                    get_column_letter(positions["title"] + 1),
                    _("チェックリスト「%(code)s」の名称・対象の役割が %(row)s 行目と違います。")
                    % {"code": code, "row": checklist.first_row},
                )
            )
            continue
        section = checklist.sections.get(values["section_code"])
        if section is None:
            checklist.sections[values["section_code"]] = (
                values["section"],
                len(checklist.sections) + 1,
            )
        elif section[0] != values["section"]:
            problems.append(
                Problem(
                    number,
                    get_column_letter(positions["section"] + 1),
                    _("区分コード「%(code)s」の区分名が前の行と違います。")
                    % {"code": values["section_code"]},
                )
            )
            continue
        item_key = (code, values["code"])
        if item_key in item_rows:
            problems.append(
                Problem(
                    number,
                    get_column_letter(positions["code"] + 1),
                    _("項目コード「%(code)s」が %(row)s 行目と重複しています。")
                    % {"code": values["code"], "row": item_rows[item_key]},
                )
            )
            continue
        item_rows[item_key] = number
        checklist.items.append(values)
    if not parsed and not problems:
        problems.append(Problem(0, "", _("点検項目の行がありません。")))
    in_use = _codes_in_use(parsed)
    for code in sorted(in_use):
        problems.append(
            Problem(
                parsed[code].first_row,
                get_column_letter(positions["checklist"] + 1),
                _(
                    "チェックリスト「%(code)s」は自己点検で使われているため置き換えられません。"
                    "別のコードで取り込んでください。"
                )
                % {"code": code},
            )
        )
    if problems:
        raise ChecklistImportError(sorted(problems, key=lambda p: (p.row, p.column)))
    return list(parsed.values())


def _slug(value: str) -> bool:
    return value.isascii() and all(ch.isalnum() or ch in "-_" for ch in value)


def _codes_in_use(parsed: dict[str, ParsedChecklist]) -> set[str]:
    from yakuba.inspections.models import Round

    return set(
        Round.objects.filter(checklists__code__in=list(parsed)).values_list(
            "checklists__code", flat=True
        )
    ) & set(parsed)


def apply(actor: object, parsed: list[ParsedChecklist]) -> list[Checklist]:
    """Write the parsed checklists (new codes created, unused existing ones replaced)."""
    saved = []
    with transaction.atomic():
        for entry in parsed:
            checklist, created = Checklist.objects.get_or_create(
                code=entry.code, defaults={"title": entry.title, "role": entry.role}
            )
            if not created:
                checklist.title, checklist.role = entry.title, entry.role
                checklist.save(update_fields=["title", "role", "updated_at"])
                ChecklistItem.objects.filter(checklist=checklist).delete()
                ChecklistSection.objects.filter(checklist=checklist).delete()
            sections = {
                code: ChecklistSection.objects.create(
                    checklist=checklist, code=code, title=title, order=order
                )
                for code, (title, order) in entry.sections.items()
            }
            for order, values in enumerate(entry.items, start=1):
                ChecklistItem.objects.create(
                    checklist=checklist,
                    section=sections[values["section_code"]],
                    code=values["code"],
                    text=values["text"],
                    guidance=values.get("guidance", ""),
                    basis=values.get("basis", ""),
                    order=order,
                )
            record(
                AuditAction.CREATE if created else AuditAction.UPDATE,
                actor=actor,  # type: ignore[arg-type]
                obj=checklist,
                changes={"imported_items": len(entry.items), "sections": len(sections)},
            )
            saved.append(checklist)
    return saved

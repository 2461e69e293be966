"""Import of units and staff: validate everything first, then write all or nothing.

A file holds one or both layouts (a CSV one table, an .xlsx one per sheet); the
layout of each table is recognised by its header row. Every problem is reported
with the row number, the column and what is wrong, in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.tabular import CellProblem, Sheet, TableReadError, import_limit, read_tables
from yakuba.core.text import (
    is_kana,
    nfkc,
    normalise_kana,
    normalise_name,
    text_problem,
    without_unstorable,
)
from yakuba.org import personnel, services
from yakuba.org.models import EmploymentType, Skill, Staff, Unit, UnitKind

# (field, Japanese header, English header). Export writes the Japanese headers.
STAFF_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("staff_number", "職員番号", "staff_number"),
    ("name", "氏名", "name"),
    ("name_kana", "氏名カナ", "name_kana"),
    ("employment_type", "雇用区分", "employment_type"),
    ("position", "職名", "position"),
    ("unit_code", "所属コード", "unit_code"),
    ("unit_name", "所属名", "unit_name"),
    ("skills", "スキル", "skills"),
    ("email", "メール", "email"),
    ("active", "在職", "active"),
)
UNIT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("code", "所属コード", "code"),
    ("name", "所属名", "name"),
    ("name_kana", "所属名カナ", "name_kana"),
    ("kind", "種別", "kind"),
    ("parent_code", "上位所属コード", "parent_code"),
    ("sort_order", "表示順", "sort_order"),
    ("active", "有効", "active"),
)
_ALIASES = {
    "フリガナ": "name_kana",
    "ふりがな": "name_kana",
    "氏名(カナ)": "name_kana",
    "カナ氏名": "name_kana",
    "メールアドレス": "email",
    "職員id": "staff_number",
    "職員コード": "staff_number",
    "役職": "position",
    "在職区分": "active",
    "資格・スキル": "skills",
}
STAFF_REQUIRED = ("staff_number", "name", "name_kana", "unit_code")
UNIT_REQUIRED = ("code", "name", "kind")

_EMPLOYMENT_LABELS = (
    {nfkc(str(label)): value for value, label in EmploymentType.choices}
    | {value: value for value in EmploymentType.values}
    | {
        "正規職員": EmploymentType.REGULAR,
        "会計年度任用職員": EmploymentType.FISCAL_YEAR,
        "条件付採用職員": EmploymentType.CONDITIONAL,
        "再任用職員": EmploymentType.REAPPOINTED,
        "任期付職員": EmploymentType.FIXED_TERM,
        "臨時的任用職員": EmploymentType.TEMPORARY,
    }
)
_KIND_LABELS = {nfkc(str(label)): value for value, label in UnitKind.choices} | {
    value: value for value in UnitKind.values
}
_TRUE = {"1", "true", "yes", "y", "○", "◯", "在職", "有効", "はい"}
_FALSE = {"0", "false", "no", "n", "×", "退職", "無効", "いいえ", "休職"}
_SKILL_SPLIT = re.compile(r"[、,;；/／・\s]+")
_STAFF_NUMBER = re.compile(r"^[0-9A-Za-z\-]{1,20}$")
_UNIT_CODE = re.compile(r"^[0-9A-Za-z\-_]{1,20}$")
# No field of a unit or a staff member holds more (e-mail: 254); a longer cell is refused
# before it is normalised or quoted in a message.
MAX_CELL = 500


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    name_kana: str
    kind: str
    parent_code: str
    sort_order: int
    active: bool


@dataclass
class StaffRow:
    row: int
    staff_number: str
    name: str
    name_kana: str
    employment_type: str
    position: str
    unit_code: str
    skills: list[str]
    email: str
    active: bool


@dataclass
class ImportPlan:
    units: list[UnitRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    # The first `max_errors` problems are kept to show; the rest are only counted, so a
    # file of 10,000 bad rows does not become 70,000 stored messages and a huge page.
    errors: list[CellProblem] = field(default_factory=list)
    errors_total: int = 0
    max_errors: int = field(default_factory=lambda: import_limit("IMPORT_MAX_ERRORS"))
    # Counted during validation against the database: what applying would do.
    units_new: int = 0
    units_updated: int = 0
    staff_new: int = 0
    staff_updated: int = 0
    # Joiners, movers, leavers… against the database (`personnel.classify`), once the
    # file has no problem.
    staff_plan: personnel.StaffPlan | None = None

    def add_error(self, error: CellProblem) -> None:
        self.errors_total += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(error)

    @property
    def errors_omitted(self) -> int:
        return self.errors_total - len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors_total and bool(self.units or self.staff)

    def summary(self) -> dict[str, int]:
        return {
            "units": len(self.units),
            "units_new": self.units_new,
            "units_updated": self.units_updated,
            "staff": len(self.staff),
            "staff_new": self.staff_new,
            "staff_updated": self.staff_updated,
            "errors": self.errors_total,
            "errors_omitted": self.errors_omitted,
        }

    def preview_summary(self) -> dict[str, Any]:
        """`summary` plus the personnel counts, the effective date and the fingerprint the
        apply compares with (stored on the batch for the preview)."""
        data: dict[str, Any] = dict(self.summary())
        if self.staff_plan is not None:
            data["people"] = self.staff_plan.counts()
            data["effective_date"] = self.staff_plan.effective_date.isoformat()
            data["complete_list"] = self.staff_plan.complete_list
            data["future"] = self.staff_plan.is_future
            data["fingerprint"] = self.staff_plan.fingerprint()
        return data


def _header_key(text: str) -> str:
    return nfkc(text).strip().lower().replace(" ", "")


def _column_map(header: list[str], columns: tuple[tuple[str, str, str], ...]) -> dict[str, int]:
    names = {_header_key(ja): f for f, ja, _en in columns} | {
        _header_key(en): f for f, _ja, en in columns
    }
    names |= {_header_key(k): v for k, v in _ALIASES.items()}
    mapping: dict[str, int] = {}
    for index, head in enumerate(header):
        key = names.get(_header_key(head))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def _label(columns: tuple[tuple[str, str, str], ...], field_name: str) -> str:
    for f, ja, _en in columns:
        if f == field_name:
            return ja
    return field_name


def _clean_cell(value: str) -> str:
    value = value.strip()
    # Undo our own export's formula neutralisation so a round trip is lossless.
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        value = value[1:]
    return value


def _quote(value: str, limit: int = 40) -> str:
    """A cell's value as quoted in a message: short, so a preview of many errors stays small."""
    return value if len(value) <= limit else value[:limit] + "…"


def _parse_bool(raw: str, default: bool = True) -> bool | None:
    if raw == "":
        return default
    key = nfkc(raw).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


class _RowReader:
    def __init__(self, sheet: Sheet, mapping: dict[str, int], columns: Any, plan: ImportPlan):
        self.sheet, self.mapping, self.columns, self.plan = sheet, mapping, columns, plan
        self.row_no = 0
        self.cells: list[str] = []
        self.failed = False

    def start(self, row_no: int, cells: list[str]) -> None:
        self.row_no, self.cells, self.failed = row_no, cells, False

    def get(self, name: str) -> str:
        index = self.mapping.get(name)
        if index is None or index >= len(self.cells):
            return ""
        value = _clean_cell(self.cells[index])
        # The rule every door applies (core.text): no control characters, and no cell
        # longer than any field could hold. Such a cell fails its row; what is returned
        # (cleaned, cut) only lets the row's other checks run without quoting it whole.
        problem = text_problem(value, max_length=MAX_CELL, multiline=True, label="")
        if problem:
            self.error(name, problem)
            return without_unstorable(value)[:MAX_CELL]
        return value

    def limit(self, name: str, value: str, model: Any, field_name: str) -> None:
        """The model field's own maximum length, with the column's name in the message."""
        max_length = model._meta.get_field(field_name).max_length
        if len(value) > max_length:
            self.error(
                name,
                _("%(field)sは%(n)s文字以内で入力してください。")
                % {"field": _label(self.columns, name), "n": max_length},
            )

    def error(self, name: str, message: str) -> None:
        self.failed = True
        self.plan.add_error(
            CellProblem(self.sheet.name, self.row_no, _label(self.columns, name), message)
        )


def _find_header(sheet: Sheet) -> tuple[int, list[str]] | None:
    for index, (_row_no, cells) in enumerate(sheet.rows):
        if any(c.strip() for c in cells):
            return index, cells
    return None


def _detect_layout(header: list[str]) -> str | None:
    staff_map = _column_map(header, STAFF_COLUMNS)
    if "staff_number" in staff_map:
        return "staff"
    unit_map = _column_map(header, UNIT_COLUMNS)
    if "code" in unit_map and "kind" in unit_map:
        return "units"
    return None


def build_plan(
    filename: str,
    data: bytes,
    *,
    effective_date: dt.date | None = None,
    complete_list: bool = False,
    sheets: list[Sheet] | None = None,
) -> ImportPlan:
    """Parse and validate a file against the database, and sort its people into joiners,
    movers, leavers… (`personnel.classify`) as of ``effective_date`` (today if None).
    With ``complete_list`` the file is the whole staff list: active people it leaves out
    become leavers. Writes nothing.

    `sheets`: the file's tables already read and put in our layout (an HR system's export
    after its column mapping, `org.mapping`); then `data` is not read again."""
    plan = ImportPlan()
    if sheets is None:
        try:
            sheets = read_tables(filename, data)
        except TableReadError as exc:
            plan.add_error(CellProblem("", 0, "", str(exc)))
            return plan
    staff_sheets: list[tuple[Sheet, int, list[str]]] = []
    for sheet in sheets:
        found = _find_header(sheet)
        if found is None:
            continue
        header_index, header = found
        layout = _detect_layout(header)
        if layout == "units":
            _read_units(sheet, header_index, header, plan)
        elif layout == "staff":
            staff_sheets.append((sheet, header_index, header))
        else:
            plan.add_error(
                CellProblem(
                    sheet.name,
                    sheet.rows[header_index][0],
                    "",
                    _(
                        "見出し行を認識できません。職員なら「職員番号」「氏名」「氏名カナ」「所属コード」、"
                        "所属なら「所属コード」「所属名」「種別」の列が必要です。"
                    ),
                )
            )
    # Staff refer to units, possibly ones defined in the same file: read units first.
    for sheet, header_index, header in staff_sheets:
        _read_staff(sheet, header_index, header, plan)
    if not plan.errors_total and not plan.units and not plan.staff:
        plan.add_error(CellProblem("", 0, "", _("取り込むデータ行がありません。")))
    if not plan.errors_total and (plan.staff or complete_list):
        plan.staff_plan = personnel.classify(
            plan, effective_date=effective_date, complete_list=complete_list
        )
    return plan


# --- Hook for org.mapping (exports of HR systems in layouts of their own) -----------------


def reads_as_is(sheet: Sheet) -> bool:
    """True when build_plan reads this table as it is: an empty table, or one whose first row
    is a header of ours with every required column. Any other table is mapped first."""
    found = _find_header(sheet)
    if found is None:
        return True
    header = found[1]
    layout = _detect_layout(header)
    if layout == "staff":
        return all(c in _column_map(header, STAFF_COLUMNS) for c in STAFF_REQUIRED)
    if layout == "units":
        return all(c in _column_map(header, UNIT_COLUMNS) for c in UNIT_REQUIRED)
    return False


def employment_type_of(label: str) -> str | None:
    """The EmploymentType value an employment label is known as here (正規職員 …), or None."""
    found = _EMPLOYMENT_LABELS.get(nfkc(label).strip())
    return str(found) if found is not None else None


# --- end of the hook -----------------------------------------------------------------------


def _missing_columns(reader: _RowReader, required: Iterable[str], header_row: int) -> bool:
    missing = [c for c in required if c not in reader.mapping]
    for name in missing:
        reader.plan.add_error(
            CellProblem(
                reader.sheet.name,
                header_row,
                _label(reader.columns, name),
                _("必須の列がありません。"),
            )
        )
    return bool(missing)


def _read_units(sheet: Sheet, header_index: int, header: list[str], plan: ImportPlan) -> None:
    mapping = _column_map(header, UNIT_COLUMNS)
    reader = _RowReader(sheet, mapping, UNIT_COLUMNS, plan)
    if _missing_columns(reader, UNIT_REQUIRED, sheet.rows[header_index][0]):
        return
    existing = {u.code: u for u in Unit.objects.all()}
    seen: dict[str, int] = {}
    rows: list[UnitRow] = []
    for row_no, cells in sheet.rows[header_index + 1 :]:
        if not any(c.strip() for c in cells):
            continue
        reader.start(row_no, cells)
        code = nfkc(reader.get("code"))
        name = normalise_name(reader.get("name"))
        kana = normalise_kana(reader.get("name_kana"))
        kind_raw = nfkc(reader.get("kind"))
        parent_code = nfkc(reader.get("parent_code"))
        order_raw = nfkc(reader.get("sort_order"))
        if not code:
            reader.error("code", _("所属コードが空です。"))
        elif not _UNIT_CODE.match(code):
            reader.error("code", _("所属コードは半角英数字20文字以内で入力してください。"))
        elif code in seen:
            reader.error(
                "code",
                _("所属コード「%(code)s」が%(row)s行目と重複しています。")
                % {"code": code, "row": seen[code]},
            )
        if not name:
            reader.error("name", _("所属名が空です。"))
        elif len(name) > 100:
            reader.error("name", _("所属名は100文字以内で入力してください。"))
        kind = _KIND_LABELS.get(kind_raw)
        if kind is None:
            reader.error(
                "kind",
                _("種別「%(value)s」は使えません。部・課・係のいずれかを入力してください。")
                % {"value": _quote(kind_raw)},
            )
        if kana and not is_kana(kana):
            reader.error("name_kana", _("所属名カナはカタカナで入力してください。"))
        reader.limit("name_kana", kana, Unit, "name_kana")
        sort_order = 0
        if order_raw:
            if order_raw.isdigit():
                sort_order = int(order_raw)
            else:
                reader.error("sort_order", _("表示順は0以上の整数で入力してください。"))
        active = _parse_bool(reader.get("active"))
        if active is None:
            reader.error("active", _("有効は 1/0 または 有効/無効 で入力してください。"))
        if parent_code and parent_code == code:
            reader.error("parent_code", _("上位所属に自分自身は指定できません。"))
        if code and code not in seen:
            seen[code] = row_no
        if not reader.failed:
            rows.append(
                UnitRow(row_no, code, name, kana, kind or "", parent_code, sort_order, bool(active))
            )
    codes_in_file = {r.code for r in rows}
    by_code = {r.code: r for r in rows}
    for r in rows:
        if r.parent_code and r.parent_code not in codes_in_file and r.parent_code not in existing:
            plan.add_error(
                CellProblem(
                    sheet.name,
                    r.row,
                    _label(UNIT_COLUMNS, "parent_code"),
                    _("上位所属コード「%(code)s」が見つかりません。")
                    % {"code": _quote(r.parent_code)},
                )
            )
    # A cycle among the file's parent links would make the tree unbuildable.
    for r in rows:
        path: set[str] = set()
        current: UnitRow | None = r
        while current is not None and current.parent_code:
            if current.code in path:
                plan.add_error(
                    CellProblem(
                        sheet.name,
                        r.row,
                        _label(UNIT_COLUMNS, "parent_code"),
                        _("上位所属の指定が循環しています。"),
                    )
                )
                break
            path.add(current.code)
            current = by_code.get(current.parent_code)
    plan.units.extend(rows)
    for r in rows:
        if r.code in existing:
            plan.units_updated += 1
        else:
            plan.units_new += 1


def _read_staff(sheet: Sheet, header_index: int, header: list[str], plan: ImportPlan) -> None:
    mapping = _column_map(header, STAFF_COLUMNS)
    reader = _RowReader(sheet, mapping, STAFF_COLUMNS, plan)
    if _missing_columns(reader, STAFF_REQUIRED, sheet.rows[header_index][0]):
        return
    # Whether each unit is in use (the file's unit rows decide for the units they list).
    unit_active = dict(Unit.objects.values_list("code", "active")) | {
        u.code: u.active for u in plan.units
    }
    unit_codes = set(unit_active)
    current_unit = dict(Staff.objects.values_list("staff_number", "unit__code"))
    skills_by_key = {}
    for skill in Skill.objects.all():
        skills_by_key[nfkc(skill.name)] = skill.name
        skills_by_key[nfkc(skill.code).lower()] = skill.name
    existing_numbers = set(Staff.objects.values_list("staff_number", flat=True))
    seen: dict[str, int] = {}
    for row_no, cells in sheet.rows[header_index + 1 :]:
        if not any(c.strip() for c in cells):
            continue
        reader.start(row_no, cells)
        number = nfkc(reader.get("staff_number"))
        name = normalise_name(reader.get("name"))
        kana = normalise_kana(reader.get("name_kana"))
        emp_raw = nfkc(reader.get("employment_type"))
        position = normalise_name(reader.get("position"))
        unit_code = nfkc(reader.get("unit_code"))
        email = nfkc(reader.get("email")).strip()
        active = _parse_bool(reader.get("active"))
        if not number:
            reader.error("staff_number", _("職員番号が空です。"))
        elif not _STAFF_NUMBER.match(number):
            reader.error(
                "staff_number",
                _("職員番号「%(value)s」は半角英数字20文字以内で入力してください。")
                % {"value": _quote(number)},
            )
        elif number in seen:
            reader.error(
                "staff_number",
                _("職員番号「%(value)s」が%(row)s行目と重複しています。")
                % {"value": number, "row": seen[number]},
            )
        if not name:
            reader.error("name", _("氏名が空です。"))
        elif len(name) > 100:
            reader.error("name", _("氏名は100文字以内で入力してください。"))
        if not kana:
            reader.error("name_kana", _("氏名カナが空です。"))
        elif not is_kana(kana):
            reader.error(
                "name_kana",
                _("氏名カナ「%(value)s」にカタカナ以外の文字が含まれています。")
                % {"value": _quote(kana)},
            )
        else:
            reader.limit("name_kana", kana, Staff, "name_kana")
        employment_type: str = EmploymentType.REGULAR
        if emp_raw:
            found = _EMPLOYMENT_LABELS.get(emp_raw)
            if found is None:
                reader.error(
                    "employment_type",
                    _(
                        "雇用区分「%(value)s」は使えません。正規・会計年度任用・条件付採用・再任用・任期付・臨時的任用のいずれかを入力してください。"
                    )
                    % {"value": _quote(emp_raw)},
                )
            else:
                employment_type = found
        if len(position) > 50:
            reader.error("position", _("職名は50文字以内で入力してください。"))
        if not unit_code:
            reader.error("unit_code", _("所属コードが空です。"))
        elif unit_code not in unit_codes:
            reader.error(
                "unit_code",
                _("所属コード「%(value)s」の所属が登録されていません。")
                % {"value": _quote(unit_code)},
            )
        elif (
            not unit_active[unit_code]
            and current_unit.get(number) != unit_code
            and active is not False
        ):
            # Nobody in service is moved into (or hired by) a unit no longer in use.
            reader.error(
                "unit_code",
                _("所属コード「%(value)s」の所属は無効になっているため、職員を配属できません。")
                % {"value": _quote(unit_code)},
            )
        skill_names: list[str] = []
        for token in _SKILL_SPLIT.split(nfkc(reader.get("skills"))):
            if not token:
                continue
            skill_name = skills_by_key.get(token) or skills_by_key.get(token.lower())
            if skill_name is None:
                reader.error(
                    "skills",
                    _("スキル「%(value)s」は登録されていません。") % {"value": _quote(token)},
                )
            elif skill_name not in skill_names:
                skill_names.append(skill_name)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                reader.error(
                    "email",
                    _("メールアドレス「%(value)s」の形式が正しくありません。")
                    % {"value": _quote(email)},
                )
            else:
                reader.limit("email", email, Staff, "email")
        if active is None:
            reader.error("active", _("在職は 1/0 または 在職/退職 で入力してください。"))
        if number and number not in seen:
            seen[number] = row_no
        if not reader.failed:
            plan.staff.append(
                StaffRow(
                    row_no,
                    number,
                    name,
                    kana,
                    employment_type,
                    position,
                    unit_code,
                    skill_names,
                    email,
                    bool(active),
                )
            )
            if number in existing_numbers:
                plan.staff_updated += 1
            else:
                plan.staff_new += 1


@dataclass
class ApplyResult:
    units_created: int = 0
    units_updated: int = 0
    staff_created: int = 0
    staff_updated: int = 0
    unchanged: int = 0
    # The personnel side (`personnel.apply_staff`): moves, leavers… applied now, changes
    # scheduled for the effective date, pending changes replaced, accounts disabled.
    people: dict[str, Any] = field(default_factory=dict)
    # Joiners in service now: `org.joiners.create_joiner_accounts` runs after the commit.
    joiner_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = self.__dict__.copy()
        data.pop("joiner_ids")
        return data


class ImportRejected(ValueError):
    def __init__(self, errors: list[CellProblem]):
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@transaction.atomic
def apply_plan(
    plan: ImportPlan, *, actor: User | None, source: str, batch_id: int | None = None
) -> ApplyResult:
    """Write the plan: all rows or none. Re-import updates by code/staff number; people
    are written in bulk by `personnel.apply_staff` (moves, leavers… on the effective date)."""
    if plan.errors_total:
        raise ImportRejected(plan.errors)
    if actor is not None and not actor.can(Capability.IMPORT_ORG):
        raise PermissionDenied("cannot import")
    if plan.staff_plan is None and plan.staff:
        plan.staff_plan = personnel.classify(plan, effective_date=None, complete_list=False)
    result = ApplyResult()
    units = {u.code: u for u in Unit.objects.select_for_update().all()}
    # Parents before children: create all missing units first, then fix parents.
    pending = list(plan.units)
    for r in pending:
        unit = units.get(r.code)
        values = {
            "code": r.code,
            "name": r.name,
            "name_kana": r.name_kana,
            "kind": r.kind,
            "sort_order": r.sort_order,
            "active": r.active,
        }
        if unit is None:
            values["parent"] = None
            unit = services.save_unit(actor=actor, unit=None, values=values)
            units[r.code] = unit
            result.units_created += 1
        else:
            before = (unit.name, unit.name_kana, unit.kind, unit.sort_order, unit.active)
            if before != (r.name, r.name_kana, r.kind, r.sort_order, r.active):
                services.save_unit(actor=actor, unit=unit, values=values | {"parent": unit.parent})
                result.units_updated += 1
            else:
                result.unchanged += 1
    for r in sorted(pending, key=lambda r: _depth(r.code, {x.code: x for x in pending})):
        unit = units[r.code]
        parent = units.get(r.parent_code) if r.parent_code else None
        if unit.parent_id != (parent.pk if parent else None):
            unit.refresh_from_db()
            services.save_unit(actor=actor, unit=unit, values={"parent": parent})
    summary: dict[str, Any] = {}
    if plan.staff_plan is not None:
        staff = personnel.apply_staff(plan, units, actor=actor, batch_id=batch_id)
        result.staff_created = staff.created
        result.staff_updated = staff.updated
        result.unchanged += staff.unchanged
        result.people = staff.as_dict()
        result.joiner_ids = staff.joiner_ids
        summary = {
            "effective_date": plan.staff_plan.effective_date.isoformat(),
            "complete_list": plan.staff_plan.complete_list,
            "planned": plan.staff_plan.counts(),
        }
    record(
        AuditAction.IMPORT,
        actor=actor,
        object_type="org.import",
        object_id=str(batch_id or ""),
        object_repr=source[:200],
        changes=result.as_dict() | summary,
    )
    return result


def _depth(code: str, rows: dict[str, UnitRow]) -> int:
    depth, current, guard = 0, rows.get(code), 0
    while current is not None and current.parent_code and guard < 50:
        depth += 1
        guard += 1
        current = rows.get(current.parent_code)
    return depth

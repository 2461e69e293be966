"""Importing the procedure inventory (手続の棚卸し表) from .xlsx or CSV (UTF-8 or CP932).

The layout municipalities used: one row per procedure or form, Japanese headers, often one
sheet per department filled by hand and merged by the planning unit. Headers (variants in
`ALIASES`): 手続ID, 部署 (所属・所管課; a unit's name or code), 手続名, 様式名, 根拠法令等,
年間件数, 押印・署名, 書面, 対面, 添付書類, 手数料, オンライン対応状況. The header row is the
first row (of the first ten) that holds at least three known headers, so a title line
above it is fine. A 部 column, or a sheet named after a department, tells apart units of
the same name in different departments.

`check_file` reads every row and lists every problem (sheet, row, column, a Japanese
message) — wrong or missing headers, duplicate IDs, unknown units, bad numbers and yes/no
values, formula cells, an unreadable encoding, too many rows — and compares the rows with
the inventory by the stable 手続ID (new / changed / unchanged, and the procedures the file
no longer lists). It writes nothing. `apply_rows` writes a checked file in one transaction
with one audit entry holding the counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.conf import setting
from yakuba.core.tabular import CellProblem, Sheet, TableReadError, import_limit, read_tables
from yakuba.core.text import nfkc, text_problem
from yakuba.org.models import Unit, UnitKind
from yakuba.reviews.models import OnlineAvailability, Procedure, SealKind

ID, UNIT, DEPARTMENT, NAME, FORM = "手続ID", "部署", "部", "手続名", "様式名"
LEGAL, COUNT, SEAL, PAPER, IN_PERSON = "根拠法令等", "年間件数", "押印・署名", "書面", "対面"
ATTACHMENTS, FEE, ONLINE = "添付書類", "手数料", "オンライン対応状況"
# The columns of the template, in its order.
COLUMNS = (ID, UNIT, NAME, FORM, LEGAL, COUNT, SEAL, PAPER, IN_PERSON, ATTACHMENTS, FEE, ONLINE)
REQUIRED = (ID, UNIT, NAME, SEAL, PAPER, IN_PERSON)
# Columns people add to their sheets that the import reads past.
IGNORED = {"備考", "no", "no.", "番号", "連番", "項番", "通し番号", "記入者", "連絡先", "メモ"}

_ALIAS_LIST: dict[str, tuple[str, ...]] = {
    ID: ("手続id", "手続番号", "手続コード", "整理番号", "管理番号", "id", "procedure id"),
    UNIT: (
        "部署",
        "所属",
        "所管課",
        "担当課",
        "課名",
        "所属名",
        "部署名",
        "担当部署",
        "課",
        "所管",
        "unit",
        "department/unit",
    ),
    DEPARTMENT: ("部", "部名", "所管部", "department"),
    NAME: ("手続名", "手続の名称", "手続名称", "事務名", "手続", "procedure", "name"),
    FORM: ("様式名", "様式", "書類名", "様式の名称", "申請書等の名称", "form"),
    LEGAL: (
        "根拠法令等",
        "根拠法令",
        "根拠法令・条例・規則・要綱",
        "根拠法令・条例等",
        "根拠規定",
        "根拠",
        "legal basis",
    ),
    COUNT: ("年間件数", "件数", "年間処理件数", "年間取扱件数", "件数（年間）", "annual count"),
    SEAL: (
        "押印・署名",
        "押印",
        "押印の有無",
        "押印/署名",
        "署名・押印",
        "押印等",
        "押印・署名の有無",
        "seal",
    ),
    PAPER: ("書面", "書面の有無", "書面提出", "書面（紙）", "紙", "paper"),
    IN_PERSON: ("対面", "来庁", "対面の有無", "来庁の要否", "対面（来庁）", "in person"),
    ATTACHMENTS: ("添付書類", "添付", "添付書類等", "attachments"),
    FEE: ("手数料", "手数料（円）", "手数料(円)", "fee"),
    ONLINE: (
        "オンライン対応状況",
        "オンライン",
        "オンライン化の状況",
        "電子申請",
        "オンライン対応",
        "online",
    ),
}
ALIASES: dict[str, str] = {
    nfkc(alias).strip().lower(): column
    for column, aliases in _ALIAS_LIST.items()
    for alias in (column, *aliases)
}

_YES = {"○", "〇", "◯", "●", "◎", "有", "あり", "有り", "要", "必要", "はい", "y", "yes", "1"}
_YES |= {"true", "✓", "レ", "済"}
_NO = {"×", "✕", "✖", "無", "なし", "無し", "不要", "いいえ", "n", "no", "0", "false"}
_NO |= {"-", "ー", "－", "―", "‐", "—"}
_SEAL = {
    "押印": SealKind.SEAL,
    "印": SealKind.SEAL,
    "要押印": SealKind.SEAL,
    "記名押印": SealKind.SEAL,
    "実印": SealKind.SEAL,
    "認印": SealKind.SEAL,
    "押印必要": SealKind.SEAL,
    "署名": SealKind.SIGNATURE,
    "自署": SealKind.SIGNATURE,
    "サイン": SealKind.SIGNATURE,
    "記名押印又は署名": SealKind.SEAL_OR_SIGNATURE,
    "記名押印または署名": SealKind.SEAL_OR_SIGNATURE,
    "押印又は署名": SealKind.SEAL_OR_SIGNATURE,
    "押印または署名": SealKind.SEAL_OR_SIGNATURE,
    "署名又は押印": SealKind.SEAL_OR_SIGNATURE,
    "署名または押印": SealKind.SEAL_OR_SIGNATURE,
    "押印・署名": SealKind.SEAL_OR_SIGNATURE,
    "押印/署名": SealKind.SEAL_OR_SIGNATURE,
    "いずれか": SealKind.SEAL_OR_SIGNATURE,
}
_ONLINE = {
    "可": OnlineAvailability.FULL,
    "対応済": OnlineAvailability.FULL,
    "対応済み": OnlineAvailability.FULL,
    "済": OnlineAvailability.FULL,
    "オンライン可": OnlineAvailability.FULL,
    "電子申請可": OnlineAvailability.FULL,
    "全部": OnlineAvailability.FULL,
    "一部": OnlineAvailability.PARTIAL,
    "一部可": OnlineAvailability.PARTIAL,
    "一部対応": OnlineAvailability.PARTIAL,
    "△": OnlineAvailability.PARTIAL,
    "不可": OnlineAvailability.NONE,
    "未対応": OnlineAvailability.NONE,
    "対応なし": OnlineAvailability.NONE,
}
_NUMBER = re.compile(r"^(約|およそ)?(\d{1,3}(,\d{3})+|\d+)(件|円)?$")
MAX_COUNT = 100_000_000
# Fields a row writes (and compares, to tell a changed procedure from an unchanged one).
FIELDS = (
    "unit_id",
    "name",
    "form_name",
    "legal_basis",
    "annual_count",
    "seal",
    "paper",
    "in_person",
    "attachments",
    "fee_yen",
    "online",
)
HEADER_SCAN_ROWS = 10


def max_rows() -> int:
    """Rows one inventory file may hold (all sheets; REVIEWS_IMPORT_MAX_ROWS)."""
    return int(setting("REVIEWS_IMPORT_MAX_ROWS", 50_000))


@dataclass
class Check:
    problems: list[CellProblem] = field(default_factory=list)
    more_problems: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reactivated: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more_problems

    def summary(self) -> dict[str, Any]:
        return {
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "reactivated": self.reactivated,
            "missing": len(self.missing),
            "missing_ids": self.missing[:200],
            "problems": len(self.problems) + self.more_problems,
            "more_problems": self.more_problems,
        }


class _Collector:
    def __init__(self, check: Check) -> None:
        self.check = check
        self.limit = import_limit("IMPORT_MAX_ERRORS")

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        if len(self.check.problems) < self.limit:
            self.check.problems.append(CellProblem(sheet, row, column, message))
        else:
            self.check.more_problems += 1


def _key(text: str) -> str:
    return re.sub(r"\s+", "", nfkc(text)).lower()


class UnitIndex:
    """Units by code and by name; a name shared by several units is told apart by the
    department (部) the row or the sheet names."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self.units = [u for u in units if u.active]
        self.by_code = {_key(u.code): u for u in self.units}
        self.by_name: dict[str, list[Unit]] = {}
        for u in self.units:
            self.by_name.setdefault(_key(u.name), []).append(u)
        self.departments = {_key(u.name): u for u in self.units if u.kind == UnitKind.DEPARTMENT}

    def resolve(self, text: str, *hints: str) -> tuple[Unit | None, str]:
        """The unit meant by ``text`` ("市民課", "0301", "市民部 市民課", "市民部/市民課"),
        or None and the reason."""
        parts = [p for p in re.split(r"[\s/／>＞・]+", nfkc(text).strip()) if p]
        if not parts:
            return None, _("部署が空欄です。")
        if len(parts) > 1:
            hints = (parts[0], *hints)
        wanted = _key(parts[-1])
        if wanted in self.by_code:
            return self.by_code[wanted], ""
        candidates = self.by_name.get(wanted, [])
        if len(candidates) > 1:
            for hint in hints:
                department = self.departments.get(_key(hint))
                if department is None:
                    continue
                inside = [u for u in candidates if u.path.startswith(department.path)]
                if len(inside) == 1:
                    return inside[0], ""
            return None, _(
                "部署「%(name)s」は %(n)s か所あります（%(where)s）。所属コードか「部名 課名」で"
                "指定するか、「部」の列に部名を入れてください。"
            ) % {
                "name": text,
                "n": len(candidates),
                "where": "、".join(u.code for u in candidates[:5]),
            }
        if candidates:
            return candidates[0], ""
        return None, _(
            "部署「%(name)s」は組織に登録されていません。所属名か所属コードで指定してください。"
        ) % {"name": text}


def _header(cells: Sequence[str]) -> tuple[dict[str, int], list[tuple[int, str]], list[str]]:
    """Column index of each known header; the unknown headers; columns given twice."""
    found: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    twice: list[str] = []
    for index, cell in enumerate(cells):
        text = nfkc(cell).strip()
        if not text:
            continue
        column = ALIASES.get(text.lower()) or ALIASES.get(_key(text))
        if column is None:
            if text.lower() not in IGNORED:
                unknown.append((index, cell.strip()))
            continue
        if column in found:
            twice.append(column)
            continue
        found[column] = index
    return found, unknown, twice


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _find_header(rows: list[tuple[int, list[str]]]) -> int | None:
    for position, (_n, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        found, _unknown, _twice = _header(cells)
        if len(found) >= 3:
            return position
    return None


def is_formula(value: str) -> bool:
    return value.startswith("=") and len(value) > 1


_YES_KEYS = {nfkc(v).lower() for v in _YES}
_NO_KEYS = {nfkc(v).lower() for v in _NO}


def parse_yes_no(value: str) -> bool | None:
    """○ / × and their variants (有・無, 要・不要, はい・いいえ …); None if unreadable."""
    text = nfkc(value).strip().lower()
    if text in _YES_KEYS:
        return True
    if text in _NO_KEYS:
        return False
    return None


def parse_seal(value: str) -> str | None:
    text = nfkc(value).strip()
    if text in _SEAL:
        return _SEAL[text]
    for key, kind in _SEAL.items():
        if nfkc(key) == text:
            return kind
    answer = parse_yes_no(text)
    if answer is None:
        return None
    return SealKind.SEAL if answer else SealKind.NONE


def parse_online(value: str) -> str | None:
    text = nfkc(value).strip()
    if not text:
        return OnlineAvailability.NONE
    if text in _ONLINE:
        return _ONLINE[text]
    answer = parse_yes_no(text)
    if answer is None:
        return None
    return OnlineAvailability.FULL if answer else OnlineAvailability.NONE


def parse_number(value: str) -> int | None:
    """「1,200」「約300件」「３００円」→ the number; None if unreadable."""
    text = nfkc(value).strip().replace(" ", "")
    match = _NUMBER.match(text)
    if not match:
        return None
    return int(match.group(2).replace(",", ""))


def check_file(filename: str, data: bytes) -> Check:
    """Every problem of the file and what it would change; writes nothing."""
    check = Check()
    collector = _Collector(check)
    try:
        sheets = read_tables(filename, data, keep_formulas=True, max_rows=max_rows())
    except TableReadError as exc:
        collector.add("", 0, "", str(exc))
        return check
    index = UnitIndex(Unit.objects.all())
    seen: dict[str, tuple[str, int]] = {}
    for sheet in sheets:
        _check_sheet(sheet, collector, index, seen)
    if not check.rows and not check.problems:
        collector.add(sheets[0].name if sheets else "", 0, "", _("取り込む手続の行がありません。"))
    if check.ok:
        _compare(check)
    else:
        check.rows = []
    return check


def _check_sheet(
    sheet: Sheet, collector: _Collector, index: UnitIndex, seen: dict[str, tuple[str, int]]
) -> None:
    rows = [(n, cells) for n, cells in sheet.rows if any(cells)]
    if not rows:
        return
    position = _find_header(rows)
    if position is None:
        header_row, header_cells = rows[0]
        found, _unknown, _twice = _header(header_cells)
        missing = [c for c in REQUIRED if c not in found]
        collector.add(
            sheet.name,
            header_row,
            "",
            _(
                "見出し行が見つかりません（最初の%(n)s行に「%(required)s」などの見出しがありません）。"
                "テンプレートの見出しを使ってください。"
            )
            % {"n": HEADER_SCAN_ROWS, "required": "」「".join(missing or REQUIRED)},
        )
        return
    header_row, header_cells = rows[position]
    columns, unknown, twice = _header(header_cells)
    for col_index, text in unknown:
        collector.add(
            sheet.name,
            header_row,
            _letter(col_index),
            _(
                "見出し「%(text)s」は取り込めない列です（使える見出し：%(known)s）。"
                "不要な列は削除するか、見出しを「備考」にしてください。"
            )
            % {"text": text, "known": "、".join(COLUMNS)},
        )
    for column in twice:
        collector.add(
            sheet.name,
            header_row,
            column,
            _("「%(column)s」に当たる列が2つあります。1つにしてください。") % {"column": column},
        )
    missing = [c for c in REQUIRED if c not in columns]
    for column in missing:
        collector.add(
            sheet.name,
            header_row,
            column,
            _("見出し行に「%(column)s」の列がありません（必要な列：%(required)s）。")
            % {"column": column, "required": "、".join(REQUIRED)},
        )
    if missing or unknown or twice:
        return
    letters = {name: f"{name}（{_letter(i)}列）" for name, i in columns.items()}

    for row_number, cells in rows[position + 1 :]:

        def add(column: str, message: str, row: int = row_number) -> None:
            collector.add(sheet.name, row, letters.get(column, column), message)

        def cell(name: str, cells: list[str] = cells) -> str:
            i = columns.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        formula = False
        for i, value in enumerate(cells):
            if is_formula(value):
                formula = True
                collector.add(
                    sheet.name,
                    row_number,
                    _letter(i),
                    _("数式が入っています（%(formula)s）。値に置き換えてください。")
                    % {"formula": value[:40]},
                )
        if formula:
            continue
        bad = False
        procedure_id = nfkc(cell(ID)).strip()
        problem = (
            _("手続IDが空欄です。")
            if not procedure_id
            else text_problem(procedure_id, max_length=50, label=ID)
        )
        if problem:
            add(ID, problem)
            bad = True
        elif procedure_id in seen:
            first_sheet, first_row = seen[procedure_id]
            add(
                ID,
                _(
                    "手続ID「%(id)s」は %(sheet)s の %(row)s 行目と重複しています。"
                    "手続ごとに別のIDにしてください。"
                )
                % {"id": procedure_id, "sheet": first_sheet, "row": first_row},
            )
            bad = True
        else:
            seen[procedure_id] = (sheet.name, row_number)
        hints = [cell(DEPARTMENT), sheet.name]
        unit, reason = index.resolve(cell(UNIT), *hints)
        if unit is None:
            add(UNIT, reason)
            bad = True
        texts = {}
        for name, max_length, required in (
            (NAME, 200, True),
            (FORM, 200, False),
            (LEGAL, 500, False),
            (ATTACHMENTS, 500, False),
        ):
            # A line break typed in a cell (Alt+Enter) is a space here.
            value = re.sub(r"\s*[\r\n\t]+\s*", " ", cell(name))
            if required and not value:
                add(name, _("「%(column)s」が空欄です。") % {"column": name})
                bad = True
                continue
            problem = text_problem(value, max_length=max_length, label=name)
            if problem:
                add(name, problem)
                bad = True
            texts[name] = value
        numbers: dict[str, int | None] = {}
        for name, unit_word in ((COUNT, _("件数")), (FEE, _("金額"))):
            raw = cell(name)
            if not raw or nfkc(raw).strip() in {"不明", "-", "ー", "－", "―"}:
                numbers[name] = None
                continue
            if name == FEE and nfkc(raw).strip() in {"無料", "なし", "無", "不要"}:
                numbers[name] = 0
                continue
            number = parse_number(raw)
            if number is None or number > MAX_COUNT:
                add(
                    name,
                    _(
                        "「%(value)s」は%(what)sとして読み取れません。"
                        "0以上の整数で入れてください（例：1200、1,200）。"
                    )
                    % {"value": raw, "what": unit_word},
                )
                bad = True
            numbers[name] = number
        seal = parse_seal(cell(SEAL))
        if seal is None:
            add(
                SEAL,
                _(
                    "「%(value)s」は押印・署名の欄として読み取れません"
                    "（押印／署名／押印又は署名／不要、または ○・×）。"
                )
                % {"value": cell(SEAL)}
                if cell(SEAL)
                else _("「押印・署名」が空欄です（押印／署名／押印又は署名／不要）。"),
            )
            bad = True
        flags: dict[str, bool] = {}
        for name in (PAPER, IN_PERSON):
            answer = parse_yes_no(cell(name))
            if answer is None:
                add(
                    name,
                    _("「%(value)s」は「%(column)s」の欄として読み取れません（○ または ×）。")
                    % {"value": cell(name), "column": name}
                    if cell(name)
                    else _("「%(column)s」が空欄です（○ または ×）。") % {"column": name},
                )
                bad = True
            else:
                flags[name] = answer
        online = parse_online(cell(ONLINE))
        if online is None:
            add(
                ONLINE,
                _("「%(value)s」はオンライン対応状況として読み取れません（可／一部可／不可）。")
                % {"value": cell(ONLINE)},
            )
            bad = True
        if bad or unit is None or seal is None or online is None:
            continue
        collector.check.rows.append(
            {
                "procedure_id": procedure_id,
                "sheet": sheet.name,
                "row": row_number,
                "unit_id": unit.pk,
                "name": texts[NAME],
                "form_name": texts.get(FORM, ""),
                "legal_basis": texts.get(LEGAL, ""),
                "annual_count": numbers.get(COUNT),
                "seal": str(seal),
                "paper": flags[PAPER],
                "in_person": flags[IN_PERSON],
                "attachments": texts.get(ATTACHMENTS, ""),
                "fee_yen": numbers.get(FEE),
                "online": str(online),
            }
        )


def _compare(check: Check) -> None:
    """Mark each row new / changed / unchanged against the inventory (one query) and list
    the active procedures the file does not name."""
    existing = {
        values["procedure_id"]: values
        for values in Procedure.objects.values("procedure_id", "active", *FIELDS)
    }
    named = set()
    for row in check.rows:
        named.add(row["procedure_id"])
        current = existing.get(row["procedure_id"])
        if current is None:
            row["change"] = "created"
            check.created += 1
        elif any(current[f] != row[f] for f in FIELDS) or not current["active"]:
            row["change"] = "updated"
            check.updated += 1
            check.reactivated += not current["active"]
        else:
            row["change"] = "unchanged"
            check.unchanged += 1
    check.missing = sorted(
        pid for pid, values in existing.items() if values["active"] and pid not in named
    )


@dataclass(frozen=True)
class Applied:
    created: int
    updated: int
    unchanged: int
    deactivated: int

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
        }


BATCH = 1000


def apply_rows(
    *,
    actor: Any,
    rows: list[dict[str, Any]],
    deactivate_missing: bool,
    filename: str = "",
    import_id: int | None = None,
) -> Applied:
    """Write checked rows in one transaction (compared again with the inventory as it is
    now: a row changed meanwhile is still written as the file says); one audit entry."""
    from yakuba.reviews.models import department_of

    now = timezone.now()
    unit_ids = {row["unit_id"] for row in rows}
    units = Unit.objects.in_bulk(unit_ids)
    departments = {pk: department_of(unit) for pk, unit in units.items()}
    with transaction.atomic():
        # The whole inventory, locked (tens of thousands of rows at most): no IN list that
        # could outgrow a database's parameter limit.
        existing = {p.procedure_id: p for p in Procedure.objects.select_for_update()}
        create: list[Procedure] = []
        update: list[Procedure] = []
        unchanged = 0
        for row in rows:
            values = {f: row[f] for f in FIELDS}
            if row["unit_id"] not in units:
                raise ValueError(f"unit {row['unit_id']} no longer exists")
            department = departments[row["unit_id"]]
            values["department_id"] = department.pk if department is not None else None
            current = existing.get(row["procedure_id"])
            if current is None:
                create.append(
                    Procedure(
                        procedure_id=row["procedure_id"], created_at=now, updated_at=now, **values
                    )
                )
                continue
            if all(getattr(current, f) == v for f, v in values.items()) and current.active:
                unchanged += 1
                continue
            for f, v in values.items():
                setattr(current, f, v)
            current.active = True
            current.updated_at = now
            update.append(current)
        Procedure.objects.bulk_create(create, batch_size=BATCH)
        Procedure.objects.bulk_update(
            update, [*FIELDS, "department_id", "active", "updated_at"], batch_size=BATCH
        )
        deactivated = 0
        if deactivate_missing:
            named = [r["procedure_id"] for r in rows]
            deactivated = _deactivate_unnamed(set(named), now)
        applied = Applied(len(create), len(update), unchanged, deactivated)
        record(
            AuditAction.IMPORT,
            actor=actor,
            object_type="reviews.procedure",
            object_id=str(import_id or ""),
            object_repr=f"手続の棚卸し表 {filename}"[:200],
            changes={"rows": len(rows), **applied.as_dict()},
        )
    return applied


def _deactivate_unnamed(named: set[str], now: Any) -> int:
    """Deactivate active procedures not in ``named`` without one huge NOT IN list."""
    ids = [
        pk
        for pk, pid in Procedure.objects.filter(active=True).values_list("pk", "procedure_id")
        if pid not in named
    ]
    done = 0
    for start in range(0, len(ids), BATCH):
        done += Procedure.objects.filter(pk__in=ids[start : start + BATCH]).update(
            active=False, updated_at=now
        )
    return done


# An example row of the template (a procedure every municipality has).
EXAMPLE_ROW = (
    "SHIMIN-0001",
    "市民課",
    "住民票の写しの交付申請",
    "住民票の写し等交付申請書",
    "住民基本台帳法第12条",
    48000,
    "不要",
    "○",
    "○",
    "本人確認書類（運転免許証等）",
    300,
    "一部可",
)


def template_xlsx() -> bytes:
    """The empty inventory with its headers and one example row (to overwrite)."""
    from yakuba.core.tabular import write_xlsx

    return write_xlsx([(_("手続の棚卸し表"), COLUMNS, [EXAMPLE_ROW])])

"""Importing the external evaluators' comments from .xlsx (or CSV) via `core.tabular`.

Columns (Japanese headers; English aliases accepted): 年度 / 施策コード / 見出し / 意見,
optionally 評価者. The first non-empty row of each sheet is its header. ``check`` reads
every row and lists every problem — sheet, row, column, a Japanese message — and writes
nothing; ``apply`` writes only a file without problems, in one transaction. A comment
already registered under the same heading of the same year (same text, whitespace and
full/half width aside) is skipped, so importing a file twice adds nothing.

The preview carries the checked rows to the confirmation step signed
(`django.core.signing`): nothing is stored between the two steps, and the rows are checked
again before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import Entry, record_many
from yakuba.core.tabular import Sheet, TableReadError, import_limit, read_tables
from yakuba.core.text import nfkc, text_problem
from yakuba.policies.models import (
    FIRST_FISCAL_YEAR,
    LAST_FISCAL_YEAR,
    Comment,
    CommentHeading,
    CommentSource,
    PolicyYear,
    fiscal_year_label,
    text_key,
)
from yakuba.policies.services import next_order, require_manager

YEAR, CODE, HEADING, TEXT, EVALUATOR = "年度", "施策コード", "見出し", "意見", "評価者"
REQUIRED = (YEAR, CODE, HEADING, TEXT)
ALIASES = {
    "年度": YEAR,
    "fiscal year": YEAR,
    "fiscal_year": YEAR,
    "year": YEAR,
    "施策コード": CODE,
    "施策番号": CODE,
    "policy code": CODE,
    "policy": CODE,
    "code": CODE,
    "見出し": HEADING,
    "区分": HEADING,
    "heading": HEADING,
    "意見": TEXT,
    "意見・提案等": TEXT,
    "コメント": TEXT,
    "comment": TEXT,
    "評価者": EVALUATOR,
    "委員": EVALUATOR,
    "evaluator": EVALUATOR,
}
TEXT_MAX = Comment._meta.get_field("text").max_length or 4000
EVALUATOR_MAX = Comment._meta.get_field("evaluator").max_length or 100
SIGNING_SALT = "policies.comment-import"
ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}
_ERA_RE = re.compile(r"^(令和|平成|R|H)(元|\d{1,2})(年度?)?$")
_YEAR_RE = re.compile(r"^(\d{4})(年度?)?$")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class Planned:
    """A comment of the file that is not registered yet."""

    sheet: str
    row: int
    year_id: int
    heading_id: int
    text: str
    evaluator: str


@dataclass
class Check:
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    planned: list[Planned] = field(default_factory=list)
    existing: int = 0  # rows already registered (skipped)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more_problems


def parse_fiscal_year(value: str) -> int | None:
    """2020, 2020年度, 令和2年度, R2, 令和元年度 → 2020 / 2019; None if unreadable."""
    text = nfkc(value).strip().replace(" ", "")
    match = _YEAR_RE.match(text)
    if match:
        year = int(match.group(1))
    else:
        era = _ERA_RE.match(text.upper() if text[:1].isascii() else text)
        if not era:
            return None
        n = 1 if era.group(2) == "元" else int(era.group(2))
        year = ERAS[era.group(1)] + n
    return year if FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR else None


def _header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column index of each known header; the unknown headers."""
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        key = ALIASES.get(nfkc(cell).strip().lower()) or ALIASES.get(cell.strip())
        if key is None:
            if cell.strip():
                unknown.append(cell.strip())
            continue
        found.setdefault(key, index)
    return found, unknown


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class _Collector:
    def __init__(self) -> None:
        self.check = Check()
        self.limit = import_limit("IMPORT_MAX_ERRORS")

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        if len(self.check.problems) < self.limit:
            self.check.problems.append(Problem(sheet, row, column, message))
        else:
            self.check.more_problems += 1


def check_file(filename: str, data: bytes) -> Check:
    """Every problem of the file and the comments it would add; writes nothing."""
    collector = _Collector()
    try:
        sheets = read_tables(filename, data)
    except TableReadError as exc:
        collector.add("", 0, "", str(exc))
        return collector.check
    years = {
        (y.policy.code.upper(), y.fiscal_year): y
        for y in PolicyYear.objects.select_related("policy")
    }
    codes = {code for code, _year in years}
    headings = {nfkc(h.name).strip(): h for h in CommentHeading.objects.all()}
    existing = set(Comment.objects.values_list("year_id", "heading_id", "text_key"))
    seen: dict[tuple[int, int, str], tuple[str, int]] = {}
    any_rows = False
    for sheet in sheets:
        _check_sheet(sheet, collector, years, codes, headings, existing, seen)
        any_rows = any_rows or any(any(cells) for _n, cells in sheet.rows[1:])
    if not any_rows and not collector.check.problems:
        collector.add(sheets[0].name if sheets else "", 0, "", _("取り込む意見の行がありません。"))
    return collector.check


def _check_sheet(
    sheet: Sheet,
    collector: _Collector,
    years: dict[tuple[str, int], PolicyYear],
    codes: set[str],
    headings: dict[str, CommentHeading],
    existing: set[tuple[int, int, str]],
    seen: dict[tuple[int, int, str], tuple[str, int]],
) -> None:
    rows = [(n, cells) for n, cells in sheet.rows if any(cells)]
    if not rows:
        return
    header_row, header_cells = rows[0]
    columns, _unknown = _header(header_cells)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        for name in missing:
            collector.add(
                sheet.name,
                header_row,
                name,
                _("見出し行に「%(column)s」の列がありません（必要な列：%(required)s）。")
                % {"column": name, "required": "、".join(REQUIRED)},
            )
        return

    def cell(cells: list[str], name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def where(name: str) -> str:
        return f"{name}（{_column_letter(columns[name])}列）"

    for row_number, cells in rows[1:]:
        collector.check.rows += 1

        def add(column: str, message: str, row: int = row_number) -> None:
            collector.add(sheet.name, row, where(column), message)

        raw_year, code = cell(cells, YEAR), nfkc(cell(cells, CODE)).strip().upper()
        heading_name, text = nfkc(cell(cells, HEADING)).strip(), cell(cells, TEXT)
        evaluator = cell(cells, EVALUATOR) if EVALUATOR in columns else ""
        fiscal_year = parse_fiscal_year(raw_year) if raw_year else None
        year: PolicyYear | None = None
        if not raw_year:
            add(YEAR, _("年度が空欄です。"))
        elif fiscal_year is None:
            add(
                YEAR,
                _("年度「%(value)s」を読み取れません（例：2020、令和2年度、R2）。")
                % {"value": raw_year},
            )
        if not code:
            add(CODE, _("施策コードが空欄です。"))
        elif code not in codes:
            add(CODE, _("施策コード「%(code)s」の施策は登録されていません。") % {"code": code})
        elif fiscal_year is not None:
            year = years.get((code, fiscal_year))
            if year is None:
                add(
                    YEAR,
                    _("施策 %(code)s の%(year)sは登録されていません。先に年度を追加してください。")
                    % {"code": code, "year": fiscal_year_label(fiscal_year)},
                )
        heading = headings.get(heading_name)
        if not heading_name:
            add(HEADING, _("見出しが空欄です。"))
        elif heading is None and not headings:
            add(HEADING, _("意見の見出しが1つも登録されていません。先に見出しを登録してください。"))
        elif heading is None:
            add(
                HEADING,
                _("見出し「%(name)s」は登録されていません（登録済み：%(known)s）。")
                % {"name": heading_name, "known": "、".join(h.name for h in headings.values())},
            )
        problem = (
            _("意見が空欄です。")
            if not text
            else text_problem(text, max_length=TEXT_MAX, multiline=True, label=_("意見"))
        )
        if problem:
            add(TEXT, problem)
        evaluator_problem = text_problem(evaluator, max_length=EVALUATOR_MAX, label=_("評価者"))
        if evaluator_problem:
            add(EVALUATOR, evaluator_problem)
        if year is None or heading is None or problem:
            continue
        key = (year.pk, heading.pk, text_key(text))
        if key in seen:
            first_sheet, first_row = seen[key]
            add(
                TEXT,
                _("同じ意見が %(sheet)s の %(row)s 行目にもあります。1行にまとめてください。")
                % {"sheet": first_sheet, "row": first_row},
            )
            continue
        seen[key] = (sheet.name, row_number)
        if key in existing:
            collector.check.existing += 1
            continue
        collector.check.planned.append(
            Planned(sheet.name, row_number, year.pk, heading.pk, text, evaluator)
        )


def sign(check: Check) -> str:
    return signing.dumps([asdict(p) for p in check.planned], salt=SIGNING_SALT, compress=True)


def unsign(token: str) -> list[Planned]:
    """The rows of a preview (``signing.BadSignature`` if the token was altered)."""
    rows: list[dict[str, Any]] = signing.loads(token, salt=SIGNING_SALT, max_age=60 * 60 * 6)
    return [Planned(**row) for row in rows]


@dataclass
class Applied:
    created: int
    skipped: int


def apply(*, actor: User, planned: list[Planned]) -> Applied:
    """Write the previewed comments (again skipping any registered since the preview)."""
    require_manager(actor)
    years = PolicyYear.objects.in_bulk({p.year_id for p in planned})
    headings = CommentHeading.objects.in_bulk({p.heading_id for p in planned})
    created: list[Comment] = []
    skipped = 0
    with transaction.atomic():
        existing = set(
            Comment.objects.filter(year_id__in=years).values_list(
                "year_id", "heading_id", "text_key"
            )
        )
        orders: dict[tuple[int, int], int] = {}
        for p in planned:
            year, heading = years.get(p.year_id), headings.get(p.heading_id)
            key = (p.year_id, p.heading_id, text_key(p.text))
            if year is None or heading is None or key in existing:
                skipped += 1
                continue
            existing.add(key)
            slot = (p.year_id, p.heading_id)
            orders[slot] = orders.get(slot) or next_order(year, heading)
            comment = Comment(
                year=year,
                heading=heading,
                order=orders[slot],
                text=p.text,
                evaluator=p.evaluator,
                source=CommentSource.IMPORT,
            )
            orders[slot] += 10
            comment.full_clean(exclude=["text_key"])
            comment.save()
            created.append(comment)
        record_many(
            [
                Entry(
                    action=AuditAction.CREATE,
                    object_type="policies.comment",
                    object_id=str(c.pk),
                    object_repr=str(c),
                    changes={"year": str(c.year), "heading": c.heading.name, "source": "import"},
                )
                for c in created
            ],
            actor=actor,
        )
    return Applied(created=len(created), skipped=skipped)

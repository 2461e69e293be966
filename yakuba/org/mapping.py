"""An HR/payroll system's staff export → Yakuba's own staff layout (pure; no database).

Offices export staff from their own HR systems, each with its own columns: 姓 and 名 apart,
部・課・係 in columns of their own, title rows above the header, their own labels for
employment types. A `ColumnMapping` says which source column feeds which field of ours;
`apply_mapping` turns the table into the layout `org.importing.build_plan` reads
(`STAFF_COLUMNS`), keeping each row's number in the file, so validation and apply are the
same code for every source. What only the mapping knows (a unit given by its name path,
an office's employment label) is resolved here and reported against the source's columns.

Names: Yakuba stores a person's name and reading with one half-width space between family
and given name (`core.text.normalise_name` collapses any run of spaces, full-width ones
included, to that), so 姓 and 名 are joined with one space unless the office asks for none.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.core.tabular import CellProblem, Sheet
from yakuba.core.text import nfkc, normalise_name, search_key, without_unstorable
from yakuba.org.importing import STAFF_COLUMNS, employment_type_of

IGNORE = "ignore"
# The fields a source column can feed, in the order the mapping form offers them.
TARGETS: tuple[tuple[str, Promise], ...] = (
    (IGNORE, gettext_lazy("取り込まない")),
    ("staff_number", gettext_lazy("職員番号")),
    ("name", gettext_lazy("氏名（姓と名が1つの列）")),
    ("surname", gettext_lazy("姓")),
    ("given_name", gettext_lazy("名")),
    ("name_kana", gettext_lazy("氏名カナ（1つの列）")),
    ("surname_kana", gettext_lazy("姓カナ")),
    ("given_kana", gettext_lazy("名カナ")),
    ("employment_type", gettext_lazy("雇用区分")),
    ("position", gettext_lazy("職名")),
    ("unit_code", gettext_lazy("所属コード")),
    ("unit_path", gettext_lazy("所属（部／課／係を1つの列に）")),
    ("unit_level_1", gettext_lazy("所属の部")),
    ("unit_level_2", gettext_lazy("所属の課")),
    ("unit_level_3", gettext_lazy("所属の係")),
    ("email", gettext_lazy("メールアドレス")),
    ("active", gettext_lazy("在職")),
    ("skills", gettext_lazy("スキル")),
)
TARGET_LABELS: dict[str, Promise] = dict(TARGETS)
UNIT_LEVELS = ("unit_level_1", "unit_level_2", "unit_level_3")
NAME_JOINS = ("space", "none")
# An employment label mapped to this is not imported: its rows are left out (e.g. 派遣).
SKIP = "skip"
# Header rows are looked for among the first rows only (title rows above are common).
HEADER_SEARCH_ROWS = 20
# More different values than this in the employment column means a wrong column was chosen.
MAX_EMPLOYMENT_LABELS = 50

# Header names of HR exports, per field, in order of preference. Compared after `header_key`.
# 個人番号 is deliberately absent: in Japan it is the My Number, never a staff number.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "staff_number": (
        "職員番号",
        "職員コード",
        "職員no",
        "職員id",
        "社員番号",
        "社員コード",
        "staff_number",
        "職員no.",
        "番号",
    ),
    "name": ("氏名", "漢字氏名", "氏名(漢字)", "氏名漢字", "職員名", "職員氏名", "名前", "name"),
    "surname": ("姓", "氏", "姓(漢字)", "苗字", "名字", "surname", "family_name"),
    "given_name": ("名", "名(漢字)", "given_name", "first_name"),
    "name_kana": (
        "氏名カナ",
        "カナ氏名",
        "氏名(カナ)",
        "フリガナ",
        "ふりがな",
        "氏名フリガナ",
        "カナ",
        "よみ",
        "読み",
        "name_kana",
    ),
    "surname_kana": ("姓カナ", "カナ姓", "姓(カナ)", "姓フリガナ", "セイ", "surname_kana"),
    "given_kana": ("名カナ", "カナ名", "名(カナ)", "名フリガナ", "メイ", "given_name_kana"),
    "employment_type": (
        "雇用区分",
        "雇用形態",
        "任用区分",
        "職員区分",
        "雇用種別",
        "身分",
        "employment_type",
    ),
    "position": ("職名", "役職", "職位", "職", "position", "職種"),
    "unit_code": ("所属コード", "所属cd", "組織コード", "部署コード", "unit_code"),
    "unit_path": (
        "所属",
        "所属名",
        "所属部署",
        "部署",
        "部署名",
        "組織",
        "組織名",
        "所属(階層)",
        "unit_name",
    ),
    "unit_level_1": ("部", "部名", "部局", "部局名", "所属部"),
    "unit_level_2": ("課", "課名", "課室", "課室名", "所属課"),
    "unit_level_3": ("係", "係名", "担当", "所属係", "グループ"),
    "email": ("メールアドレス", "メール", "e-mail", "email", "mail", "電子メール"),
    "active": ("在職", "在職区分", "在籍", "在籍区分", "在職状況", "active"),
    "skills": ("スキル", "資格", "資格・スキル", "skills"),
}
_MY_NUMBER = re.compile(r"個人番号|マイナンバー|mynumber|my_number")
_SPACES = re.compile(r"[\s\u3000]+")
# Separators of a unit path in one cell (after NFKC: ／→/, ＞→>, ＼→\).
_PATH_SEPARATORS = re.compile(r"\s*[/>\\|＞→]\s*")


def header_key(text: str) -> str:
    """How a header cell is compared: NFKC, no spaces, lower case (ＭＡＩＬ = mail)."""
    return _SPACES.sub("", nfkc(text)).lower()


def header_keys(header: Sequence[str]) -> list[str]:
    """One key per column: its header text; a repeated text gets #2, #3; an empty one its
    position (#5), so every column can be mapped and a mapping survives reordering."""
    keys: list[str] = []
    seen: Counter[str] = Counter()
    for index, text in enumerate(header):
        key = header_key(text)
        if not key:
            keys.append(f"#{index + 1}")
            continue
        seen[key] += 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def signature(header: Sequence[str]) -> str:
    """What identifies an export's layout: its header texts, in any order."""
    keys = sorted(k for k in header_keys(header) if not k.startswith("#"))
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def looks_like_my_number(text: str) -> bool:
    return _MY_NUMBER.search(header_key(text)) is not None


_BY_SYNONYM: dict[str, str] = {}
for _target, _names in SYNONYMS.items():
    for _name in _names:
        _BY_SYNONYM.setdefault(header_key(_name), _target)


def suggest(header: Sequence[str]) -> dict[str, str]:
    """A first guess from header names: {column key: field}. Each field goes to one column
    at most (the best-named), and a unit is taken either by its levels, or by its code, or
    by its path, never two ways at once."""
    keys = header_keys(header)
    found: dict[str, list[str]] = {}
    for key in keys:
        if looks_like_my_number(key):
            continue
        target = _BY_SYNONYM.get(key.split("#")[0])
        if target is not None:
            found.setdefault(target, []).append(key)
    chosen: dict[str, str] = {}
    for target, candidates in found.items():
        preference = [header_key(n) for n in SYNONYMS[target]]
        best = min(candidates, key=lambda k: (preference.index(k.split("#")[0]), keys.index(k)))
        chosen[best] = target
    targets = set(chosen.values())
    if any(t in targets for t in UNIT_LEVELS):
        drop = {"unit_code", "unit_path"}
    elif "unit_code" in targets:
        drop = {"unit_path"}
    else:
        drop = set()
    if "surname" in targets and "given_name" in targets:
        drop.add("name")
    if "surname_kana" in targets and "given_kana" in targets:
        drop.add("name_kana")
    return {k: t for k, t in chosen.items() if t not in drop}


def detect_header_row(rows: Sequence[Sequence[str]], known: Iterable[str] = ()) -> int:
    """The index (in `rows`) of the header row, found among the first rows.

    A row holding every column of a saved mapping (`known` keys) wins; otherwise the row
    with the most header names we recognise; otherwise the first of the widest rows (a
    title such as 「職員一覧」 fills one cell, the header fills them all)."""
    known_keys = set(known)
    candidates = list(rows[:HEADER_SEARCH_ROWS])
    if known_keys:
        for index, cells in enumerate(candidates):
            if known_keys <= set(header_keys(cells)):
                return index
    best, best_score = -1, 1
    for index, cells in enumerate(candidates):
        score = sum(1 for k in header_keys(cells) if _BY_SYNONYM.get(k.split("#")[0]))
        if score > best_score:
            best, best_score = index, score
    if best >= 0:
        return best
    widths = [sum(1 for c in cells if c.strip()) for cells in candidates]
    if not widths or max(widths) == 0:
        return 0
    return widths.index(max(widths))


@dataclass
class ColumnMapping:
    """What a user chose (and a preset keeps): source column key → field, how names are
    joined, and the office's employment labels → EmploymentType value (or SKIP)."""

    columns: dict[str, str] = field(default_factory=dict)
    name_join: str = "space"
    employment: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "columns": dict(self.columns),
            "name_join": self.name_join,
            "employment": dict(self.employment),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ColumnMapping:
        data = data or {}
        columns = {
            str(k): str(v)
            for k, v in dict(data.get("columns") or {}).items()
            if v in TARGET_LABELS and v != IGNORE
        }
        join = data.get("name_join")
        return cls(
            columns=columns,
            name_join=join if join in NAME_JOINS else "space",
            employment={str(k): str(v) for k, v in dict(data.get("employment") or {}).items()},
        )

    def column_for(self, target: str) -> str | None:
        for key, mapped in self.columns.items():
            if mapped == target:
                return key
        return None

    @property
    def unit_mode(self) -> str:
        targets = set(self.columns.values())
        if "unit_code" in targets:
            return "code"
        if "unit_path" in targets:
            return "path"
        return "levels"

    @property
    def joiner(self) -> str:
        return "" if self.name_join == "none" else " "


def mapping_problems(mapping: ColumnMapping, header: Sequence[str]) -> list[str]:
    """Everything that keeps `mapping` from reading a table with this header, in the user's
    language; empty when it can be applied."""
    keys = header_keys(header)
    text_of = dict(zip(keys, header, strict=True))
    problems: list[str] = []
    missing = [k for k in mapping.columns if k not in text_of]
    if missing:
        problems.append(
            _("この対応付けの列がファイルにありません：%(columns)s")
            % {"columns": "、".join(_strip_position(k) for k in missing)}
        )
    by_target: dict[str, list[str]] = {}
    for key, target in mapping.columns.items():
        by_target.setdefault(target, []).append(text_of.get(key, _strip_position(key)))
        if key in text_of and looks_like_my_number(text_of[key]):
            problems.append(
                _(
                    "列「%(column)s」は個人番号（マイナンバー）と思われるため取り込めません。"
                    "「取り込まない」を選んでください。"
                )
                % {"column": text_of[key]}
            )
    for target, columns in by_target.items():
        if len(columns) > 1:
            problems.append(
                _("「%(field)s」に%(n)sつの列（%(columns)s）が選ばれています。1つにしてください。")
                % {"field": TARGET_LABELS[target], "n": len(columns), "columns": "、".join(columns)}
            )
    targets = set(by_target)
    if "staff_number" not in targets:
        problems.append(_("「職員番号」に当たる列を選んでください。"))
    problems += _pair_problems(targets, "name", "surname", "given_name", _("氏名"))
    problems += _pair_problems(targets, "name_kana", "surname_kana", "given_kana", _("氏名カナ"))
    unit_ways = [
        way
        for way, present in (
            ("code", "unit_code" in targets),
            ("path", "unit_path" in targets),
            ("levels", any(t in targets for t in UNIT_LEVELS)),
        )
        if present
    ]
    if not unit_ways:
        problems.append(
            _(
                "所属に当たる列を選んでください（所属コード、部／課／係をまとめた1つの列、"
                "または部・課・係の列）。"
            )
        )
    elif len(unit_ways) > 1:
        problems.append(
            _(
                "所属は、所属コード・1つの列の所属名・部／課／係の列のどれか1つの方法で"
                "指定してください。ほかの列は「取り込まない」にしてください。"
            )
        )
    return problems


def _pair_problems(targets: set[str], whole: str, first: str, second: str, label: str) -> list[str]:
    has_whole, has_first, has_second = whole in targets, first in targets, second in targets
    if has_whole and (has_first or has_second):
        return [
            _("%(field)sは、1つの列か、2つの列（%(a)s・%(b)s）のどちらかで指定してください。")
            % {"field": label, "a": TARGET_LABELS[first], "b": TARGET_LABELS[second]}
        ]
    if has_first != has_second:
        return [
            _("「%(a)s」と「%(b)s」は両方の列を選んでください。")
            % {"a": TARGET_LABELS[first], "b": TARGET_LABELS[second]}
        ]
    if not (has_whole or has_first):
        return [
            _("「%(field)s」に当たる列（または「%(a)s」と「%(b)s」の列）を選んでください。")
            % {"field": label, "a": TARGET_LABELS[first], "b": TARGET_LABELS[second]}
        ]
    return []


def _strip_position(key: str) -> str:
    return key if not key.startswith("#") else _("%(n)s列目") % {"n": key[1:]}


# --- units by their name path --------------------------------------------------------------


@dataclass(frozen=True)
class UnitEntry:
    code: str
    name: str
    parent_code: str | None
    active: bool = True


class UnitIndex:
    """The unit tree by name: finds the unit a path such as 市民部／市民課／窓口係 names.

    A path names the unit whose own name is its last part and whose ancestors' names end
    with the parts before it (so 市民課／窓口係 is enough when that is unique). Names are
    compared as searches are (NFKC, katakana, no spaces, case-folded)."""

    def __init__(self, units: Iterable[UnitEntry]) -> None:
        self.units = {u.code: u for u in units}
        self.paths: dict[str, tuple[str, ...]] = {}
        self.by_name: dict[str, list[str]] = {}
        for code in self.units:
            path = self._path(code)
            self.paths[code] = path
            self.by_name.setdefault(path[-1], []).append(code)

    def _path(self, code: str) -> tuple[str, ...]:
        names: list[str] = []
        current: str | None = code
        guard = 0
        while current is not None and current in self.units and guard < 50:
            unit = self.units[current]
            names.append(search_key(unit.name))
            current = unit.parent_code
            guard += 1
        return tuple(reversed(names))

    def display(self, code: str) -> str:
        names: list[str] = []
        current: str | None = code
        guard = 0
        while current is not None and current in self.units and guard < 50:
            names.append(self.units[current].name)
            current = self.units[current].parent_code
            guard += 1
        return "／".join(reversed(names))

    def resolve(self, parts: Sequence[str]) -> tuple[str | None, str | None]:
        """(unit code, None) or (None, what is wrong) for a path given as its parts."""
        keys = tuple(search_key(p) for p in parts if p.strip())
        if not keys:
            return None, _("所属が空です。")
        shown = "／".join(normalise_name(p) for p in parts if p.strip())
        named = self.by_name.get(keys[-1], [])
        matches = [code for code in named if self.paths[code][-len(keys) :] == keys]
        if len(matches) > 1:
            active = [c for c in matches if self.units[c].active]
            matches = active or matches
        if len(matches) == 1:
            code = matches[0]
            if not self.units[code].active:
                return None, _("所属「%(path)s」は無効になっています。") % {"path": _cut(shown)}
            return code, None
        if len(matches) > 1:
            listed = "、".join(f"{self.display(c)}（{c}）" for c in sorted(matches)[:5])
            return None, _(
                "所属「%(path)s」に当たる所属が%(n)s件あります（%(units)s）。"
                "上の階層の名前も含めて指定してください。"
            ) % {"path": _cut(shown), "n": len(matches), "units": listed}
        return None, self._not_found(keys, shown)

    def _not_found(self, keys: tuple[str, ...], shown: str) -> str:
        # Say how far the path was found, so a typo in one level is easy to see.
        for depth in range(len(keys) - 1, 0, -1):
            head = keys[:depth]
            if any(path[-depth:] == head for path in self.paths.values()):
                return _(
                    "所属「%(path)s」が見つかりません（「%(found)s」の下に「%(missing)s」がありません）。"
                ) % {
                    "path": _cut(shown),
                    "found": _cut("／".join(shown.split("／")[:depth])),
                    "missing": _cut(shown.split("／")[depth]),
                }
        return _("所属「%(path)s」が見つかりません。所属名を確かめてください。") % {
            "path": _cut(shown)
        }


def split_path(value: str) -> list[str]:
    """One cell holding a unit path → its parts: 市民部／市民課／窓口係, 市民部 > 市民課, or
    (when no separator is used) 市民部 市民課 窓口係 with spaces."""
    text = nfkc(value).strip()
    if not text:
        return []
    separator = _PATH_SEPARATORS if _PATH_SEPARATORS.search(text) else _SPACES
    parts = separator.split(text)
    return [p for p in (part.strip() for part in parts) if p]


def _cut(value: str, limit: int = 60) -> str:
    value = without_unstorable(value)
    return value if len(value) <= limit else value[:limit] + "…"


# --- applying a mapping ----------------------------------------------------------------------

_CANONICAL_HEADER = [ja for _f, ja, _en in STAFF_COLUMNS]
_CANONICAL_INDEX = {f: i for i, (f, _ja, _en) in enumerate(STAFF_COLUMNS)}
_UNIT_COLUMN_LABEL = gettext_lazy("所属")


@dataclass
class MappedTable:
    """A source table in Yakuba's staff layout, with what the mapping itself found wrong."""

    sheet: Sheet
    errors: list[CellProblem] = field(default_factory=list)
    # Rows left out because their employment label is mapped to SKIP.
    skipped: int = 0


def builtin_employment(label: str) -> str | None:
    """The EmploymentType a label is known as without any mapping (正規, 会計年度任用職員…)."""
    return employment_type_of(label)


def label_key(value: str) -> str:
    """An employment label as compared and stored in a mapping (NFKC, single spaces)."""
    return normalise_name(value)


def employment_labels(sheet: Sheet, header_index: int, mapping: ColumnMapping) -> Counter[str]:
    """The distinct values of the employment column, with how many rows carry each."""
    found: Counter[str] = Counter()
    column = mapping.column_for("employment_type")
    if column is None:
        return found
    keys = header_keys(sheet.rows[header_index][1])
    if column not in keys:
        return found
    index = keys.index(column)
    for _row_no, cells in sheet.rows[header_index + 1 :]:
        if not any(c.strip() for c in cells):
            continue
        value = label_key(cells[index]) if index < len(cells) else ""
        if value:
            found[value] += 1
    return found


def unmapped_labels(labels: Iterable[str], mapping: ColumnMapping) -> list[str]:
    """Labels neither the mapping nor the built-in table knows."""
    return [
        label
        for label in labels
        if label not in mapping.employment and builtin_employment(label) is None
    ]


def apply_mapping(
    sheet: Sheet, header_index: int, mapping: ColumnMapping, units: UnitIndex
) -> MappedTable:
    """The rows under the header at `header_index`, in Yakuba's staff layout.

    Each row keeps its number in the file. A row whose unit cannot be resolved is reported
    here (against the source's unit column) and left out; every other check is
    `build_plan`'s, on the rows returned."""
    header_row_no, header = sheet.rows[header_index]
    keys = header_keys(header)
    position = {key: i for i, key in enumerate(keys)}
    source = {target: position[key] for key, target in mapping.columns.items() if key in position}
    unit_label = str(_UNIT_COLUMN_LABEL)
    for target in ("unit_path", *UNIT_LEVELS):
        if target in source:
            unit_label = header[source[target]] or unit_label
            break
    result = MappedTable(Sheet(name=sheet.name, rows=[(header_row_no, list(_CANONICAL_HEADER))]))

    for row_no, cells in sheet.rows[header_index + 1 :]:
        if not any(c.strip() for c in cells):
            continue

        def cell(target: str, cells: list[str] = cells) -> str:
            index = source.get(target)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        out = [""] * len(_CANONICAL_HEADER)
        employment = cell("employment_type")
        mapped_employment = mapping.employment.get(label_key(employment)) if employment else None
        if mapped_employment == SKIP:
            result.skipped += 1
            continue
        out[_CANONICAL_INDEX["employment_type"]] = mapped_employment or employment
        out[_CANONICAL_INDEX["staff_number"]] = cell("staff_number")
        out[_CANONICAL_INDEX["name"]] = _join(
            cell("name"), cell("surname"), cell("given_name"), mapping.joiner
        )
        out[_CANONICAL_INDEX["name_kana"]] = _join(
            cell("name_kana"), cell("surname_kana"), cell("given_kana"), mapping.joiner
        )
        for target in ("position", "email", "active", "skills"):
            out[_CANONICAL_INDEX[target]] = cell(target)
        if mapping.unit_mode == "code":
            out[_CANONICAL_INDEX["unit_code"]] = cell("unit_code")
        else:
            if mapping.unit_mode == "path":
                parts = split_path(cell("unit_path"))
            else:
                parts = [cell(t) for t in UNIT_LEVELS if cell(t)]
            code, problem = units.resolve(parts)
            if problem is not None:
                result.errors.append(CellProblem(sheet.name, row_no, unit_label, problem))
                continue
            out[_CANONICAL_INDEX["unit_code"]] = code or ""
            out[_CANONICAL_INDEX["unit_name"]] = units.units[code].name if code else ""
        result.sheet.rows.append((row_no, out))
    return result


def _join(whole: str, first: str, second: str, joiner: str) -> str:
    if whole:
        return whole
    return joiner.join(part for part in (first, second) if part)

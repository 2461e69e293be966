"""The pure transformation of an HR export: header detection, suggestions, checks of a
mapping, joining names and readings, units by name path, employment labels."""

from __future__ import annotations

import pytest

from yakuba.core.tabular import Sheet
from yakuba.org.mapping import (
    SKIP,
    ColumnMapping,
    UnitEntry,
    UnitIndex,
    apply_mapping,
    detect_header_row,
    employment_labels,
    header_keys,
    mapping_problems,
    signature,
    split_path,
    suggest,
    unmapped_labels,
)
from yakuba.org.tests import hr_export

UNITS = UnitIndex(
    [
        UnitEntry("100", "市民部", None),
        UnitEntry("110", "市民課", "100"),
        UnitEntry("111", "窓口係", "110"),
        UnitEntry("120", "税務課", "100"),
        UnitEntry("200", "福祉部", None),
        UnitEntry("210", "福祉課", "200"),
        UnitEntry("211", "窓口係", "210"),  # a second 窓口係: ambiguous on its own
        UnitEntry("900", "旧総務課", None, active=False),
    ]
)
LEVELS = ColumnMapping(
    columns={
        "職員番号": "staff_number",
        "姓": "surname",
        "名": "given_name",
        "姓カナ": "surname_kana",
        "名カナ": "given_kana",
        "部": "unit_level_1",
        "課": "unit_level_2",
        "係": "unit_level_3",
        "雇用形態": "employment_type",
        "職名": "position",
        "メールアドレス": "email",
    }
)


def _sheet(rows: list[list[str]], header: list[str] | None = None) -> Sheet:
    return Sheet("職員", list(enumerate([header or hr_export.HEADER, *rows], start=4)))


def test_header_keys_are_normalised_and_unique() -> None:
    assert header_keys(["職員番号", " ＭＡＩＬ ", "", "備考", "備考"]) == [
        "職員番号",
        "mail",
        "#3",
        "備考",
        "備考#2",
    ]
    # The same columns in another order are the same export.
    assert signature(["姓", "名", "部"]) == signature(["部", "名", "姓"])
    assert signature(["姓", "名", "部"]) != signature(["姓", "名", "課"])


def test_header_row_is_found_under_title_rows() -> None:
    rows = hr_export.table()
    assert detect_header_row(rows) == hr_export.HEADER_ROW - 1
    # Headers we do not know: the widest row, not the one-cell title.
    odd = [["一覧"], ["a", "b", "c"], ["1", "2", "3"]]
    assert detect_header_row(odd) == 1
    # A saved mapping's columns find their row.
    assert detect_header_row([["x"], ["コード", "かな"], ["1", "2"]], {"コード", "かな"}) == 1


def test_suggestions_from_header_names() -> None:
    suggested = suggest(hr_export.HEADER)
    assert suggested == LEVELS.columns
    # Levels win over a code and a whole path; one column per field; 職名 before 職種.
    header = ["職員コード", "氏名", "カナ氏名", "所属コード", "所属", "部", "職種", "職名"]
    assert suggest(header) == {
        "職員コード": "staff_number",
        "氏名": "name",
        "カナ氏名": "name_kana",
        "部": "unit_level_1",
        "職名": "position",
    }
    # 個人番号 is the My Number: never suggested as anything.
    assert "個人番号" not in suggest(["個人番号", "職員番号"])


def test_problems_of_a_mapping_are_named() -> None:
    header = hr_export.HEADER
    assert mapping_problems(LEVELS, header) == []
    no_number = ColumnMapping(columns={k: v for k, v in LEVELS.columns.items() if k != "職員番号"})
    assert mapping_problems(no_number, header) == ["「職員番号」に当たる列を選んでください。"]
    twice = ColumnMapping(columns=LEVELS.columns | {"職名": "staff_number"})
    assert any(
        "「職員番号」に2つの列（職員番号、職名）が選ばれています" in p
        for p in mapping_problems(twice, header)
    )
    half = ColumnMapping(columns={k: v for k, v in LEVELS.columns.items() if k != "名"})
    assert "「姓」と「名」は両方の列を選んでください。" in mapping_problems(half, header)
    both_ways = ColumnMapping(columns=LEVELS.columns | {"職名": "unit_code"})
    assert any("どれか1つの方法" in p for p in mapping_problems(both_ways, header))
    no_unit = ColumnMapping(
        columns={k: v for k, v in LEVELS.columns.items() if not v.startswith("unit")}
    )
    assert any("所属に当たる列" in p for p in mapping_problems(no_unit, header))
    my_number = ColumnMapping(columns=LEVELS.columns | {"個人番号": "position"})
    problems = mapping_problems(my_number, [*header, "個人番号"])
    assert any("マイナンバー" in p for p in problems)
    # A preset whose column the new file lacks.
    assert any("ファイルにありません：係" in p for p in mapping_problems(LEVELS, header[:7]))


def test_names_and_readings_are_joined_with_one_space() -> None:
    table = apply_mapping(_sheet(hr_export.ROWS[:1]), 0, LEVELS, UNITS)
    assert table.errors == []
    (_no, header), (row_no, cells) = table.sheet.rows
    assert header[:3] == ["職員番号", "氏名", "氏名カナ"]
    assert row_no == 5  # the row's number in the file
    assert cells[:3] == ["5001", "髙橋 健一", "ﾀｶﾊｼ ｹﾝｲﾁ"]  # build_plan normalises the kana
    assert cells[5] == "111"  # 市民部／市民課／窓口係
    joined = ColumnMapping(columns=LEVELS.columns, name_join="none")
    cells = apply_mapping(_sheet(hr_export.ROWS[:1]), 0, joined, UNITS).sheet.rows[1][1]
    assert cells[1:3] == ["髙橋健一", "ﾀｶﾊｼｹﾝｲﾁ"]


def test_unit_paths_resolve_against_the_tree() -> None:
    assert UNITS.resolve(["市民部", "市民課", "窓口係"]) == ("111", None)
    assert UNITS.resolve(["市民課", "窓口係"]) == ("111", None)  # a unique tail is enough
    assert UNITS.resolve(["市民部", "税務課"]) == ("120", None)
    assert UNITS.resolve(["市民部 ", "市民課"]) == ("110", None)
    code, problem = UNITS.resolve(["窓口係"])
    assert code is None and problem is not None
    assert "2件あります" in problem and "市民部／市民課／窓口係（111）" in problem
    assert "上の階層の名前も含めて" in problem
    code, problem = UNITS.resolve(["市民部", "市民課", "窓ロ係"])  # ロ (katakana), not 口
    assert problem == (
        "所属「市民部／市民課／窓ロ係」が見つかりません（「市民部／市民課」の下に「窓ロ係」がありません）。"
    )
    assert "見つかりません" in (UNITS.resolve(["土木部"])[1] or "")
    assert "無効" in (UNITS.resolve(["旧総務課"])[1] or "")


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        ("市民部／市民課／窓口係", ["市民部", "市民課", "窓口係"]),
        ("市民部 > 市民課", ["市民部", "市民課"]),
        ("市民部　市民課　窓口係", ["市民部", "市民課", "窓口係"]),
        ("市民部/市民課/", ["市民部", "市民課"]),
        ("", []),
    ],
)
def test_one_column_paths_split(cell: str, parts: list[str]) -> None:
    assert split_path(cell) == parts


def test_unit_by_one_path_column_and_its_errors_name_the_source_column() -> None:
    mapping = ColumnMapping(
        columns={"番号": "staff_number", "氏名": "name", "カナ": "name_kana", "所属": "unit_path"}
    )
    rows = [
        ["1", "山田 太郎", "ヤマダ タロウ", "市民部／市民課"],
        ["2", "山田 花子", "ヤマダ ハナコ", "窓口係"],
        ["3", "山田 次郎", "ヤマダ ジロウ", ""],
    ]
    table = apply_mapping(_sheet(rows, ["番号", "氏名", "カナ", "所属"]), 0, mapping, UNITS)
    assert [r[1][5] for r in table.sheet.rows[1:]] == ["110"]
    assert [(e.row, e.column) for e in table.errors] == [(6, "所属"), (7, "所属")]
    assert table.errors[1].message == "所属が空です。"


def test_employment_labels_are_listed_mapped_and_skipped() -> None:
    sheet = _sheet(hr_export.ROWS)
    labels = employment_labels(sheet, 0, LEVELS)
    assert labels == {"正職員": 1, "会計年度任用職員": 1, "再任用": 1, "嘱託": 1, "派遣": 1}
    # The built-in labels (会計年度任用職員, 再任用) need no mapping.
    assert sorted(unmapped_labels(labels, LEVELS)) == ["嘱託", "正職員", "派遣"]
    mapped = ColumnMapping(
        columns=LEVELS.columns,
        employment={"正職員": "regular", "嘱託": "fiscal_year", "派遣": SKIP},
    )
    assert unmapped_labels(labels, mapped) == []
    table = apply_mapping(sheet, 0, mapped, UNITS)
    assert table.skipped == 1 and table.errors == []
    kinds = {cells[0]: cells[3] for _no, cells in table.sheet.rows[1:]}
    assert kinds == {
        "5001": "regular",
        "5002": "会計年度任用職員",  # left as is: build_plan knows it
        "5003": "再任用",
        "5004": "fiscal_year",
    }


def test_mapping_round_trips_through_json_and_drops_unknown_fields() -> None:
    data = LEVELS.as_json() | {"columns": LEVELS.columns | {"x": "password", "y": "ignore"}}
    again = ColumnMapping.from_json(data)
    assert again.columns == LEVELS.columns
    assert ColumnMapping.from_json({"name_join": "tab"}).name_join == "space"
    assert LEVELS.unit_mode == "levels"

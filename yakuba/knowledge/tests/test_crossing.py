"""The plain functions of 「ナレッジの広がり」 on small fixed data: the matrix with small
groups merged, the share answered across departments, the median wait for a first answer
and the monthly trend (position levels: yakuba/org/tests/test_positions.py)."""

from __future__ import annotations

import datetime as dt

from yakuba.knowledge import crossing
from yakuba.knowledge.crossing import OTHER, AnswerRow, Help

T0 = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


def h(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_matrix_counts_helper_group_by_helped_group():
    group_of = {1: "A", 2: "A", 3: "B", 4: "B"}
    sizes = {"A": 6, "B": 7}
    helps = [Help(1, 3, T0), Help(1, 4, T0), Help(3, 2, T0), Help(2, 1, T0)]
    m = crossing.matrix(helps, group_of, sizes)
    assert m.groups == ("A", "B")
    assert (m.cell("A", "B"), m.cell("B", "A"), m.cell("A", "A"), m.cell("B", "B")) == (
        2,
        1,
        1,
        0,
    )
    assert m.row_total("A") == 3 and m.column_total("A") == 2
    assert (m.total, m.across) == (4, 3)
    assert not m.merged and not m.withheld


def test_groups_under_five_people_are_merged_into_other_on_both_axes():
    # C (3 people) and D (1) are merged; the pool (4) is still under 5, so the smallest
    # shown group (B, 5) joins it. A stays on its own.
    group_of = {1: "A", 2: "B", 3: "C", 4: "D"}
    sizes = {"A": 9, "B": 5, "C": 3, "D": 1}
    helps = [Help(1, 3, T0), Help(3, 4, T0), Help(2, 1, T0), Help(4, 2, T0)]
    m = crossing.matrix(helps, group_of, sizes)
    assert m.groups == ("A", OTHER)
    assert set(m.merged) == {"B", "C", "D"}
    assert m.cell("A", OTHER) == 1
    assert m.cell(OTHER, OTHER) == 2  # C→D and D→B: inside 「その他」, not counted as crossing
    assert m.cell(OTHER, "A") == 1
    assert m.across == 2


def test_matrix_is_withheld_when_everyone_together_is_under_five():
    m = crossing.matrix([Help(1, 2, T0)], {1: "A", 2: "B"}, {"A": 2, "B": 2})
    assert m.withheld and m.total == 0 and m.groups == ()


def test_people_without_a_group_are_left_out():
    m = crossing.matrix([Help(1, 99, T0)], {1: "A"}, {"A": 5})
    assert m.total == 0


def rows():
    # q1: asked by 1 (A), first answered by 3 (B) after 2 h, then by 2 (A).
    # q2: asked by 2 (A), the asker's own answer first (ignored), then 1 (A) after 5 h.
    # q3: asked by 3 (B), answered by 4 (B) after 10 h — and 1 (A) at the same time: the
    #     smaller author id wins the tie.
    return [
        AnswerRow(1, 1, h(0), 2, h(3), False),
        AnswerRow(1, 1, h(0), 3, h(2), True),
        AnswerRow(2, 2, h(1), 2, h(1.5), False),
        AnswerRow(2, 2, h(1), 1, h(6), False),
        AnswerRow(3, 3, h(0), 4, h(10), False),
        AnswerRow(3, 3, h(0), 1, h(10), False),
    ]


def test_first_answer_is_the_earliest_by_someone_else():
    firsts = crossing.first_answers(rows())
    assert {q: r.author for q, r in firsts.items()} == {1: 3, 2: 1, 3: 1}


def test_share_answered_outside_the_askers_group_and_median_wait():
    group_of = {1: "A", 2: "A", 3: "B", 4: "B"}
    firsts = list(crossing.first_answers(rows()).values())
    assert crossing.crossing_share(firsts, group_of) == (2, 3)  # q1 (B→A), q3 (A→B)
    assert crossing.percent(2, 3) == 66.7
    assert crossing.median_hours(firsts) == 5.0  # waits 2, 5, 10 hours
    assert crossing.median_hours(firsts[:2]) == 3.5
    assert crossing.median_hours([]) is None
    assert crossing.percent(1, 0) is None


def test_months_and_trend():
    assert crossing.months(dt.date(2025, 11, 20), dt.date(2026, 2, 3)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    group_of = {1: "A", 2: "A", 3: "B", 4: "B"}
    firsts = list(crossing.first_answers(rows()).values())
    may = AnswerRow(
        9, 1, T0.replace(month=5), 2, T0.replace(month=5) + dt.timedelta(hours=1), False
    )
    trend = crossing.trend(
        crossing.months(dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        [dt.date(2026, 4, 1)] * 4 + [dt.date(2026, 5, 2)],
        [*firsts, may],
        [Help(3, 1, T0), Help(3, 2, T0.replace(month=6))],
        group_of,
    )
    assert [(r.questions, r.answered, r.outside, r.median_hours, r.trainees) for r in trend] == [
        (4, 3, 2, 5.0, 1),
        (1, 1, 0, 1.0, 0),
        (0, 0, 0, None, 1),
    ]
    assert [r.outside_percent for r in trend] == [66.7, 0.0, None]

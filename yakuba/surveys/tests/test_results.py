"""Survey figures from small fixed data (yakuba.surveys.results, no database)."""

import datetime as dt
from decimal import Decimal

from yakuba.core.smallgroups import OTHER
from yakuba.surveys import results as R

SCALE = R.QuestionInfo(1, R.SCALE, "効率は上がった", scale_labels=("1", "2", "3", "4", "5"))
CHOICE = R.QuestionInfo(
    2,
    R.SINGLE,
    "接続方法",
    choices=(R.ChoiceInfo(21, "VPN"), R.ChoiceInfo(22, "その他", is_other=True)),
)
MULTI = R.QuestionInfo(
    3, R.MULTIPLE, "困ったこと", choices=(R.ChoiceInfo(31, "回線"), R.ChoiceInfo(32, "機器"))
)
NUMBER = R.QuestionInfo(4, R.NUMBER, "日数", unit_label="日")
DATE = R.QuestionInfo(5, R.DATE, "最初の日")
TEXT = R.QuestionInfo(6, R.TEXT, "自由記述")
QUESTIONS = [SCALE, CHOICE, MULTI, NUMBER, DATE, TEXT]
LABELS: dict[str, dict[object, str]] = {
    "unit": {10: "市民課", 20: "税務課"},
    "role": {"staff": "一般職員"},
}


def _answers() -> list[R.AnswerValue]:
    a = []
    for r, scale in enumerate([5, 4, 4, 2, 1, 3]):
        a.append(R.AnswerValue(r, 1, scale=scale))
    a += [R.AnswerValue(r, 2, choice=21) for r in range(4)]
    a.append(R.AnswerValue(4, 2, choice=22, text="自宅のWi-Fi"))
    a += [R.AnswerValue(0, 3, choice=31), R.AnswerValue(0, 3, choice=32)]
    a += [R.AnswerValue(1, 3, choice=31)]
    a += [R.AnswerValue(r, 4, number=Decimal(n)) for r, n in enumerate([2, 4, 6, 8, 10])]
    a += [
        R.AnswerValue(0, 5, date=dt.date(2026, 4, 3)),
        R.AnswerValue(1, 5, date=dt.date(2026, 4, 20)),
        R.AnswerValue(2, 5, date=dt.date(2026, 5, 1)),
    ]
    a += [R.AnswerValue(0, 6, text="VPNが遅い"), R.AnswerValue(1, 6, text="  ")]
    return a


def _compute(people, **kwargs):
    return R.compute(QUESTIONS, people, _answers(), min_group=5, labels=LABELS, **kwargs)


SIX = {r: (10, "staff", "regular", "1-4") for r in range(6)}


def test_each_kind_of_question_is_counted() -> None:
    results = _compute(SIX)
    scale, choice, multi, number, date, text = results.questions
    assert [o.count for o in scale.options] == [1, 1, 1, 2, 1]
    assert scale.mean == 3.17 and scale.agree_percent == 50.0 and scale.answered == 6
    assert [(o.label, o.count, o.percent) for o in choice.options] == [
        ("VPN", 4, 80.0),
        ("その他", 1, 20.0),
    ]
    assert choice.texts == 1  # the 「その他」 free text
    # Multiple choice: percentages of the people who answered (2), adding up past 100.
    assert [(o.count, o.percent) for o in multi.options] == [(2, 100.0), (1, 50.0)]
    assert (number.mean, number.median, number.p25, number.p75) == (6.0, 6.0, 4.0, 8.0)
    assert [(o.label, o.count) for o in date.options] == [("2026-04", 2), ("2026-05", 1)]
    assert text.texts == 1 and text.answered == 2


def test_fewer_than_five_respondents_show_nothing() -> None:
    four = {r: SIX[r] for r in range(4)}
    results = _compute(four, breakdown="unit")
    assert results.withheld == "too_few" and results.questions == [] and results.rows == []


def test_breakdown_rows_are_groups_of_five_or_more_and_the_rest_is_other() -> None:
    people = {r: (10, "staff", "regular", "1-4") for r in range(6)}
    people |= {r: (20, "staff", "regular", "1-4") for r in range(6, 12)}
    people[12] = (30, "staff", "regular", "1-4")  # alone in its unit
    results = _compute(people, breakdown="unit")
    rows = {row.label: row.respondents for row in results.rows}
    assert all(n >= 5 for n in rows.values())
    assert sum(rows.values()) == 13
    # 30 is never a row; it is in "その他" together with at least four others.
    assert not any(row.value == 30 for row in results.rows)
    other = [row for row in results.rows if row.is_other]
    assert len(other) == 1 and 12 in other[0].members and other[0].respondents >= 5


def test_a_filter_that_is_not_a_shown_group_shows_a_message_not_figures() -> None:
    people = {r: (10, "staff", "regular", "1-4") for r in range(6)}
    people |= {r: (20, "staff", "regular", "1-4") for r in range(6, 11)}
    people |= {r: (30, "staff", "regular", "1-4") for r in range(11, 14)}
    # 30 (3 people) is too small; 20 (5) is merged with it, or "all but 市民課" minus
    # 20 would be 30's three people.
    for small in ("unit:30", "unit:20"):
        results = _compute(people, filter_param=small)
        assert results.withheld == "filter" and results.questions == []
    assert _compute(people, filter_param="unit:'; DROP TABLE").withheld == "filter"
    shown = _compute(people, filter_param="unit:10")
    assert shown.filter is not None and shown.filter.label == "市民課"
    assert shown.respondents == 6 and shown.members == frozenset(range(6))
    # The filter options are exactly the rows a breakdown shows.
    assert [o.param for o in shown.filter_options if o.dimension == "unit"] == [
        "unit:10",
        f"unit:{R.OTHER_PARAM}",
    ]


def test_other_is_labelled_and_values_are_named() -> None:
    people = {r: (10, "staff", "regular", "1-4") for r in range(5)}
    people |= {r: (20, "unit_head", "fiscal", "0") for r in range(5, 10)}
    results = _compute(people, breakdown="role")
    assert {row.label for row in results.rows} == {"一般職員", "unit_head"}
    assert OTHER not in {row.value for row in results.rows}


def test_free_texts_come_grouped_without_who_wrote_them() -> None:
    answers = [
        R.AnswerValue(r, 6, text=t)
        for r, t in enumerate(
            ["VPNが遅い", "ＶＰＮにつながらない", "子どもの送迎", "子供の世話", "特になし"]
        )
    ]
    groups, texts = R.text_groups(TEXT, answers, frozenset(range(5)))
    grouped = sorted(sorted(texts[i] for i in g.keys) for g in groups if not g.other)
    assert grouped == [["VPNが遅い", "ＶＰＮにつながらない"], ["子どもの送迎", "子供の世話"]]
    assert [texts[i] for i in groups[-1].keys] == ["特になし"] and groups[-1].other
    # Only the texts of the respondents asked for.
    groups, texts = R.text_groups(TEXT, answers, frozenset({0, 1}))
    assert sorted(texts) == ["VPNが遅い", "ＶＰＮにつながらない"]

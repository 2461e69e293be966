"""Survey results as plain functions (no queries): the selectors load rows, this counts.

Everything a results page, an export or the evidence report shows is computed here from
plain values — the questions, each response's breakdown attributes and the answer rows —
so tests can call it with small fixed data.

**The small-group rule** is applied here, before anything reaches a template or a sheet:
the respondents are cut once into blocks of at least ``SURVEY_MIN_GROUP`` (5) with
`yakuba.core.smallgroups.make_blocks` over the four breakdowns (unit at division level,
role, employment type, telework-days band). Every breakdown row and every filter is a union
of whole blocks: a value of a breakdown is shown only for the blocks whose respondents all
share it, the rest is that breakdown's "その他", and a filter is one of the rows a page
shows. Whatever a reader adds or subtracts across pages, filters and exports, the
respondents described are at least 5 (see the module doc of `core.smallgroups` for the
attack per-breakdown rules let through). Fewer than 5 respondents in all: nothing but the
response rate.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from yakuba.core.smallgroups import OTHER, Blocks, make_blocks
from yakuba.core.textgroups import TextGroup, group_answers

DIMENSIONS = ("unit", "role", "employment", "band")
# What a respondent counted in a row of their own is worth when the blocks are made:
# the unit and the telework days are what an evaluation reads first.
WEIGHTS = (2, 1, 1, 2)
OTHER_PARAM = "other"

SCALE = "scale"
SINGLE = "single"
MULTIPLE = "multiple"
TEXT = "text"
NUMBER = "number"
DATE = "date"


def dimension_labels() -> dict[str, str]:
    return {
        "unit": _("所属（課）"),
        "role": _("役割"),
        "employment": _("雇用区分"),
        "band": _("在宅勤務日数"),
    }


@dataclass(frozen=True)
class ChoiceInfo:
    id: int
    label: str
    is_other: bool = False


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    kind: str
    text: str
    section: str = ""
    choices: tuple[ChoiceInfo, ...] = ()
    scale_labels: tuple[str, ...] = ()
    unit_label: str = ""
    number: int = 0  # its number in the survey (問1, 問2, …)


@dataclass(frozen=True)
class AnswerValue:
    response: Hashable
    question: int
    choice: int | None = None
    scale: int | None = None
    number: Decimal | float | None = None
    date: datetime.date | None = None
    text: str = ""


@dataclass(frozen=True)
class Option:
    label: str
    count: int
    percent: float | None  # of the respondents who answered the question


@dataclass
class QuestionSummary:
    question: QuestionInfo
    answered: int = 0
    options: list[Option] = field(default_factory=list)
    mean: float | None = None
    agree_percent: float | None = None  # scale: share answering 4 or 5
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    texts: int = 0  # free-text answers (the question's, or its 「その他」 texts)

    @property
    def kind(self) -> str:
        return self.question.kind


def _percent(count: int, base: int) -> float | None:
    return round(100.0 * count / base, 1) if base else None


def by_question(answers: Iterable[AnswerValue]) -> dict[int, list[AnswerValue]]:
    index: dict[int, list[AnswerValue]] = {}
    for a in answers:
        index.setdefault(a.question, []).append(a)
    return index


def summarise(
    question: QuestionInfo, answers: Iterable[AnswerValue], members: frozenset[Hashable]
) -> QuestionSummary:
    """One question's figures over the respondents ``members`` (answers to other questions
    and of other respondents are ignored)."""
    rows = [a for a in answers if a.question == question.id and a.response in members]
    summary = QuestionSummary(question)
    summary.answered = len({a.response for a in rows})
    if question.kind == SCALE:
        values = [a.scale for a in rows if a.scale is not None]
        labels = question.scale_labels or tuple(str(i) for i in range(1, 6))
        summary.options = [
            Option(f"{i}：{labels[i - 1]}", values.count(i), _percent(values.count(i), len(values)))
            for i in range(1, 6)
        ]
        if values:
            summary.mean = round(statistics.fmean(values), 2)
            summary.agree_percent = _percent(sum(1 for v in values if v >= 4), len(values))
    elif question.kind in (SINGLE, MULTIPLE):
        counts: dict[int, int] = {}
        for a in rows:
            if a.choice is not None:
                counts[a.choice] = counts.get(a.choice, 0) + 1
        summary.options = [
            Option(c.label, counts.get(c.id, 0), _percent(counts.get(c.id, 0), summary.answered))
            for c in question.choices
        ]
        summary.texts = sum(1 for a in rows if a.text.strip())
    elif question.kind == NUMBER:
        numbers = sorted(float(a.number) for a in rows if a.number is not None)
        if numbers:
            summary.mean = round(statistics.fmean(numbers), 2)
            summary.median = round(statistics.median(numbers), 2)
            if len(numbers) >= 2:
                quartiles = statistics.quantiles(numbers, n=4, method="inclusive")
                summary.p25, summary.p75 = round(quartiles[0], 2), round(quartiles[2], 2)
    elif question.kind == DATE:
        months: dict[str, int] = {}
        for a in rows:
            if a.date is not None:
                key = f"{a.date.year}-{a.date.month:02d}"
                months[key] = months.get(key, 0) + 1
        summary.options = [
            Option(month, n, _percent(n, summary.answered)) for month, n in sorted(months.items())
        ]
    elif question.kind == TEXT:
        summary.texts = sum(1 for a in rows if a.text.strip())
    return summary


@dataclass(frozen=True)
class Row:
    """A breakdown row: a value of the dimension (or その他) and its figures."""

    value: Hashable
    label: str
    respondents: int
    summaries: Mapping[int, QuestionSummary]
    members: frozenset[Hashable]  # never rendered: what the row counts, for the tests

    @property
    def is_other(self) -> bool:
        return self.value == OTHER


@dataclass(frozen=True)
class FilterOption:
    param: str  # "unit:12", "band:1-4", "role:other"
    dimension: str
    label: str


@dataclass
class Results:
    """What a results page, its export and the report may show (the rule applied)."""

    respondents: int  # in the filter (all when unfiltered)
    total_respondents: int
    questions: list[QuestionSummary]
    filter_options: list[FilterOption]
    filter: FilterOption | None = None
    breakdown: str = ""
    rows: list[Row] = field(default_factory=list)
    members: frozenset[Hashable] = frozenset()
    # Why nothing (or not this) is shown: "too_few" (under the minimum in all),
    # "filter" (the filter is not a group of at least the minimum).
    withheld: str = ""
    min_group: int = 5

    @property
    def shown(self) -> bool:
        return not self.withheld


def _value_param(value: Hashable) -> str:
    return OTHER_PARAM if value == OTHER else str(value)


def _label(dimension: str, value: Hashable, labels: Mapping[str, Mapping[Hashable, str]]) -> str:
    if value == OTHER:
        return _("その他（5人未満になる組み合わせをまとめて表示）")
    known = labels.get(dimension, {})
    if value in known:
        return known[value]
    return str(value) if value not in (None, "") else _("（未設定）")


def compute(
    questions: Sequence[QuestionInfo],
    respondents: Mapping[Hashable, Sequence[Hashable]],
    answers: Sequence[AnswerValue],
    *,
    min_group: int,
    labels: Mapping[str, Mapping[Hashable, str]],
    filter_param: str = "",
    breakdown: str = "",
) -> Results:
    """The results of a survey (see the module doc): ``respondents`` maps each response to
    its attributes in the order of `DIMENSIONS`; ``filter_param`` is one of the filter
    options ("dimension:value"), ``breakdown`` one of `DIMENSIONS`."""
    blocks = make_blocks(respondents, DIMENSIONS, min_group, weights=WEIGHTS)
    results = Results(
        respondents=0,
        total_respondents=len(respondents),
        questions=[],
        filter_options=[],
        min_group=blocks.min_group,
    )
    if blocks.withheld or not respondents:
        results.withheld = "too_few" if respondents else ""
        return results
    results.filter_options = filter_options(blocks, labels)
    within = None
    if filter_param:
        option = next((o for o in results.filter_options if o.param == filter_param), None)
        if option is None:
            results.withheld = "filter"
            return results
        results.filter = option
        dimension, _sep, raw = option.param.partition(":")
        value = next(v for v in blocks.rows(dimension) if _value_param(v) == raw)
        within = blocks.selector(dimension, value)
    members = frozenset(r for r in respondents if within is None or within(blocks.block_of[r]))
    results.members = members
    results.respondents = len(members)
    index = by_question(answers)
    results.questions = [summarise(q, index.get(q.id, []), members) for q in questions]
    if breakdown in DIMENSIONS and not (results.filter and results.filter.dimension == breakdown):
        results.breakdown = breakdown
        results.rows = breakdown_rows(
            blocks, breakdown, questions, index, members, labels, respondents
        )
    return results


def filter_options(
    blocks: Blocks[Hashable], labels: Mapping[str, Mapping[Hashable, str]]
) -> list[FilterOption]:
    options = []
    for dimension in DIMENSIONS:
        rows = blocks.rows(dimension)
        if len(rows) < 2:
            continue  # one row is everyone: no filter to offer
        for value in sorted(rows, key=lambda v: (v == OTHER, _label(dimension, v, labels))):
            options.append(
                FilterOption(
                    f"{dimension}:{_value_param(value)}",
                    dimension,
                    _label(dimension, value, labels),
                )
            )
    return options


def breakdown_rows(
    blocks: Blocks[Hashable],
    dimension: str,
    questions: Sequence[QuestionInfo],
    index: Mapping[int, Sequence[AnswerValue]],
    members: frozenset[Hashable],
    labels: Mapping[str, Mapping[Hashable, str]],
    respondents: Iterable[Hashable],
) -> list[Row]:
    by_value: dict[Hashable, set[Hashable]] = {}
    for r in respondents:
        if r in members:
            by_value.setdefault(blocks.value(r, dimension), set()).add(r)
    rows = [
        Row(
            value,
            _label(dimension, value, labels),
            len(people),
            {q.id: summarise(q, index.get(q.id, []), frozenset(people)) for q in questions},
            frozenset(people),
        )
        for value, people in by_value.items()
    ]
    rows.sort(key=lambda row: (row.is_other, row.label))
    return rows


def text_groups(
    question: QuestionInfo,
    answers: Sequence[AnswerValue],
    members: frozenset[Hashable],
    *,
    max_groups: int = 10,
    min_size: int = 2,
) -> tuple[list[TextGroup[int]], list[str]]:
    """The free texts of ``question`` over ``members`` grouped by shared words: the groups
    (keys index the returned texts) and the texts. Texts only — never with who wrote them
    or their attributes; in a stable order that says nothing about who answered when."""
    texts = sorted(
        a.text.strip()
        for a in answers
        if a.question == question.id and a.response in members and a.text.strip()
    )
    groups = group_answers(list(enumerate(texts)), max_groups=max_groups, min_size=min_size)
    return groups, texts

"""Is knowledge crossing boundaries? (issue 16 item 6) — plain functions, no database.

Who helped whom: a *help* is a first answer to someone else's question, an accepted answer,
or a trainee who attended a session someone taught. Each help has a helper and a helped
person; people are grouped by department (部) or by position level (係員級 … 課長級以上).

Small groups: a group (department, level) with fewer than *k* members of staff is never a
row or column of its own — `core.smallgroups.merge_small` pools them into 「その他」 (grown
with the smallest group when the pool is still under *k*), on both axes alike. Sizes are
the groups' headcounts (active staff), so the grouping never depends on who asked what.

Age bands: the office's staff records (org.Staff) hold no birth year, so there is no age
breakdown (the page says so) — nothing here guesses an age.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from yakuba.core.smallgroups import DEFAULT_MIN_GROUP, merge_small

# --- Matrices ----------------------------------------------------------------------------

OTHER = "__other__"

G = TypeVar("G", bound=Hashable)


@dataclass(frozen=True)
class Help:
    """One help: ``helper`` (staff id) helped ``helped`` (staff id) at ``at``."""

    helper: int
    helped: int
    at: dt.datetime


@dataclass(frozen=True)
class Matrix:
    """Counts of helps, helper group (rows) × helped group (columns).

    ``groups`` are the row/column keys in order (``OTHER`` last when some were merged);
    ``merged`` the groups pooled into 「その他」; ``withheld`` when fewer than *k* people are
    in all (nothing shown)."""

    groups: tuple[Hashable, ...]
    counts: Mapping[tuple[Hashable, Hashable], int]
    merged: tuple[Hashable, ...]
    withheld: bool

    def cell(self, row: Hashable, column: Hashable) -> int:
        return self.counts.get((row, column), 0)

    def row_total(self, row: Hashable) -> int:
        return sum(self.cell(row, c) for c in self.groups)

    def column_total(self, column: Hashable) -> int:
        return sum(self.cell(r, column) for r in self.groups)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def across(self) -> int:
        """Helps whose helper and helped person are in different groups (the diagonal
        aside; helps inside 「その他」 are counted as not crossing)."""
        return sum(n for (r, c), n in self.counts.items() if r != c)


def matrix(
    helps: Iterable[Help],
    group_of: Mapping[int, G],
    sizes: Mapping[G, int],
    min_group: int = DEFAULT_MIN_GROUP,
) -> Matrix:
    """Count ``helps`` by (helper's group, helped person's group).

    ``group_of`` maps a staff id to its group; ``sizes`` gives each group's headcount in
    the order groups should appear. People without a group are left out."""
    rule = merge_small(sizes, min_group)
    if rule.withheld:
        return Matrix((), {}, (), True)
    shown = set(rule.shown)
    other = set(rule.other)

    def key(staff_id: int) -> Hashable | None:
        group = group_of.get(staff_id)
        if group is None:
            return None
        if group in shown:
            return group
        if group in other:
            return OTHER
        return None

    counts: Counter[tuple[Hashable, Hashable]] = Counter()
    for h in helps:
        row, column = key(h.helper), key(h.helped)
        if row is not None and column is not None:
            counts[(row, column)] += 1
    groups: tuple[Hashable, ...] = rule.shown + ((OTHER,) if rule.other else ())
    return Matrix(groups, dict(counts), rule.other, False)


# --- First answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    question: int
    asker: int
    asked_at: dt.datetime
    author: int
    answered_at: dt.datetime
    accepted: bool


def first_answers(rows: Iterable[AnswerRow]) -> dict[int, AnswerRow]:
    """The first answer of each question by someone other than its asker (earliest
    ``answered_at``, then the smallest author id for a tie)."""
    first: dict[int, AnswerRow] = {}
    for row in rows:
        if row.author == row.asker:
            continue
        best = first.get(row.question)
        if best is None or (row.answered_at, row.author) < (best.answered_at, best.author):
            first[row.question] = row
    return first


def crossing_share(
    firsts: Iterable[AnswerRow], group_of: Mapping[int, Hashable]
) -> tuple[int, int]:
    """(first answers by someone outside the asker's group, first answers): the share of
    questions answered across the boundary is the one over the other."""
    outside = total = 0
    for row in firsts:
        total += 1
        if group_of.get(row.author) != group_of.get(row.asker):
            outside += 1
    return outside, total


def median_hours(firsts: Iterable[AnswerRow]) -> float | None:
    """Median time from question to first answer, in hours (one decimal); None if none."""
    waits = [(r.answered_at - r.asked_at).total_seconds() / 3600 for r in firsts]
    if not waits:
        return None
    return round(statistics.median(waits), 1)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- Trend by month ----------------------------------------------------------------------


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from ``start``'s to ``end``'s, inclusive."""
    out: list[dt.date] = []
    day = start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    questions: int
    answered: int
    outside: int
    median_hours: float | None
    trainees: int

    @property
    def outside_percent(self) -> float | None:
        return percent(self.outside, self.answered)


def trend(
    month_starts: Sequence[dt.date],
    asked: Iterable[dt.date],
    firsts: Iterable[AnswerRow],
    trained: Iterable[Help],
    group_of: Mapping[int, Hashable],
    tz: dt.tzinfo | None = None,
) -> list[MonthRow]:
    """Per month of the question (or of the session): questions asked, questions with a
    first answer, of which answered from outside the asker's group, the median wait, and
    trainees taught. ``asked`` holds the local date of each question."""

    def month_of(day: dt.date) -> dt.date:
        return day.replace(day=1)

    def local(moment: dt.datetime) -> dt.date:
        return (moment.astimezone(tz) if tz else moment).date()

    asked_n = Counter(month_of(d) for d in asked)
    by_month: dict[dt.date, list[AnswerRow]] = {}
    for row in firsts:
        by_month.setdefault(month_of(local(row.asked_at)), []).append(row)
    trainees = Counter(month_of(local(h.at)) for h in trained)
    out = []
    for m in month_starts:
        rows = by_month.get(m, [])
        outside, total = crossing_share(rows, group_of)
        out.append(MonthRow(m, asked_n[m], total, outside, median_hours(rows), trainees[m]))
    return out

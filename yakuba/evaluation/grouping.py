"""Groups of people in the evidence report: none smaller than ``EVALUATION_MIN_GROUP``.

A table "by unit / position / employment type" must never let a reader single a person
out. `merge_small` folds every group of fewer than the minimum into one 「その他」 row; if
that row is itself too small (but not empty) the smallest remaining group joins it, until
every row shown describes at least the minimum number of people. When the whole table
describes fewer people than that, nothing is shown (`Merged.withheld`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yakuba.core import smallgroups
from yakuba.core.conf import setting

DEFAULT_MIN_GROUP = 5


def min_group() -> int:
    """Fewest people a row of the report may describe (setting ``EVALUATION_MIN_GROUP``)."""
    return max(1, int(setting("EVALUATION_MIN_GROUP", DEFAULT_MIN_GROUP)))


@dataclass
class Group:
    """A row of a breakdown: its label, how many people it describes, and its counts."""

    label: str
    people: int
    values: list[float] = field(default_factory=list)

    def add(self, other: Group) -> None:
        self.people += other.people
        if not self.values:
            self.values = [0.0] * len(other.values)
        self.values = [a + b for a, b in zip(self.values, other.values, strict=True)]


@dataclass(frozen=True)
class Merged:
    groups: list[Group]
    merged_groups: int  # how many groups went into 「その他」
    withheld: bool  # fewer people than the minimum in all: nothing shown


def other_label() -> str:
    return _("その他（%(n)s人未満の区分をまとめたもの）") % {"n": min_group()}


def merge_small(groups: Sequence[Group], minimum: int | None = None) -> Merged:
    """The groups with every one smaller than ``minimum`` folded into one 「その他」 row (last);
    groups keep their order. Counts are summed (rates must be computed afterwards). Which
    groups are merged is decided by the office-wide rule, `core.smallgroups.merge_small`."""
    minimum = min_group() if minimum is None else minimum
    width = max((len(g.values) for g in groups), default=0)
    decided = smallgroups.merge_small({i: g.people for i, g in enumerate(groups)}, minimum)
    if decided.withheld:
        return Merged([], 0, withheld=True)

    def copy(g: Group) -> Group:
        return Group(g.label, g.people, list(g.values) or [0.0] * width)

    kept = [copy(groups[i]) for i in decided.shown]
    other = Group(other_label(), 0, [0.0] * width)
    for i in decided.other:
        other.add(copy(groups[i]))
    if other.people:
        kept.append(other)
    return Merged(kept, decided.merged, withheld=False)


def rate(part: float, whole: float) -> float | None:
    """A percentage with one decimal (None when there is nothing to divide by)."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)

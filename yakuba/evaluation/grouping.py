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
    groups keep their order. Counts are summed (rates must be computed afterwards)."""
    minimum = min_group() if minimum is None else minimum
    width = max((len(g.values) for g in groups), default=0)
    total = sum(g.people for g in groups)
    if total < minimum:
        return Merged([], 0, withheld=total > 0)
    kept = [Group(g.label, g.people, list(g.values)) for g in groups if g.people >= minimum]
    small = [g for g in groups if 0 < g.people < minimum]
    other = Group(other_label(), 0, [0.0] * width)
    for g in small:
        other.add(Group(g.label, g.people, list(g.values) or [0.0] * width))
    merged = len(small)
    while 0 < other.people < minimum and kept:
        smallest = min(kept, key=lambda g: (g.people, g.label))
        kept.remove(smallest)
        other.add(smallest)
        merged += 1
    if other.people:
        kept.append(other)
    return Merged(kept, merged, withheld=False)


def rate(part: float, whole: float) -> float | None:
    """A percentage with one decimal (None when there is nothing to divide by)."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)

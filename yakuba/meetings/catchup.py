"""Catch-up selection: a pure function of one person's presence and the time-stamped minutes.

An item is *missed* when its time lies in one of the person's absences; an agenda item
(which lasts from its start to the next item's start) is missed when its span overlaps an
absence, and the missed part is reported. Action items assigned to the person are always
included, missed or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from yakuba.meetings.intervals import Interval, contains, merge


@dataclass(frozen=True)
class Item:
    """A time-stamped thing from the meeting: an agenda item (with `until`) or a minutes entry."""

    key: str
    kind: str  # "agenda", "note", "decision", "action"
    at: float
    until: float | None = None  # agenda items only
    owner: int | None = None  # staff id for action items


@dataclass(frozen=True)
class Selected:
    item: Item
    missed: bool
    assigned: bool
    missed_from: float | None = None
    missed_to: float | None = None


def _overlap(span: Interval, absences: Sequence[Interval]) -> Interval | None:
    """First-to-last overlap of `span` with the absences (None when they do not meet)."""
    s, e = span
    hits = [(max(a, s), min(b, e)) for a, b in absences if a < e and b > s]
    if not hits:
        return None
    return hits[0][0], hits[-1][1]


def select(
    absences: Iterable[Interval], items: Iterable[Item], person: int | None
) -> list[Selected]:
    """What the person must be told, in meeting order."""
    gaps = merge(absences)
    out: list[Selected] = []
    for item in sorted(items, key=lambda i: (i.at, i.key)):
        assigned = person is not None and item.owner == person
        if item.until is not None:
            hit = _overlap((item.at, item.until), gaps)
            if hit is not None or assigned:
                out.append(
                    Selected(
                        item,
                        missed=hit is not None,
                        assigned=assigned,
                        missed_from=hit[0] if hit else None,
                        missed_to=hit[1] if hit else None,
                    )
                )
            continue
        missed = contains(gaps, item.at)
        if missed or assigned:
            out.append(Selected(item, missed=missed, assigned=assigned))
    return out

"""The small-group rule: figures about fewer than *k* people are never shown on their own.

Two helpers, for the two shapes of result an app shows:

`merge_small` — **one breakdown** (e.g. a drill's figures per unit). Groups of at least
*k* are shown; smaller ones are merged into one row "その他". If that row would still be
under *k*, the smallest shown groups join it until it is not: leaving it out while the
total is shown would let anyone subtract the shown rows from the total and read it. So
the rows shown always add up to the total, and nothing is withheld unless the total itself
is under *k* (then everything is).

`Blocks` — **several breakdowns and filters over the same people** (e.g. survey answers by
unit, by role, by employment type and by telework days, and one of them filtered by
another). Applying `merge_small` to each breakdown on its own is not enough: with unit A =
{1 head, 5 staff} and unit B = {5 heads}, each of "unit A" (6), "unit B" (5), "heads" (6)
and "staff" (5) is at least 5, yet heads − unit B is the one head of unit A. `Blocks` cuts
the people into one partition whose blocks each hold at least *k* people, and every row a
page may show — for any breakdown, under any filter — is a union of whole blocks (a row
"value v of dimension d" holds the blocks whose people all share v; blocks that mix values
of d are that breakdown's "その他"). Whatever a reader adds or subtracts from such rows, the
set of people the result describes is again a union of blocks: at least *k* people, or
none. The partition depends only on the people's attributes, never on their answers.

The blocks are made top-down (like Mondrian k-anonymity): all people are split by the
values of one dimension into groups of at least *k* (small values pooled, and the pool
grown with the smallest group when under *k*), each part then split by the next dimension,
and so on. Every order of the dimensions is tried; the one keeping the most people in rows
of their own (summed over the breakdowns, ties by order) wins. Deterministic throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import permutations
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)

DEFAULT_MIN_GROUP = 5


@dataclass(frozen=True)
class Merged(Generic[K]):
    """One breakdown under the rule: ``shown`` on their own (input order), ``other`` shown
    together as "その他" (at least ``min_group`` together, or empty), or everything
    ``withheld`` (the total is under ``min_group``)."""

    shown: tuple[K, ...]
    other: tuple[K, ...]
    withheld: bool
    min_group: int

    @property
    def merged(self) -> int:
        """How many groups are in "その他"."""
        return len(self.other)


def merge_small(sizes: Mapping[K, int], min_group: int = DEFAULT_MIN_GROUP) -> Merged[K]:
    """Apply the rule to one breakdown (``sizes``: group → people; empty groups dropped)."""
    k = max(1, min_group)
    groups = [(key, n) for key, n in sizes.items() if n > 0]
    total = sum(n for _, n in groups)
    if total == 0:
        return Merged((), (), False, k)
    if total < k:
        return Merged((), (), True, k)
    shown = [(key, n) for key, n in groups if n >= k]
    other = [(key, n) for key, n in groups if n < k]
    pool = sum(n for _, n in other)
    while other and pool < k:
        # The smallest shown group (the last such in input order) joins "その他".
        index = min(range(len(shown)), key=lambda i: (shown[i][1], -i))
        key, n = shown.pop(index)
        other.append((key, n))
        pool += n
    order = {key: i for i, (key, _) in enumerate(groups)}
    return Merged(
        tuple(key for key, _ in shown),
        tuple(sorted((key for key, _ in other), key=order.__getitem__)),
        False,
        k,
    )


OTHER = "__other__"
"""The row value of a breakdown's "その他" (blocks mixing values of the dimension)."""


@dataclass(frozen=True)
class Blocks(Generic[R]):
    """People (records ``R``) cut into blocks of at least ``min_group`` (see the module doc).

    ``block_of`` maps each record to its block; ``values[b][d]`` is the value every person
    of block ``b`` shares on dimension ``d``, or `OTHER` when they differ. ``withheld``:
    fewer than ``min_group`` people in all, so nothing may be shown.
    """

    dimensions: tuple[str, ...]
    block_of: Mapping[R, int]
    values: tuple[tuple[Hashable, ...], ...]
    sizes: tuple[int, ...]
    min_group: int
    withheld: bool

    @property
    def total(self) -> int:
        return sum(self.sizes)

    def value(self, record: R, dimension: str) -> Hashable:
        """The row of ``dimension``'s breakdown that ``record`` is counted in."""
        return self.values[self.block_of[record]][self.dimensions.index(dimension)]

    def rows(
        self, dimension: str, within: Callable[[int], bool] | None = None
    ) -> dict[Hashable, int]:
        """People per row of ``dimension``'s breakdown ({value or OTHER: people}), over the
        blocks ``within`` accepts (all by default). Every row is whole blocks."""
        index = self.dimensions.index(dimension)
        rows: dict[Hashable, int] = {}
        for block, values in enumerate(self.values):
            if within is None or within(block):
                rows[values[index]] = rows.get(values[index], 0) + self.sizes[block]
        return rows

    def selector(self, dimension: str, value: Hashable) -> Callable[[int], bool]:
        """The blocks in row ``value`` of ``dimension`` (a filter shows exactly these)."""
        index = self.dimensions.index(dimension)
        return lambda block: self.values[block][index] == value


def _sort_key(value: Hashable) -> tuple[int, str]:
    return (value is None, str(value))


def _split(
    records: list[tuple[R, tuple[Hashable, ...]]],
    dims: Sequence[int],
    k: int,
) -> list[list[tuple[R, tuple[Hashable, ...]]]]:
    """Leaves of the top-down split of ``records`` (at least ``k`` of them) on ``dims``."""
    for position, dim in enumerate(dims):
        by_value: dict[Hashable, list[tuple[R, tuple[Hashable, ...]]]] = {}
        for record in records:
            by_value.setdefault(record[1][dim], []).append(record)
        if len(by_value) < 2:
            continue
        ordered = sorted(by_value.items(), key=lambda item: (-len(item[1]), _sort_key(item[0])))
        proper = [group for _, group in ordered if len(group) >= k]
        pool = [record for _, group in ordered if len(group) < k for record in group]
        while pool and len(pool) < k and proper:
            pool.extend(proper.pop())  # the smallest (last) proper group
        parts = proper + ([pool] if pool else [])
        if len(parts) < 2:
            continue
        rest = [d for i, d in enumerate(dims) if i != position]
        leaves: list[list[tuple[R, tuple[Hashable, ...]]]] = []
        for part in parts:
            leaves.extend(_split(part, rest, k))
        return leaves
    return [records]


def _uniform(leaf: list[tuple[R, tuple[Hashable, ...]]], dims: int) -> tuple[Hashable, ...]:
    first = leaf[0][1]
    return tuple(
        first[d] if all(record[1][d] == first[d] for record in leaf) else OTHER for d in range(dims)
    )


def make_blocks(
    attributes: Mapping[R, Sequence[Hashable]],
    dimensions: Sequence[str],
    min_group: int = DEFAULT_MIN_GROUP,
    *,
    weights: Sequence[int] | None = None,
) -> Blocks[R]:
    """Cut the people (``attributes``: record → one value per dimension) into blocks.

    ``weights`` (one per dimension, default 1) say how much a person counted in a row of
    their own is worth in each breakdown when the orders of the split are compared."""
    k = max(1, min_group)
    dims = tuple(dimensions)
    records = sorted(
        ((record, tuple(values)) for record, values in attributes.items()),
        key=lambda item: str(item[0]),
    )
    for _, values in records:
        if len(values) != len(dims):
            raise ValueError("one value per dimension")
    if len(records) < k:
        return Blocks(dims, {}, (), (), k, withheld=bool(records))
    best: tuple[int, list[list[tuple[R, tuple[Hashable, ...]]]]] | None = None
    weight = tuple(weights) if weights is not None else (1,) * len(dims)
    for order in permutations(range(len(dims))):
        leaves = _split(records, order, k)
        score = sum(
            len(leaf) * weight[d]
            for leaf in leaves
            for d, value in enumerate(_uniform(leaf, len(dims)))
            if value != OTHER
        )
        if best is None or score > best[0]:
            best = (score, leaves)
    assert best is not None
    leaves = best[1]
    return Blocks(
        dims,
        {record: index for index, leaf in enumerate(leaves) for record, _ in leaf},
        tuple(_uniform(leaf, len(dims)) for leaf in leaves),
        tuple(len(leaf) for leaf in leaves),
        k,
        withheld=False,
    )


def smallest_singled_out(records: Iterable[R], visible: Iterable[Collection[R]]) -> int:
    """The fewest people that some sum or difference of the ``visible`` groups describes.

    Anything computed by adding and subtracting the figures of groups is a figure of a set
    of people that no visible group splits: people who are in exactly the same visible
    groups stay together. So the classes of people by "which visible groups am I in" are
    the smallest sets a reader can isolate; this returns the size of the smallest class
    (0 without people). Tests use it to try every filter and breakdown a page offers.
    """
    signature: dict[R, list[int]] = {record: [] for record in records}
    for index, group in enumerate(visible):
        for record in group:
            if record in signature:
                signature[record].append(index)
    classes: dict[tuple[int, ...], int] = {}
    for groups in signature.values():
        classes[tuple(groups)] = classes.get(tuple(groups), 0) + 1
    # People in no visible group are only in the total, which is itself visible.
    return min(classes.values(), default=0)

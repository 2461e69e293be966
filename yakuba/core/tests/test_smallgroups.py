"""The small-group rule (core.smallgroups): one breakdown, and many over the same people."""

import itertools
import random

from yakuba.core.smallgroups import OTHER, make_blocks, merge_small, smallest_singled_out


def test_small_groups_are_merged_into_other() -> None:
    rule = merge_small({"市民課": 12, "税務課": 3, "財政課": 4, "会計課": 0}, 5)
    assert rule.shown == ("市民課",) and rule.other == ("税務課", "財政課")
    assert not rule.withheld and rule.merged == 2


def test_an_other_row_too_small_takes_the_smallest_group_so_nobody_can_subtract() -> None:
    # 税務課 (1) alone would be "その他"; withholding it while the total (19) is shown
    # would give 19 - 12 - 6 = 1. The smallest shown group joins it instead.
    rule = merge_small({"市民課": 12, "財政課": 6, "税務課": 1}, 5)
    assert rule.shown == ("市民課",) and rule.other == ("財政課", "税務課")
    sizes = {"市民課": 12, "財政課": 6, "税務課": 1}
    assert sum(sizes[g] for g in rule.other) >= 5
    assert sum(sizes[g] for g in rule.shown) + sum(sizes[g] for g in rule.other) == 19


def test_a_total_under_the_minimum_is_withheld_whole() -> None:
    assert merge_small({"a": 2, "b": 2}, 5).withheld
    assert merge_small({"a": 2, "b": 2}, 5).shown == ()
    assert not merge_small({}, 5).withheld
    assert merge_small({"a": 5}, 5).shown == ("a",)


def test_the_rule_holds_for_any_sizes() -> None:
    rng = random.Random(3)
    for _ in range(500):
        sizes = {i: rng.randint(0, 9) for i in range(rng.randint(1, 7))}
        rule = merge_small(sizes, 5)
        total = sum(sizes.values())
        if rule.withheld:
            assert 0 < total < 5
            continue
        assert all(sizes[g] >= 5 for g in rule.shown)
        assert not rule.other or sum(sizes[g] for g in rule.other) >= 5
        # Nothing left out: the complement of the rows shown is "その他" itself.
        assert sum(sizes[g] for g in (*rule.shown, *rule.other)) == total


PEOPLE = {
    # Unit A: one head and five staff; unit B: five heads. Each of unit A (6), unit B (5),
    # heads (6) and staff (5) is at least 5 — but heads minus unit B is A's head.
    **{f"A-staff-{i}": ("A", "staff") for i in range(5)},
    "A-head": ("A", "head"),
    **{f"B-head-{i}": ("B", "head") for i in range(5)},
}


def _visible(blocks, people):
    """Every group a page could show: each breakdown, alone and under every filter."""
    groups = []
    for dim in blocks.dimensions:
        for value in blocks.rows(dim):
            groups.append({p for p in people if blocks.value(p, dim) == value})
    for fdim, bdim in itertools.permutations(blocks.dimensions, 2):
        for fvalue in blocks.rows(fdim):
            if fvalue == OTHER:
                continue
            for bvalue in blocks.rows(bdim, blocks.selector(fdim, fvalue)):
                groups.append(
                    {
                        p
                        for p in people
                        if blocks.value(p, fdim) == fvalue and blocks.value(p, bdim) == bvalue
                    }
                )
    return groups


def test_breakdowns_ruled_one_by_one_let_a_reader_subtract_someone_out() -> None:
    """Why the several-breakdowns case needs blocks: the attack, on the per-breakdown rule."""
    by_unit = merge_small({"A": 6, "B": 5}, 5)
    by_role = merge_small({"staff": 5, "head": 6}, 5)
    assert by_unit.shown == ("A", "B") and by_role.shown == ("staff", "head")
    naive = [
        {p for p, (u, _) in PEOPLE.items() if u == "A"},
        {p for p, (u, _) in PEOPLE.items() if u == "B"},
        {p for p, (_, r) in PEOPLE.items() if r == "staff"},
        {p for p, (_, r) in PEOPLE.items() if r == "head"},
    ]
    assert smallest_singled_out(PEOPLE, naive) == 1  # "A-head", alone


def test_blocks_never_let_anyone_be_singled_out() -> None:
    blocks = make_blocks(PEOPLE, ["unit", "role"], 5)
    assert min(blocks.sizes) >= 5
    assert smallest_singled_out(PEOPLE, _visible(blocks, PEOPLE)) >= 5
    # The head of unit A is counted in "その他" of one of the breakdowns, never alone.
    assert OTHER in (blocks.value("A-head", "unit"), blocks.value("A-head", "role"))


def test_blocks_on_an_office_sized_survey() -> None:
    rng = random.Random(15)
    people = {
        i: (
            f"u{rng.randint(1, 20)}",
            rng.choices(["staff", "unit_head", "hr"], [20, 2, 1])[0],
            rng.choices(["regular", "fiscal", "conditional"], [10, 4, 1])[0],
            rng.choices(["0", "1-4", "5-9", "10+"], [3, 4, 3, 2])[0],
        )
        for i in range(300)
    }
    dims = ["unit", "role", "employment", "band"]
    blocks = make_blocks(people, dims, 5, weights=[2, 1, 1, 2])
    assert min(blocks.sizes) >= 5 and blocks.total == 300
    assert smallest_singled_out(people, _visible(blocks, people)) >= 5
    for dim in dims:
        rows = blocks.rows(dim)
        assert sum(rows.values()) == 300 and all(n >= 5 for n in rows.values())
    # Deterministic, whatever order the people come in.
    again = make_blocks(dict(reversed(list(people.items()))), dims, 5, weights=[2, 1, 1, 2])
    assert again.values == blocks.values and again.block_of == blocks.block_of


def test_too_few_people_are_withheld() -> None:
    blocks = make_blocks({1: ("A",), 2: ("A",)}, ["unit"], 5)
    assert blocks.withheld and blocks.sizes == ()
    assert not make_blocks({}, ["unit"], 5).withheld

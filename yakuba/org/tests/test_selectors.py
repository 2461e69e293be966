"""`nearest_for_unit`: the settings row in force for a unit, whatever the settings model."""

from __future__ import annotations

import pytest

from yakuba.org.models import Unit
from yakuba.org.selectors import nearest_for_unit
from yakuba.rosters.models import TeleworkPolicy, WorkRules

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(org):
    """市民部 > 市民課 > 窓口係 > 証明担当 (a grandchild of 市民課), and 税務課 beside it."""
    team = Unit(code="1111", name="証明担当", name_kana="ショウメイタントウ", kind="section")
    team.parent = org["madoguchi"]
    team.save()
    return org | {"team": team}


@pytest.mark.parametrize("model", [WorkRules, TeleworkPolicy])
def test_own_parent_grandparent_default_and_none(tree, model) -> None:
    shimin, madoguchi, team = tree["shimin"], tree["madoguchi"], tree["team"]
    assert nearest_for_unit(model.objects.all(), team) == (None, None, True)
    assert nearest_for_unit(model.objects.all(), None) == (None, None, False)

    default = model.objects.create(unit=None)
    assert nearest_for_unit(model.objects.all(), team) == (default, None, True)
    assert nearest_for_unit(model.objects.all(), None) == (default, None, False)

    of_shimin = model.objects.create(unit=shimin)
    assert nearest_for_unit(model.objects.all(), team) == (of_shimin, shimin, True)  # grandparent

    of_madoguchi = model.objects.create(unit=madoguchi)
    assert nearest_for_unit(model.objects.all(), team) == (of_madoguchi, madoguchi, True)  # parent

    own = model.objects.create(unit=team)
    assert nearest_for_unit(model.objects.all(), team) == (own, team, False)
    assert nearest_for_unit(model.objects.all(), shimin) == (of_shimin, shimin, False)
    # A sibling branch never inherits from this one.
    assert nearest_for_unit(model.objects.all(), tree["zeimu"]) == (default, None, True)


def test_rows_already_read_answer_many_units_without_queries(
    tree, django_assert_num_queries
) -> None:
    WorkRules.objects.create(unit=None, max_consecutive_days=6)
    WorkRules.objects.create(unit=tree["shimin"], max_consecutive_days=5)
    rows = {r.unit_id: r for r in WorkRules.objects.select_related("unit")}
    with django_assert_num_queries(0):
        found = [
            nearest_for_unit(rows, tree[k])[0].max_consecutive_days
            for k in ("team", "madoguchi", "zeimu", "dept")
        ]
    assert found == [5, 5, 6, 6]


def test_a_code_that_begins_like_an_ancestors_is_not_an_ancestor(org) -> None:
    lookalike = Unit(code="1000", name="別部", name_kana="ベツブ", kind="department")
    lookalike.save()
    WorkRules.objects.create(unit=org["dept"], max_consecutive_days=4)  # code "100"
    assert nearest_for_unit(WorkRules.objects.all(), lookalike) == (None, None, True)

"""One vocabulary of rule codes: the CP-SAT rules, the evaluator and the diagnosis agree.

Every hard code guards a constraint of the model and has one evaluator check and a
diagnosis message; every soft code names penalty terms and has one evaluator cost. Each
code is then broken on its own, and the evaluator must blame exactly that code.
"""

from __future__ import annotations

import pytest

from yakuba.planner import (
    Activity,
    Capacity,
    Cover,
    Fairness,
    Pin,
    Problem,
    Request,
    SplitTeams,
    Staff,
    SubstituteDayOff,
    WindowLimit,
    codes,
    evaluate,
)
from yakuba.planner.builder import Builder
from yakuba.planner.diagnosis import render
from yakuba.planner.evaluate import HARD_CHECKS, SOFT_COSTS
from yakuba.planner.index import Index
from yakuba.planner.solver import breakdown

D, L, T = "D", "L", "T"
ACTIVITIES = [
    Activity(D, 480),
    Activity(L, 600, forbidden_next=frozenset({D})),
    Activity(T, 480, in_office=False),
]


def every_rule() -> Problem:
    """Two weeks in which every rule family has something to say."""
    h = 14
    staff = [
        Staff(
            "A",
            max_per_activity={L: 3},
            min_minutes=480 * 5,
            max_minutes=600 * 10,
            max_consecutive=5,
            min_consecutive=2,
            min_consecutive_off=2,
            max_weekends=1,
            days_off=frozenset({3}),
            skills=frozenset({"senior"}),
        ),
        Staff("B", allowed=frozenset({D, T}), allowed_by_day={4: frozenset({T})}),
        Staff("C"),
    ]
    return Problem(
        horizon=h,
        activities=ACTIVITIES,
        staff=staff,
        cover=[Cover(d, D, 1, 100, 1, hard_min=1 if d == 0 else None) for d in range(h)]
        + [Cover(1, D, 1, 50, 0, skill="senior", hard_min=1)],
        requests=[Request("A", 2, T, 3), Request("B", 2, None, 2, on=False)],
        pins=[Pin("C", 1, D)],
        capacities=[Capacity("vpn", frozenset({T}), 1)],
        split_teams=[SplitTeams("teams", (frozenset({"A"}), frozenset({"B"})))],
        fairness=[Fairness("weekends", frozenset({"A", "B", "C"}), 2, days=frozenset({5, 6}))],
        substitute_days_off=[SubstituteDayOff("sub", frozenset({5, 6}), after=6)],
        window_limits=[WindowLimit("tele", "B", frozenset(range(7)), frozenset({T}), 3, 1)],
        previous={s.id: [D] * h for s in staff},
        stability_weight=1,
    )


def test_rules_evaluator_and_diagnosis_share_one_vocabulary():
    assert len(set(codes.HARD)) == len(codes.HARD) and not set(codes.HARD) & set(codes.SOFT)
    b = Builder(Index.build(every_rule()), diagnose=True).build()
    guarded = {code for code, _params in b.guards.values()}
    penalised = {t.rule for t in b.terms}
    assert guarded == set(codes.HARD)
    assert penalised == set(codes.SOFT)
    assert set(HARD_CHECKS) == set(codes.HARD)
    assert set(SOFT_COSTS) == set(codes.SOFT)
    # The diagnosis words every hard group it can be handed; none falls back to the code.
    ix = Index.build(every_rule())
    for code, params in b.guards.values():
        conflict = render(ix, code, params)
        assert conflict.code == code
        assert conflict.message_en != code and conflict.message_ja != code, conflict


def _one(staff: list[Staff], rows: dict[str, str], **kw) -> tuple[Problem, dict]:
    h = len(next(iter(rows.values())))
    roster = {sid: [None if c == "-" else c for c in row] for sid, row in rows.items()}
    return Problem(horizon=h, activities=ACTIVITIES, staff=staff, **kw), roster


HARD_CASES = {
    codes.DAY_OFF: _one([Staff("A", days_off=frozenset({0}))], {"A": "D"}),
    codes.ELIGIBILITY: _one([Staff("A", allowed=frozenset({L}))], {"A": "D"}),
    codes.PIN: _one([Staff("A")], {"A": "-"}, pins=[Pin("A", 0, D)]),
    codes.SUCCESSION: _one([Staff("A")], {"A": "LD"}),
    codes.MAX_PER_ACTIVITY: _one([Staff("A", max_per_activity={D: 1})], {"A": "DD"}),
    codes.MIN_MINUTES: _one([Staff("A", min_minutes=960)], {"A": "D-"}),
    codes.MAX_MINUTES: _one([Staff("A", max_minutes=480)], {"A": "DD"}),
    codes.MAX_CONSECUTIVE: _one([Staff("A", max_consecutive=1)], {"A": "DD"}),
    codes.MIN_CONSECUTIVE: _one([Staff("A", min_consecutive=2)], {"A": "-D-"}),
    codes.MIN_CONSECUTIVE_OFF: _one([Staff("A", min_consecutive_off=2)], {"A": "D-D"}),
    codes.MAX_WEEKENDS: _one([Staff("A", max_weekends=0)], {"A": "D"}, start_weekday=5),
    codes.COVER_MIN: _one([Staff("A")], {"A": "-"}, cover=[Cover(0, D, 1, hard_min=1)]),
    codes.CAPACITY: _one([Staff("A")], {"A": "T"}, capacities=[Capacity("vpn", frozenset({T}), 0)]),
    codes.SPLIT_TEAMS: _one(
        [Staff("A"), Staff("B")],
        {"A": "D", "B": "D"},
        split_teams=[SplitTeams("teams", (frozenset({"A"}), frozenset({"B"})))],
    ),
    codes.SUBSTITUTE_DAY_OFF: _one(
        [Staff("A")],
        {"A": "DD"},
        substitute_days_off=[SubstituteDayOff("sub", frozenset({0}), after=1)],
    ),
    codes.WINDOW_LIMIT: _one(
        [Staff("A")],
        {"A": "DD"},
        window_limits=[WindowLimit("w", "A", frozenset({0, 1}), max_days=1)],
    ),
}

SOFT_CASES = {
    codes.COVER_UNDER: _one([Staff("A")], {"A": "-"}, cover=[Cover(0, D, 1, 100, 0)]),
    codes.COVER_OVER: _one([Staff("A")], {"A": "D"}, cover=[Cover(0, D, 0, 0, 7)]),
    codes.REQUEST_ON: _one([Staff("A")], {"A": "-"}, requests=[Request("A", 0, D, 3)]),
    codes.REQUEST_OFF: _one(
        [Staff("A")], {"A": "D"}, requests=[Request("A", 0, None, 3, on=False)]
    ),
    codes.FAIRNESS: _one(
        [Staff("A"), Staff("B")],
        {"A": "D", "B": "-"},
        fairness=[Fairness("f", frozenset({"A", "B"}), 5)],
    ),
    codes.STABILITY: _one([Staff("A")], {"A": "-"}, previous={"A": [D]}, stability_weight=2),
}


def test_every_code_has_a_case():
    assert set(HARD_CASES) == set(codes.HARD)
    assert set(SOFT_CASES) == set(codes.SOFT)


@pytest.mark.parametrize("code", codes.HARD)
def test_the_evaluator_blames_exactly_the_broken_hard_rule(code):
    problem, roster = HARD_CASES[code]
    ev = evaluate(problem, roster)
    assert not ev.feasible
    assert set(ev.broken_rules) == {code}, ev.hard_violations


@pytest.mark.parametrize("code", codes.SOFT)
def test_the_evaluator_and_the_model_price_exactly_the_broken_soft_rule(code):
    problem, roster = SOFT_CASES[code]
    ev = evaluate(problem, roster)
    assert ev.feasible, ev.hard_violations
    assert set(ev.breakdown) == {code} and ev.objective > 0
    ix = Index.build(problem)
    assert breakdown(ix, ix.from_roster(roster))[:2] == (ev.objective, ev.breakdown)

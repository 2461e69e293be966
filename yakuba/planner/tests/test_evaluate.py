"""Hand-made rosters with scores worked out by hand, one rule at a time."""

from __future__ import annotations

from yakuba.planner import (
    Activity,
    Cover,
    Fairness,
    Problem,
    Request,
    Staff,
)
from yakuba.planner.evaluate import evaluate

D, L = "D", "L"


def one(staff: Staff, horizon: int = 7, **kw) -> Problem:
    acts = [Activity(D, 480), Activity(L, 600, forbidden_next=frozenset({D}))]
    return Problem(horizon=horizon, activities=acts, staff=[staff], **kw)


def row(pattern: str) -> list[str | None]:
    """'DD-L' -> ['D', 'D', None, 'L']"""
    return [None if c == "-" else c for c in pattern]


def hard(p: Problem, pattern: str) -> list[str]:
    return evaluate(p, {p.staff[0].id: row(pattern)}).hard_violations


def test_cover_under_and_over_costs():
    acts = [Activity(D)]
    staff = [Staff("A"), Staff("B"), Staff("C")]
    p = Problem(
        horizon=2,
        activities=acts,
        staff=staff,
        cover=[Cover(0, D, 2, 100, 1), Cover(1, D, 1, 100, 7)],
    )
    ev = evaluate(p, {"A": row("DD"), "B": row("-D"), "C": row("-D")})
    # day 0: one missing -> 100; day 1: two extra at 7 each -> 14
    assert ev.feasible and ev.objective == 114
    assert ev.breakdown == {"cover_under": 100, "cover_over": 14}


def test_requests_on_and_off():
    p = one(
        Staff("A"),
        requests=[
            Request("A", 0, D, 3),  # met
            Request("A", 1, D, 2),  # works L instead -> 2
            Request("A", 2, D, 1),  # off -> 1
            Request("A", 3, L, 5, on=False),  # works L -> 5
            Request("A", 4, None, 4, on=False),  # day-off wish, works -> 4
        ],
    )
    ev = evaluate(p, {"A": row("DL-LL--")})
    assert ev.feasible
    assert ev.breakdown == {"request_on": 3, "request_off": 9}
    assert ev.objective == 12


def test_succession_and_limits():
    st = Staff("A", max_per_activity={L: 1}, min_minutes=960, max_minutes=1560)
    assert hard(one(st), "LD-----")  # L then D is forbidden, and
    assert hard(one(st), "L-L----")  # two L > 1
    assert hard(one(st), "D------")  # 480 < 960 minutes
    assert hard(one(st), "DDDD---")  # 1920 > 1560 minutes
    assert not hard(one(st), "DL-D---")  # 480+600+480 = 1560


def test_max_consecutive_includes_edges():
    st = Staff("A", max_consecutive=3)
    assert hard(one(st), "DDDD---")  # run touching day 0 still counts
    assert hard(one(st), "---DDDD")  # and one touching the last day
    assert not hard(one(st), "DDD-DDD")


def test_min_consecutive_exempts_edge_runs():
    st = Staff("A", min_consecutive=2)
    assert not hard(one(st), "D-----D")  # edge runs of 1 are fine...
    assert hard(one(st), "--D----")  # ...an interior run of 1 is not
    assert not hard(one(st), "--DD---")


def test_min_consecutive_off_exempts_edge_runs():
    st = Staff("A", min_consecutive_off=2)
    assert not hard(one(st), "-DDDDD-")  # single days off at both edges: exempt
    assert hard(one(st), "DD-DDDD")  # interior single day off
    assert not hard(one(st), "DD--DDD")


def test_weekends_and_days_off():
    st = Staff("A", max_weekends=1, days_off=frozenset({2}))
    p = one(st, horizon=14)
    assert not hard(p, "-----D-" + "-------")
    assert hard(p, "-----D-" + "------D")  # two weekends
    assert hard(p, "--D----" + "-------")  # fixed day off
    # A start on Sunday makes day 0 a (partial) weekend of its own.
    p2 = one(Staff("A", max_weekends=0), horizon=7, start_weekday=6)
    assert hard(p2, "D------") and not hard(p2, "-D-----")


def test_fairness_spread_and_deviation():
    staff = [Staff("A"), Staff("B"), Staff("C")]
    roster = {"A": row("DDD"), "B": row("D--"), "C": row("---")}
    fs = Fairness("duty", frozenset({"A", "B", "C"}), weight=2)
    p = Problem(horizon=3, activities=[Activity(D)], staff=staff, fairness=[fs])
    assert evaluate(p, roster).objective == 2 * (3 - 0)
    fd = Fairness("duty", frozenset({"A", "B", "C"}), weight=1, mode="deviation")
    p = Problem(horizon=3, activities=[Activity(D)], staff=staff, fairness=[fd])
    # counts 3,1,0; N=3, T=4: |9-4| + |3-4| + |0-4| = 10
    assert evaluate(p, roster).objective == 10


def test_stability_counts_changed_cells():
    p = one(Staff("A"), horizon=4, previous={"A": row("DD--")}, stability_weight=5)
    assert evaluate(p, {"A": row("DD--")}).objective == 0
    assert evaluate(p, {"A": row("D-D-")}).objective == 10
    assert evaluate(p, {"A": row("LD--")}).objective == 5


def test_malformed_roster_is_infeasible():
    p = one(Staff("A"))
    assert not evaluate(p, {"A": row("DD")}).feasible
    assert not evaluate(p, {"A": ["X"] * 7}).feasible

"""Solver tests: benchmark Instance 1, each municipal extension on a tiny problem whose
best answer is known, infeasibility diagnosis. Every roster is checked by the evaluator."""

from __future__ import annotations

import datetime as dt

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
    evaluate,
    solve,
)
from yakuba.planner.formats.curtois_qu import read


def checked(p: Problem, time_limit: float = 5.0):
    progress: list[tuple[float, float, float]] = []
    res = solve(
        p, time_limit=time_limit, workers=2, seed=1, on_progress=lambda *a: progress.append(a)
    )
    assert res.roster is not None, res.status
    ev = evaluate(p, res.roster)
    assert ev.feasible, ev.hard_violations
    assert ev.objective == res.objective
    assert ev.breakdown == res.breakdown
    assert sum(v.cost for v in res.violations) == res.objective
    assert progress and progress[-1][1] == res.objective  # last improvement reported
    return res


def test_instance1_optimal(bench):
    res = checked(read(bench / "Instance1.txt"), time_limit=10)
    assert res.objective == 607
    assert res.status == "optimal" and res.bound == 607
    assert res.time_to_first is not None and res.time_to_first < res.wall_time


def test_capacity_limits_telework_seats():
    acts = [Activity("office"), Activity("vpn", in_office=False)]
    staff = [Staff(s, min_minutes=480 * 2) for s in "ABC"]
    # Everybody wants telework both days (weight 10) but there is one VPN seat.
    reqs = [Request(s, d, "vpn", 10) for s in "ABC" for d in range(2)]
    p = Problem(2, acts, staff, requests=reqs, capacities=[Capacity("vpn", frozenset({"vpn"}), 1)])
    res = checked(p)
    assert res.status == "optimal" and res.objective == 40  # 4 of 6 wishes unmet
    for d in range(2):
        assert sum(res.roster[s][d] == "vpn" for s in "ABC") == 1


def test_split_teams_never_share_the_office():
    acts = [Activity("office"), Activity("home", in_office=False)]
    staff = [Staff(s, min_minutes=480 * 2) for s in ("a1", "a2", "b1")]
    cover = [Cover(d, "office", 2, 10, 1) for d in range(2)]
    # b1 wants the office on day 0: without the split rule that costs only 1 (over-cover).
    reqs = [Request("b1", 0, "office", 5)]
    split = SplitTeams("AB", (frozenset({"a1", "a2"}), frozenset({"b1"})))
    p = Problem(2, acts, staff, cover=cover, requests=reqs, split_teams=[split])
    res = checked(p)
    assert res.status == "optimal" and res.objective == 5
    for d in range(2):
        a_in = any(res.roster[s][d] == "office" for s in ("a1", "a2"))
        assert not (a_in and res.roster["b1"][d] == "office")


def test_alternating_cohorts():
    acts = [Activity("office"), Activity("home", in_office=False)]
    staff = [Staff(s, min_minutes=480 * 4) for s in ("a", "b")]
    reqs = [Request(s, d, "office", 1) for s in ("a", "b") for d in range(4)]
    split = SplitTeams("cohorts", (frozenset({"a"}), frozenset({"b"})), period_days=1)
    res = checked(Problem(4, acts, staff, requests=reqs, split_teams=[split]))
    assert res.objective == 4  # each gets the office every other day
    assert [res.roster["a"][d] for d in range(4)] == ["office", "home", "office", "home"]
    assert [res.roster["b"][d] for d in range(4)] == ["home", "office", "home", "office"]


def test_fairness_spreads_duty():
    acts = [Activity("duty")]
    staff = [Staff("A"), Staff("B")]
    cover = [Cover(d, "duty", 1, 100, 100) for d in range(4)]
    reqs = [Request("A", d, "duty", 1) for d in range(4)]  # A would take every duty
    fair = Fairness("duty", frozenset({"A", "B"}), weight=10)
    res = checked(Problem(4, acts, staff, cover=cover, requests=reqs, fairness=[fair]))
    assert res.status == "optimal" and res.objective == 2  # 2/2 split, two wishes unmet
    assert sum(a == "duty" for a in res.roster["A"]) == 2


def test_fairness_deviation_mode():
    acts = [Activity("duty")]
    staff = [Staff(s) for s in "ABC"]
    cover = [Cover(d, "duty", 1, 100, 100) for d in range(6)]
    fair = Fairness("duty", frozenset("ABC"), weight=1, mode="deviation")
    res = checked(Problem(6, acts, staff, cover=cover, fairness=[fair]))
    assert res.objective == 0
    assert all(sum(a == "duty" for a in res.roster[s]) == 2 for s in "ABC")


def test_pinned_assignment_is_kept():
    acts = [Activity("D")]
    staff = [Staff("A"), Staff("B")]
    cover = [Cover(d, "D", 1, 100, 1) for d in range(3)]
    # B would be cheaper on day 1 (A asked for it off) but A is pinned there.
    reqs = [Request("A", 1, "D", 3, on=False)]
    res = checked(Problem(3, acts, staff, cover=cover, requests=reqs, pins=[Pin("A", 1, "D")]))
    assert res.roster["A"][1] == "D" and res.roster["B"][1] is None
    assert res.status == "optimal" and res.objective == 3


def test_stability_repair_changes_little():
    acts = [Activity("D")]
    staff = [Staff("A", days_off=frozenset({1})), Staff("B")]
    cover = [Cover(d, "D", 1, 100, 1) for d in range(3)]
    previous: dict[str, list[str | None]] = {"A": ["D", "D", "D"], "B": [None, None, None]}
    p = Problem(3, acts, staff, cover=cover, previous=previous, stability_weight=5)
    res = checked(p)
    # A's absence on day 1 forces two changes (A off, B in); nothing else moves.
    assert res.roster == {"A": ["D", None, "D"], "B": [None, "D", None]}
    assert res.objective == 10 and res.breakdown == {"stability": 10}
    assert {(v.staff, v.day) for v in res.violations} == {("A", 1), ("B", 1)}


def test_substitute_day_off_after_weekend_duty():
    acts = [Activity("D")]
    staff = [Staff("A")]
    cover = [Cover(d, "D", 1, 100, 0) for d in range(14)]
    weekend = frozenset({5, 6, 12, 13})
    sub = SubstituteDayOff("振替", weekend, after=7)
    res = checked(Problem(14, acts, staff, cover=cover, substitute_days_off=[sub]))
    # Duty on 12/13 has no weekday left in the horizon to compensate -> off; duty on
    # 5/6 needs one weekday off in 7..11: three uncovered days in all.
    assert res.status == "optimal" and res.objective == 300
    row = res.roster["A"]
    assert row[12] is None and row[13] is None
    assert any(row[d] is None for d in range(7, 12))


def test_infeasible_gives_a_plain_diagnosis():
    acts = [Activity("jumin", name="住民票")]
    staff = [
        Staff("A", name="佐藤", skills=frozenset({"X"})),
        Staff("B", name="鈴木", skills=frozenset({"X"})),
        Staff("C", name="高橋"),
    ]
    cover = [Cover(2, "jumin", 3, skill="X", hard_min=3)]
    p = Problem(5, acts, staff, cover=cover, start_date=dt.date(2025, 5, 1))
    res = solve(p, time_limit=5, workers=2)
    assert res.status == "infeasible" and res.roster is None
    assert res.diagnosis is not None
    codes = {c.code for c in res.diagnosis.conflicts}
    assert codes == {"cover_min"}
    c = res.diagnosis.conflicts[0]
    assert c.params["available"] == 2 and c.params["need"] == 3
    assert "2025-05-03" in c.message_en and "only 2" in c.message_en
    assert "住民票" in c.message_ja and "2人" in c.message_ja


def test_infeasible_names_each_conflicting_rule():
    acts = [Activity("D")]
    # Needs 3 working days out of 4 but has two fixed days off.
    staff = [Staff("A", min_minutes=3 * 480, days_off=frozenset({0, 1}))]
    res = solve(Problem(4, acts, staff), time_limit=5, workers=2)
    assert res.status == "infeasible"
    assert res.diagnosis is not None
    codes = sorted(c.code for c in res.diagnosis.conflicts)
    assert codes[0] == "day_off" and "min_minutes" in codes
    assert {c.params.get("day") for c in res.diagnosis.conflicts if c.code == "day_off"} == {0, 1}


def test_pin_on_a_fixed_day_off_is_diagnosed():
    acts = [Activity("D")]
    staff = [Staff("A", days_off=frozenset({1}))]
    res = solve(Problem(3, acts, staff, pins=[Pin("A", 1, "D")]), time_limit=5, workers=2)
    assert res.status == "infeasible"
    assert res.diagnosis is not None
    assert sorted(c.code for c in res.diagnosis.conflicts) == ["day_off", "pin"]

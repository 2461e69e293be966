"""Property: on random small instances the solver's objective always equals the
independent evaluator's, and its rosters break no hard rule."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yakuba.planner import Activity, Cover, Fairness, Problem, Request, Staff, evaluate, solve


@st.composite
def problems(draw) -> Problem:
    horizon = draw(st.sampled_from([7, 14]))
    n_act = draw(st.integers(1, 3))
    ids = ["D", "E", "N"][:n_act]
    acts = []
    for i, a in enumerate(ids):
        forb = frozenset(b for b in ids[:i] if draw(st.booleans()))
        acts.append(Activity(a, draw(st.sampled_from([480, 600])), forbidden_next=forb))
    staff = []
    for k in range(draw(st.integers(1, 4))):
        days_off = frozenset(draw(st.lists(st.integers(0, horizon - 1), max_size=3)))
        staff.append(
            Staff(
                f"S{k}",
                max_per_activity={a: draw(st.integers(0, horizon)) for a in ids},
                min_minutes=draw(st.sampled_from([0, 480, 480 * 3])),
                max_minutes=draw(st.sampled_from([None, 480 * 8, 600 * 10])),
                max_consecutive=draw(st.sampled_from([None, 3, 5])),
                min_consecutive=draw(st.integers(1, 3)),
                min_consecutive_off=draw(st.integers(1, 2)),
                max_weekends=draw(st.sampled_from([None, 0, 1])),
                days_off=days_off,
            )
        )
    cover = [
        Cover(d, a, draw(st.integers(0, 2)), draw(st.integers(0, 100)), draw(st.integers(0, 3)))
        for d in range(horizon)
        for a in ids
        if draw(st.booleans())
    ]
    reqs = [
        Request(
            s.id,
            draw(st.integers(0, horizon - 1)),
            draw(st.sampled_from([None, *ids])),
            draw(st.integers(1, 3)),
            on=draw(st.booleans()),
        )
        for s in staff
        for _ in range(draw(st.integers(0, 3)))
    ]
    fairness = []
    if draw(st.booleans()):
        fairness.append(
            Fairness(
                "we",
                frozenset(s.id for s in staff),
                draw(st.integers(1, 5)),
                days=frozenset(d for d in range(horizon) if d % 7 >= 5),
                mode=draw(st.sampled_from(["spread", "deviation"])),
            )
        )
    previous = None
    if draw(st.booleans()):
        previous = {
            s.id: [draw(st.sampled_from([None, *ids])) for _ in range(horizon)] for s in staff
        }
    return Problem(
        horizon,
        acts,
        staff,
        cover=cover,
        requests=reqs,
        fairness=fairness,
        previous=previous,
        stability_weight=draw(st.integers(0, 3)),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solver_objective_matches_evaluator(p: Problem):
    res = solve(p, time_limit=2.0, workers=2, seed=0)
    if res.roster is None:
        assert res.status in ("infeasible", "unknown")
        return
    ev = evaluate(p, res.roster)
    assert ev.feasible, ev.hard_violations
    assert ev.objective == res.objective
    assert ev.breakdown == res.breakdown

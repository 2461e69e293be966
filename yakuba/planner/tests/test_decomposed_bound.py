"""The decomposed bound (``decomposed_bound``) never exceeds what a roster achieves.

Property: on random small municipal-shaped problems (office, counters with skills and
hard minimums, telework under a seat capacity, leave, wishes of every kind, fairness,
substitute days off, weekly limits, pins, repairs) the bound is at most the optimum
CP-SAT proves, and at most the evaluator's objective of that optimal roster.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from yakuba.planner import (
    Activity,
    Capacity,
    Cover,
    Fairness,
    Pin,
    Problem,
    Request,
    Staff,
    SubstituteDayOff,
    WindowLimit,
    evaluate,
)
from yakuba.planner.builder import Builder
from yakuba.planner.decomposed_bound import decomposed_bound
from yakuba.planner.index import Index

WEEKEND = frozenset({5, 6})


@st.composite
def municipal(draw) -> Problem:
    horizon = draw(st.sampled_from([7, 9]))
    minutes = draw(st.sampled_from([465, 480]))
    acts = [
        Activity("O", minutes, name="office"),
        Activity("C1", minutes, name="counter 1"),
        Activity("C2", draw(st.sampled_from([minutes, 240])), name="counter 2"),
        Activity("T", minutes, name="telework", in_office=False),
    ]
    duty = frozenset(d for d in range(horizon) if d % 7 in WEEKEND)
    staff = []
    for k in range(draw(st.integers(2, 5))):
        leave = frozenset(draw(st.lists(st.integers(0, horizon - 1), max_size=2)))
        skills = frozenset(draw(st.lists(st.sampled_from(["s1", "s2"]), max_size=2)))
        weekend_counter = draw(st.booleans())
        teleworker = draw(st.booleans())
        by_day = {}
        for d in range(horizon):
            if d in duty:
                by_day[d] = frozenset({"C1"} if weekend_counter else set())
            else:
                by_day[d] = frozenset({"O", "C1", "C2"} | ({"T"} if teleworker else set()))
        workdays = draw(st.integers(0, 6))
        staff.append(
            Staff(
                f"S{k}",
                min_minutes=minutes * workdays // 2 * draw(st.sampled_from([1, 2])),
                max_minutes=draw(st.sampled_from([None, minutes * 6])),
                max_consecutive=draw(st.sampled_from([None, 5, 6])),
                max_weekends=draw(st.sampled_from([None, 1])),
                days_off=leave,
                allowed_by_day=by_day,
                skills=skills,
            )
        )
    cover = []
    for d in range(horizon):
        for a, skill in (("C1", "s1"), ("C2", "s2")):
            if d in duty and a == "C2":
                continue
            target = draw(st.integers(0, 2))
            hard = draw(st.sampled_from([None, None, 1]))
            cover.append(Cover(d, a, target, 1000, 20, hard_min=hard))
            if draw(st.booleans()):
                hard = draw(st.sampled_from([None, 1]))
                cover.append(Cover(d, a, 1, 500, 0, skill=skill, hard_min=hard))
        if d not in duty:  # the office preference: every person present, weight 1
            present = sum(1 for s in staff if d not in s.days_off)
            cover.append(Cover(d, "O", present + draw(st.integers(0, 1)), 1, 0))
    kinds = [(None, False), ("T", True), ("T", False), (None, True), ("C1", True), ("O", True)]
    requests = []
    for s in staff:
        for _ in range(draw(st.integers(0, 4))):
            activity, on = draw(st.sampled_from(kinds))
            day = draw(st.integers(0, horizon - 1))
            requests.append(Request(s.id, day, activity, draw(st.integers(1, 12)), on=on))
    ids = frozenset(s.id for s in staff)
    capacities = [
        Capacity(f"vpn@{d}", frozenset({"T"}), draw(st.integers(0, 2)), frozenset({d}))
        for d in range(horizon)
        if draw(st.booleans())
    ]
    fairness = [Fairness("duty", ids, 3, None, duty)] if draw(st.booleans()) else []
    subs = [SubstituteDayOff("sub", duty, after=3, before=1)] if draw(st.booleans()) else []
    limits = []
    if draw(st.booleans()):
        for s in staff:
            limits.append(WindowLimit("tele", s.id, frozenset(range(7)), frozenset({"T"}), 2))
    pins = []
    if draw(st.booleans()):
        s = draw(st.sampled_from(staff))
        day = draw(st.integers(0, horizon - 1))
        if day not in s.days_off:
            choices = [None, *sorted(s.allowed_by_day[day])]
            pins.append(Pin(s.id, day, draw(st.sampled_from(choices))))
    previous = None
    if draw(st.booleans()):
        previous = {
            s.id: [draw(st.sampled_from([None, "O", "C1", "T"])) for _ in range(horizon)]
            for s in staff
        }
    return Problem(
        horizon,
        acts,
        staff,
        cover=cover,
        requests=requests,
        pins=pins,
        capacities=capacities,
        fairness=fairness,
        substitute_days_off=subs,
        window_limits=limits,
        previous=previous,
        stability_weight=30 if previous else 0,
    )


def optimum(problem: Problem) -> tuple[int, dict] | None:
    """The proven optimum and its roster, or None (infeasible, or not proven in time)."""
    ix = Index.build(problem)
    b = Builder(ix).build()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 1
    if solver.Solve(b.m) != cp_model.OPTIMAL:
        return None
    return round(solver.ObjectiveValue()), ix.to_roster(b.grid_from(solver.Value))


def optimal_value(problem: Problem) -> int:
    solved = optimum(problem)
    assert solved is not None
    return solved[0]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(municipal())
def test_the_bound_is_never_above_the_optimum_nor_any_rosters_objective(problem) -> None:
    solved = optimum(problem)
    if solved is None:
        return
    best, roster = solved
    bound = decomposed_bound(Index.build(problem))
    assert bound.value <= best, (bound, best)
    evaluation = evaluate(problem, roster)
    assert evaluation.feasible and bound.value <= evaluation.objective


def _office_day(staff: list[Staff], seats: int, wishes: list[int]) -> Problem:
    """One weekday: a counter wanting two people, telework under ``seats`` seats, the
    office preference, one telework wish per person (``wishes``: their weights)."""
    acts = [Activity("O"), Activity("C"), Activity("T", in_office=False)]
    return Problem(
        1,
        acts,
        staff,
        cover=[Cover(0, "C", 2, 1000, 20), Cover(0, "O", len(staff), 1, 0)],
        requests=[Request(s.id, 0, "T", w) for s, w in zip(staff, wishes, strict=True)],
        capacities=[Capacity("vpn", frozenset({"T"}), seats)],
    )


def test_seats_wishes_and_counters_are_proven_exactly_on_one_day() -> None:
    # Five people, two at the counter, one seat: one wish (the heaviest, 12) granted,
    # the others (8, 4, 4, 4) not. Away from the office: 2 at the counter + 1 at home.
    staff = [Staff(f"S{k}", min_minutes=480) for k in range(5)]
    problem = _office_day(staff, seats=1, wishes=[12, 8, 4, 4, 4])
    bound = decomposed_bound(Index.build(problem))
    assert bound.parts["capacity"] == 8 + 4 + 4 + 4 + 1
    assert bound.parts["cover"] == 2
    assert bound.value == optimal_value(problem) == 23


def test_day_off_wishes_cost_what_the_minimum_hours_leave_no_room_for() -> None:
    # Five working days needed out of six possible: of three day-off wishes (5, 3, 2)
    # only the heaviest can be granted.
    acts = [Activity("O")]
    person = Staff("S0", min_minutes=480 * 5, max_minutes=480 * 5)
    problem = Problem(
        6,
        acts,
        [person],
        requests=[
            Request("S0", 1, None, 5, on=False),
            Request("S0", 2, None, 3, on=False),
            Request("S0", 4, None, 2, on=False),
        ],
    )
    bound = decomposed_bound(Index.build(problem))
    assert bound.parts["days_off"] == 5
    assert bound.value == optimal_value(problem) == 5


def test_wishes_no_roster_can_grant_are_certain() -> None:
    # Telework wished by someone not eligible for it, and a day-off wish on a day the
    # person is pinned to the counter.
    acts = [Activity("O"), Activity("T", in_office=False)]
    person = Staff("S0", allowed=frozenset({"O"}))
    problem = Problem(
        2,
        acts,
        [person],
        requests=[Request("S0", 0, "T", 7), Request("S0", 1, None, 3, on=False)],
        pins=[Pin("S0", 1, "O")],
    )
    bound = decomposed_bound(Index.build(problem))
    assert bound.parts["certain"] == 10
    assert bound.value == optimal_value(problem) == 10

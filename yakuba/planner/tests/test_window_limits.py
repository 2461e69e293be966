"""Window limits (e.g. telework at most 3 days a week, at least 1 office day)."""

from __future__ import annotations

from yakuba.planner import Activity, Problem, Request, Staff, WindowLimit, evaluate, solve


def _problem(**limits: int) -> Problem:
    return Problem(
        horizon=7,
        activities=[Activity("office"), Activity("home", in_office=False)],
        staff=[Staff("s", min_minutes=5 * 480, max_minutes=5 * 480)],
        requests=[Request("s", d, "home", 2) for d in range(5)],
        window_limits=[
            WindowLimit("telework_week", "s", frozenset(range(7)), frozenset({"home"}), **limits)
        ],
    )


def test_weekly_cap_limits_telework_days_and_the_evaluator_agrees() -> None:
    problem = _problem(max_days=3)
    result = solve(problem, time_limit=5, workers=1)
    assert result.roster is not None
    assert result.roster["s"].count("home") == 3
    check = evaluate(problem, result.roster)
    assert check.feasible and check.objective == result.objective == 2 * 2


def test_evaluator_flags_a_broken_window_limit() -> None:
    problem = _problem(max_days=3)
    roster = {"s": ["home"] * 5 + [None, None]}
    assert not evaluate(problem, roster).feasible


def test_minimum_days_in_a_window() -> None:
    problem = Problem(
        horizon=7,
        activities=[Activity("office"), Activity("home", in_office=False)],
        staff=[Staff("s", min_minutes=5 * 480, max_minutes=5 * 480)],
        requests=[Request("s", d, "home", 2) for d in range(5)],
        window_limits=[
            WindowLimit("office_week", "s", frozenset(range(7)), frozenset({"office"}), min_days=2)
        ],
    )
    result = solve(problem, time_limit=5, workers=1)
    assert result.roster is not None and result.roster["s"].count("office") == 2
    assert evaluate(problem, result.roster).feasible

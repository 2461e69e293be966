"""Rule codes: the one vocabulary of the planner.

The CP-SAT rules (``rules``) name their guards and penalty terms with these codes, the
independent evaluator (``evaluate``) has one check per code, and the diagnosis
(``diagnosis``) has one message per hard code. Results, violations and the Django app's
explanations carry the same strings (``tests/test_rule_codes.py`` keeps them in step).
"""

from __future__ import annotations

# ---- hard rules: a roster breaking one is infeasible
DAY_OFF = "day_off"
ELIGIBILITY = "eligibility"
PIN = "pin"
SUCCESSION = "succession"
MAX_PER_ACTIVITY = "max_per_activity"
MIN_MINUTES = "min_minutes"
MAX_MINUTES = "max_minutes"
MAX_CONSECUTIVE = "max_consecutive"
MIN_CONSECUTIVE = "min_consecutive"
MIN_CONSECUTIVE_OFF = "min_consecutive_off"
MAX_WEEKENDS = "max_weekends"
COVER_MIN = "cover_min"
CAPACITY = "capacity"
SPLIT_TEAMS = "split_teams"
SUBSTITUTE_DAY_OFF = "substitute_day_off"
WINDOW_LIMIT = "window_limit"

# ---- soft rules: penalty terms of the objective
COVER_UNDER = "cover_under"
COVER_OVER = "cover_over"
REQUEST_ON = "request_on"
REQUEST_OFF = "request_off"
FAIRNESS = "fairness"
STABILITY = "stability"

HARD: tuple[str, ...] = (
    DAY_OFF,
    ELIGIBILITY,
    PIN,
    SUCCESSION,
    MAX_PER_ACTIVITY,
    MIN_MINUTES,
    MAX_MINUTES,
    MAX_CONSECUTIVE,
    MIN_CONSECUTIVE,
    MIN_CONSECUTIVE_OFF,
    MAX_WEEKENDS,
    COVER_MIN,
    CAPACITY,
    SPLIT_TEAMS,
    SUBSTITUTE_DAY_OFF,
    WINDOW_LIMIT,
)
SOFT: tuple[str, ...] = (COVER_UNDER, COVER_OVER, REQUEST_ON, REQUEST_OFF, FAIRNESS, STABILITY)

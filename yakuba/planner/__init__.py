"""Yakuba roster optimizer: pure Python on OR-Tools CP-SAT, no Django.

Public API
----------
Problem description (``yakuba.planner.model``)
    :class:`Problem`, :class:`Activity`, :class:`Staff`, :class:`Cover`, :class:`Request`,
    :class:`Pin`, :class:`Capacity`, :class:`SplitTeams`, :class:`Fairness`,
    :class:`SubstituteDayOff`; ``Roster = dict[staff_id, list[activity_id | None]]``.
Solving
    ``solve(problem, time_limit=60, workers=2, seed=0, on_progress=None, hint=None)``
    -> :class:`SolveResult` (status ``optimal|feasible|infeasible|unknown``, roster,
    objective, CP-SAT proven ``bound``, ``breakdown`` by rule, ``violations`` (staff, day,
    rule, cost), ``time_to_first``, ``wall_time``, ``diagnosis`` when infeasible).
    ``on_progress(elapsed_s, objective, bound)`` is called on every improvement.
    ``full_model=BY_SIZE``: the full CP-SAT model only where it can be built in time,
    else LNS from the hint with the decomposed bound (``decomposed_bound``, its
    ``bound_source`` "decomposition"); ``on_strategy(name)`` is told the search chosen
    (``stats["strategy"]``) before it runs.
Diagnosis
    :class:`Diagnosis` of :class:`Conflict` (``code``, ``params``, ``message_en``,
    ``message_ja``) naming the hard rules that cannot hold together.
Evaluation
    ``evaluate(problem, roster)`` -> :class:`Evaluation`: independent check of every
    hard rule and recomputation of the objective.
Benchmark format
    ``yakuba.planner.formats.curtois_qu.read(path)`` / ``parse(text)``; raises
    ``FormatError`` with the line number. CLIs: ``python -m yakuba.planner FILE`` (one
    instance) and ``python -m yakuba.planner.bench`` (many).
Start rosters for the municipal shape
    ``yakuba.planner.greedy``: ``greedy_roster(problem, office)`` and
    ``repaired_roster(problem)`` (counters first; checked by the evaluator by the caller).

Rule codes (``yakuba.planner.codes``), hard: ``day_off eligibility pin succession
max_per_activity min_minutes max_minutes max_consecutive min_consecutive
min_consecutive_off max_weekends cover_min capacity split_teams substitute_day_off
window_limit``; soft: ``cover_under cover_over request_on request_off fairness
stability``.
"""

from .evaluate import evaluate
from .model import (
    Activity,
    Capacity,
    Cover,
    Fairness,
    Pin,
    Problem,
    Request,
    Roster,
    SplitTeams,
    Staff,
    SubstituteDayOff,
    WindowLimit,
)
from .result import Conflict, Diagnosis, Evaluation, SolveResult, Violation
from .solver import BY_SIZE, solve

__all__ = [
    "BY_SIZE",
    "Activity",
    "Capacity",
    "Conflict",
    "Cover",
    "Diagnosis",
    "Evaluation",
    "Fairness",
    "Pin",
    "Problem",
    "Request",
    "Roster",
    "SolveResult",
    "SplitTeams",
    "Staff",
    "SubstituteDayOff",
    "Violation",
    "WindowLimit",
    "evaluate",
    "solve",
]

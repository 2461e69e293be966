"""Result types returned by :func:`yakuba.planner.solve` and the evaluator."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .model import Roster

Status = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass(frozen=True)
class Violation:
    """One priced soft-rule violation (``staff``/``day``/``activity`` None when not
    applicable, e.g. a cover shortfall has no staff)."""

    rule: str
    cost: int
    staff: str | None = None
    day: int | None = None
    activity: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Conflict:
    """One hard rule taking part in an infeasibility, structured and rendered twice.

    ``code`` and ``params`` are for programs; ``message_en`` / ``message_ja`` for people.
    """

    code: str
    params: dict[str, Any]
    message_en: str
    message_ja: str


@dataclass
class Diagnosis:
    """Why a problem is infeasible: a (small) set of hard rules that cannot all hold."""

    conflicts: list[Conflict]
    #: True when CP-SAT returned the set; False when it could not be computed in time.
    complete: bool = True

    def summary(self, lang: str = "en") -> str:
        key = "message_ja" if lang == "ja" else "message_en"
        return "\n".join(getattr(c, key) for c in self.conflicts)


@dataclass
class SolveResult:
    status: Status
    roster: Roster | None
    objective: int | None
    #: A proven lower bound on the objective: CP-SAT's, or where CP-SAT proves none the
    #: column-generation (LP) bound; None if neither was found.
    bound: float | None
    breakdown: dict[str, int] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)
    time_to_first: float | None = None
    wall_time: float = 0.0
    diagnosis: Diagnosis | None = None
    #: Where ``bound`` comes from: ``"cp-sat"``, ``"lp"`` (column generation),
    #: ``"lp-blocks"`` (column generation over time blocks), ``"decomposition"`` or None.
    bound_source: str | None = None
    #: Free-form counters (LNS iterations, phases) for benchmarking.
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class Evaluation:
    """Output of :func:`yakuba.planner.evaluate.evaluate`."""

    feasible: bool
    #: Human-readable descriptions of broken hard rules (empty when feasible).
    hard_violations: list[str]
    objective: int
    breakdown: dict[str, int]
    violations: list[Violation]
    #: Hard rule code -> number of violations (empty when feasible).
    broken_rules: dict[str, int] = field(default_factory=dict)

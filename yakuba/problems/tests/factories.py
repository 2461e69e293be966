"""Objects the register's tests and the authorization matrix need (made on demand)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yakuba.org.models import Unit
from yakuba.problems.models import Countermeasure, Problem, SourceKind, Status


def make_problem(unit: Unit, title: str = "VPN回線の容量不足", **values: Any) -> Problem:
    values.setdefault("description", "在宅勤務の日に接続が集中し、つながりにくい。")
    values.setdefault("source_kind", SourceKind.FREE)
    return Problem.objects.create(unit=unit, title=title, **values)


def make_countermeasure(
    problem: Problem,
    unit: Unit | None = None,
    *,
    description: str = "VPN回線の増強を予算要求する",
    status: str = Status.IN_PROGRESS,
    due_on: dt.date | None = None,
    reason: str = "",
    closed_at: dt.datetime | None = None,
) -> Countermeasure:
    if status in (Status.DONE, Status.DECLINED) and closed_at is None:
        closed_at = timezone.now()
    return Countermeasure.objects.create(
        problem=problem,
        unit=unit or problem.unit,
        description=description,
        status=status,
        due_on=due_on,
        reason=reason,
        closed_at=closed_at,
    )


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A problem of 市民課 with one countermeasure of 市民課 (the matrix's unit head is
    市民課's; the unit head of 税務課 must get 404 on their edit URLs)."""
    if "problems" in objs:
        return objs["problems"]
    problem = make_problem(objs["org"]["shimin"])
    countermeasure = make_countermeasure(problem, due_on=dt.date(2026, 3, 31))
    objs["problems"] = {"problem": problem, "countermeasure": countermeasure}
    return objs["problems"]

"""Permission-scoped reads of the register.

Who reads: everyone with VIEW_PROBLEMS (the planning unit, unit heads, HR, the auditor)
reads the whole register — it holds no personal data. Who edits: the planning unit every
problem and countermeasure; a unit head those owned by their unit and the units below it.
An object outside an editor's scope answers 404 on its edit URLs
(`core.permissions.get_for_user_or_404` with the ``editable_*`` querysets below).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from yakuba.accounts.roles import Capability, Role
from yakuba.org.models import Unit
from yakuba.org.selectors import scope_root
from yakuba.problems.models import (
    OPEN_STATUSES,
    Countermeasure,
    Problem,
    ProgressReview,
)

#: Roles that keep the whole register (others with MANAGE_PROBLEMS: their own units).
REGISTER_WIDE_ROLES = frozenset({Role.PLANNING})


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_view(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.VIEW_PROBLEMS))


def can_manage(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.MANAGE_PROBLEMS))


def manages_all(user: Any) -> bool:
    """The planning unit: edits every problem, records the period reviews."""
    return can_manage(user) and user.role in REGISTER_WIDE_ROLES


def editable_units(user: Any) -> QuerySet[Unit]:
    """Units whose problems and countermeasures `user` may keep (and may name as owner)."""
    if not can_manage(user):
        return Unit.objects.none()
    if manages_all(user):
        return Unit.objects.filter(active=True)
    root = scope_root(user)
    if root is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=root.path, active=True)


def _unit_scope(user: Any, field: str) -> Q | None:
    """A filter on ``field`` (a unit FK) for the units `user` edits; None: every unit."""
    if manages_all(user):
        return None
    root = scope_root(user)
    if root is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith": root.path})


def visible_problems(user: Any) -> QuerySet[Problem]:
    if not can_view(user):
        return Problem.objects.none()
    return Problem.objects.select_related("unit")


def editable_problems(user: Any) -> QuerySet[Problem]:
    if not can_manage(user):
        return Problem.objects.none()
    scope = _unit_scope(user, "unit")
    qs = Problem.objects.select_related("unit")
    return qs if scope is None else qs.filter(scope)


def visible_countermeasures(user: Any) -> QuerySet[Countermeasure]:
    """Countermeasures `user` may read (with their problem and owner unit)."""
    if not can_view(user):
        return Countermeasure.objects.none()
    return Countermeasure.objects.select_related("problem", "unit")


def editable_countermeasures(user: Any) -> QuerySet[Countermeasure]:
    """Countermeasures owned by a unit in scope (the planning unit: all)."""
    if not can_manage(user):
        return Countermeasure.objects.none()
    scope = _unit_scope(user, "unit")
    qs = Countermeasure.objects.select_related("problem", "unit")
    return qs if scope is None else qs.filter(scope)


def may_edit_problem(user: Any, problem: Problem) -> bool:
    return editable_problems(user).filter(pk=problem.pk).exists()


def register_rows(
    user: Any,
    *,
    status: str = "",
    unit: Unit | None = None,
    source_kind: str = "",
    overdue_on: dt.date | None = None,
) -> QuerySet[Problem]:
    """The register page: problems with their countermeasures (two queries in all).

    ``status`` keeps problems with a countermeasure in that status ("none": without any);
    ``unit`` problems owned by the unit's subtree or with a countermeasure owned there;
    ``overdue_on`` problems with an open countermeasure due before that day.
    """
    qs = visible_problems(user)
    if status == "none":
        qs = qs.filter(countermeasures__isnull=True)
    elif status:
        qs = qs.filter(countermeasures__status=status)
    if unit is not None:
        qs = qs.filter(
            Q(unit__path__startswith=unit.path)
            | Q(countermeasures__unit__path__startswith=unit.path)
        )
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    if overdue_on is not None:
        qs = qs.filter(
            countermeasures__status__in=OPEN_STATUSES, countermeasures__due_on__lt=overdue_on
        )
    return (
        qs.distinct()
        .prefetch_related(
            Prefetch(
                "countermeasures",
                queryset=Countermeasure.objects.select_related("unit").order_by("order", "pk"),
            )
        )
        .order_by("-created_at", "-pk")
    )


def reviews_of(problem: Problem) -> QuerySet[ProgressReview]:
    """The review history of a problem, the latest period first."""
    return (
        ProgressReview.objects.filter(problem=problem)
        .select_related("countermeasure", "reviewer")
        .order_by("-period_start", "-period_end", "countermeasure_id", "pk")
    )


def open_countermeasures() -> QuerySet[Countermeasure]:
    """Every countermeasure still to be acted on (the period review reads these)."""
    return (
        Countermeasure.objects.filter(status__in=OPEN_STATUSES)
        .select_related("problem", "unit")
        .order_by("problem__created_at", "problem_id", "order", "pk")
    )


def reviews_in(start: dt.date, end: dt.date) -> QuerySet[ProgressReview]:
    """The reviews recorded for the period from ``start`` to ``end``."""
    return ProgressReview.objects.filter(period_start=start, period_end=end)


def reviews_for(problem_ids: list[int]) -> QuerySet[ProgressReview]:
    """Every review of the given problems (the export's history sheet), oldest period first."""
    return (
        ProgressReview.objects.filter(problem_id__in=problem_ids)
        .select_related("problem", "countermeasure__unit", "reviewer")
        .order_by("period_start", "problem__created_at", "problem_id", "countermeasure_id", "pk")
    )

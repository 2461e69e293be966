"""Permission-scoped reads of review rounds and reviews.

Who reads: the planning unit, the auditor and HR every review (VIEW_REVIEW_PROGRESS,
office wide); anyone else the reviews of their own unit, the units below it and the division
above them (a 係's staff answer their 課's procedures). Who answers: the staff of the
owning unit — the member's own unit, a unit below it, or the unit above it up to the
division (never a whole department's), holding ANSWER_REVIEWS (not the auditor, who
changes nothing). Who approves: a unit head (APPROVE_REVIEWS) for
their unit and below. Progress (dashboard): the planning unit, the auditor and HR every
department, a unit head their own department. An item outside the user's scope answers
404 on its URLs (`get_for_user_or_404` with the querysets below).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.org.models import Unit, UnitKind
from yakuba.org.selectors import scope_root
from yakuba.reviews.models import ChangeTask, Review, ReviewRound, ReviewStatus


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_manage(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.MANAGE_REVIEWS))


def can_approve(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.APPROVE_REVIEWS))


def can_view_progress(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.VIEW_REVIEW_PROGRESS))


def can_answer(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.ANSWER_REVIEWS))


def reads_everything(user: Any) -> bool:
    """The planning unit, and the office-wide readers of progress (auditor, HR)."""
    return can_view_progress(user) and (can_manage(user) or bool(user.is_office_wide))


def _ancestor_paths(unit: Unit) -> list[str]:
    codes = unit.path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _answer_units(user: Any) -> Q:
    """Reviews of the user's unit, the units below it, and the units above it up to the
    division (not a department)."""
    root = scope_root(user)
    if root is None:
        return Q(pk__in=[])
    above = Unit.objects.filter(path__in=_ancestor_paths(root)[:-1]).exclude(
        kind=UnitKind.DEPARTMENT
    )
    return Q(unit__path__startswith=root.path) | Q(unit__in=above)


def rounds(user: Any) -> QuerySet[ReviewRound]:
    if not _signed_in(user):
        return ReviewRound.objects.none()
    return ReviewRound.objects.all()


def _reviews() -> QuerySet[Review]:
    return Review.objects.select_related(
        "round",
        "unit",
        "department",
        "procedure",
        "meeting_series",
        "criteria_version",
        "criteria_version__criteria_set",
    )


def visible_reviews(user: Any) -> QuerySet[Review]:
    if not _signed_in(user):
        return Review.objects.none()
    if reads_everything(user):
        return _reviews()
    return _reviews().filter(_answer_units(user))


def answerable_reviews(user: Any) -> QuerySet[Review]:
    """Reviews whose answers ``user`` may write (the owning unit's staff and heads)."""
    if not can_answer(user):
        return Review.objects.none()
    return _reviews().filter(_answer_units(user))


def approvable_reviews(user: Any) -> QuerySet[Review]:
    """Reviews ``user`` approves or sends back: a unit head's unit and below."""
    if not can_approve(user):
        return Review.objects.none()
    root = scope_root(user)
    if root is None:
        return Review.objects.none()
    return _reviews().filter(unit__path__startswith=root.path)


def approval_queue(user: Any) -> QuerySet[Review]:
    return approvable_reviews(user).filter(status=ReviewStatus.SUBMITTED)


def to_answer(user: Any) -> QuerySet[Review]:
    return answerable_reviews(user).filter(
        status__in=(ReviewStatus.NOT_STARTED, ReviewStatus.ANSWERING)
    )


def visible_tasks(user: Any) -> QuerySet[ChangeTask]:
    return ChangeTask.objects.filter(review__in=visible_reviews(user).values("pk"))


def progress_departments(user: Any) -> list[Unit] | None:
    """The departments whose progress ``user`` reads: None = all (planning, auditor), a
    unit head their own department, nobody else any."""
    if not can_view_progress(user):
        return []
    if reads_everything(user):
        return None
    root = scope_root(user)
    if root is None:
        return []
    from yakuba.reviews.models import department_of

    dept = department_of(root)
    return [dept] if dept is not None else []

"""Permission-scoped reads of surveys.

* Builders (MANAGE_SURVEYS: HR and the planning unit) see every survey and template; the
  two are office-wide roles and share the office's surveys.
* Everyone else sees only the surveys they are invited to (`my_invitations`); a survey
  they are not invited to answers 404 like one that does not exist.

Results (the answers themselves) are read by the results pages, not here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yakuba.accounts.roles import Capability
from yakuba.surveys.models import Choice, Invitation, Question, Section, Survey, SurveyStatus


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.can(Capability.MANAGE_SURVEYS)


def manageable_surveys(user: Any) -> QuerySet[Survey]:
    if not can_manage(user):
        return Survey.objects.none()
    return Survey.objects.all()


def accepting(survey: Survey, now: dt.datetime | None = None) -> bool:
    """Open and within its dates at `now` (the submit service checks this again, locked)."""
    now = now or timezone.now()
    return (
        survey.status == SurveyStatus.OPEN
        and (survey.opens_at is None or survey.opens_at <= now)
        and (survey.closes_at is None or now < survey.closes_at)
    )


def counts(survey_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(invited, answered) per survey, one query."""
    rows = (
        Invitation.objects.filter(survey_id__in=list(survey_ids))
        .values("survey_id")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    )
    return {r["survey_id"]: (r["invited"], r["answered"]) for r in rows}


@dataclass
class Structure:
    """A survey's sections, questions (page order) and choices: three queries."""

    sections: list[Section]
    questions: list[Question]
    choices: dict[int, list[Choice]]

    def in_section(self, section: Section) -> list[Question]:
        return [q for q in self.questions if q.section_id == section.pk]


def structure(survey: Survey) -> Structure:
    sections = list(Section.objects.filter(survey=survey).order_by("order", "pk"))
    order = {s.pk: i for i, s in enumerate(sections)}
    questions = sorted(
        Question.objects.filter(survey=survey).select_related("show_if_choice__question"),
        key=lambda q: (order.get(q.section_id, 0), q.order, q.pk),
    )
    choices: dict[int, list[Choice]] = defaultdict(list)
    for choice in Choice.objects.filter(question__survey=survey).order_by("order", "pk"):
        choices[choice.question_id].append(choice)
    return Structure(sections, questions, dict(choices))


# --- the person's own ------------------------------------------------------------------


def my_invitations(user: Any) -> QuerySet[Invitation]:
    """The signed-in person's invitations to launched surveys (newest first)."""
    staff = getattr(user, "staff", None)
    if staff is None or not getattr(user, "is_authenticated", False):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(staff=staff)
        .exclude(survey__status=SurveyStatus.DRAFT)
        .select_related("survey", "survey__owner_unit")
        .order_by("-survey__launched_at", "-pk")
    )


def my_surveys(user: Any) -> QuerySet[Survey]:
    """Surveys the person is invited to, for `get_for_user_or_404`."""
    staff = getattr(user, "staff", None)
    if staff is None or not getattr(user, "is_authenticated", False):
        return Survey.objects.none()
    return Survey.objects.filter(invitations__staff=staff).exclude(status=SurveyStatus.DRAFT)


def to_answer(user: Any, now: dt.datetime | None = None) -> list[Invitation]:
    """Open surveys the person has not answered yet (home panel, one query)."""
    now = now or timezone.now()
    return [
        inv
        for inv in my_invitations(user).filter(answered=False, survey__status=SurveyStatus.OPEN)
        if accepting(inv.survey, now)
    ]

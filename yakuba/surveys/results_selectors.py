"""Reads behind the survey results (VIEW_SURVEY_RESULTS: hr, planning, auditor).

Each read loads plain rows in a constant number of queries — the survey's questions, its
choices, the respondents' breakdown attributes, the answers, the invitation counts, the
names of the units — and hands them to `yakuba.surveys.results`, which applies the
small-group rule before anything is shown. Nothing here returns who answered what for an
anonymous survey: responses are keyed by their random id and carry only the attributes
the rule works on.

**Anonymous surveys show results once closed.** While answers are still coming in, the
difference between two looks at the results is the answer of whoever answered between
them — and the invitations say who that was. Until the survey closes the page shows only
the response rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yakuba.accounts.roles import Capability, Role
from yakuba.core.conf import setting
from yakuba.org.models import EmploymentType, Unit
from yakuba.surveys import results as R
from yakuba.surveys.models import (
    Answer,
    Choice,
    Question,
    Response,
    Survey,
    SurveyStatus,
    TeleworkBand,
)


def min_group() -> int:
    """Fewest respondents a figure may describe (SURVEY_MIN_GROUP, default 5)."""
    return max(1, int(setting("SURVEY_MIN_GROUP", 5)))


def can_view(user: Any) -> bool:
    return bool(user.is_authenticated and user.can(Capability.VIEW_SURVEY_RESULTS))


def surveys_with_results(user: Any) -> QuerySet[Survey]:
    """Launched surveys (open or closed), office-wide for those who may read results."""
    if not can_view(user):
        return Survey.objects.none()
    return Survey.objects.filter(
        is_template=False, status__in=(SurveyStatus.OPEN, SurveyStatus.CLOSED)
    ).order_by("-closes_at", "-pk")


def is_closed(survey: Survey, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return survey.status == SurveyStatus.CLOSED or (
        survey.closes_at is not None and survey.closes_at <= now
    )


def results_shown(survey: Survey, now: dt.datetime | None = None) -> bool:
    """Named surveys at any time; anonymous ones once closed (see the module doc)."""
    return not survey.anonymous or is_closed(survey, now)


@dataclass(frozen=True)
class Rate:
    invited: int
    answered: int

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.answered / self.invited, 1) if self.invited else None


def response_rate(survey: Survey) -> Rate:
    counts = survey.invitations.aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    return Rate(counts["invited"] or 0, counts["answered"] or 0)


def questions(survey: Survey) -> list[R.QuestionInfo]:
    """The survey's questions in page order, with their choices (two queries)."""
    rows = list(
        Question.objects.filter(survey=survey)
        .order_by("section__order", "order", "pk")
        .values("id", "kind", "text", "section__title", "scale_labels", "unit_label")
    )
    choices: dict[int, list[R.ChoiceInfo]] = {}
    for c in (
        Choice.objects.filter(question__survey=survey)
        .order_by("question_id", "order", "pk")
        .values("id", "question_id", "label", "is_other")
    ):
        choices.setdefault(c["question_id"], []).append(
            R.ChoiceInfo(c["id"], c["label"], c["is_other"])
        )
    from yakuba.surveys.models import DEFAULT_SCALE_LABELS

    default_labels = tuple(str(label) for label in DEFAULT_SCALE_LABELS)
    infos = []
    for number, q in enumerate(rows, start=1):
        labels = q["scale_labels"]
        infos.append(
            R.QuestionInfo(
                id=q["id"],
                kind=q["kind"],
                text=q["text"],
                section=q["section__title"] or "",
                choices=tuple(choices.get(q["id"], ())),
                scale_labels=(
                    tuple(str(x) for x in labels)
                    if isinstance(labels, list) and len(labels) == 5
                    else default_labels
                ),
                unit_label=q["unit_label"] or "",
                number=number,
            )
        )
    return infos


def respondents(survey: Survey) -> dict[Hashable, tuple[Hashable, ...]]:
    """Each response's breakdown attributes, in the order of `results.DIMENSIONS`."""
    return {
        row[0]: (row[1], row[2] or None, row[3] or None, row[4] or None)
        for row in Response.objects.filter(survey=survey)
        .order_by("id")
        .values_list("id", "division_id", "role", "employment_type", "telework_band")
    }


def answers(survey: Survey) -> list[R.AnswerValue]:
    return [
        R.AnswerValue(
            response=row[0],
            question=row[1],
            choice=row[2],
            scale=row[3],
            number=row[4],
            date=row[5],
            text=row[6] or "",
        )
        for row in Answer.objects.filter(survey=survey)
        .order_by("response_id", "question_id", "choice_id")
        .values_list("response_id", "question_id", "choice_id", "scale", "number", "date", "text")
        .iterator(chunk_size=5000)
    ]


def labels(attributes: Mapping[Hashable, tuple[Hashable, ...]]) -> dict[str, dict[Hashable, str]]:
    """The names shown for the values of each breakdown (one query for the units)."""
    unit_ids = {a[0] for a in attributes.values() if isinstance(a[0], int)}
    units: dict[Hashable, str] = dict(
        Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")
    )
    return {
        "unit": units,
        "role": {str(v): str(label) for v, label in Role.choices},
        "employment": {str(v): str(label) for v, label in EmploymentType.choices},
        "band": {str(v): str(label) for v, label in TeleworkBand.choices},
    }


@dataclass
class SurveyResults:
    survey: Survey
    rate: Rate
    shown: bool  # False: an anonymous survey still open (only the rate)
    results: R.Results
    questions: list[R.QuestionInfo]
    answers: list[R.AnswerValue]
    attributes: dict[Hashable, tuple[Hashable, ...]] | None = None
    names: dict[str, dict[Hashable, str]] | None = None

    def by(self, breakdown: str) -> R.Results:
        """The same results (same filter) broken down by ``breakdown``, no new query."""
        if not self.shown or self.attributes is None or self.names is None:
            return self.results
        return R.compute(
            self.questions,
            self.attributes,
            self.answers,
            min_group=self.results.min_group,
            labels=self.names,
            filter_param=self.results.filter.param if self.results.filter else "",
            breakdown=breakdown,
        )


def survey_results(survey: Survey, *, filter_param: str = "", breakdown: str = "") -> SurveyResults:
    """Everything the results page shows, the rule applied (constant number of queries)."""
    rate = response_rate(survey)
    if not results_shown(survey):
        return SurveyResults(
            survey, rate, False, R.Results(0, rate.answered, [], [], min_group=min_group()), [], []
        )
    infos = questions(survey)
    attributes = respondents(survey)
    values = answers(survey)
    names = labels(attributes)
    computed = R.compute(
        infos,
        attributes,
        values,
        min_group=min_group(),
        labels=names,
        filter_param=filter_param,
        breakdown=breakdown,
    )
    return SurveyResults(survey, rate, True, computed, infos, values, attributes, names)


def named_responses(
    survey: Survey, infos: list[R.QuestionInfo], values: list[R.AnswerValue]
) -> tuple[list[object], list[tuple[str, str, str, str]], dict[object, dict[int, list[str]]]]:
    """A named survey's answers person by person (one query): the response keys, each
    person's (staff number, name, unit, day answered) and their answers as text."""
    if survey.anonymous:
        raise ValueError("an anonymous survey has no answers by person")
    keys: list[object] = []
    people: list[tuple[str, str, str, str]] = []
    for response in (
        Response.objects.filter(survey=survey)
        .select_related("staff", "division")
        .order_by("division__code", "staff__staff_number", "id")
    ):
        keys.append(response.pk)
        staff = response.staff
        people.append(
            (
                staff.staff_number if staff else "",
                staff.name if staff else "",
                response.division.name if response.division else "",
                response.submitted_on.isoformat() if response.submitted_on else "",
            )
        )
    choice_label = {c.id: c.label for q in infos for c in q.choices}
    scale_labels = {q.id: q.scale_labels for q in infos}
    texts: dict[object, dict[int, list[str]]] = {}
    for a in values:
        if a.choice is not None:
            shown = choice_label.get(a.choice, "")
            if a.text.strip():
                shown = f"{shown}（{a.text.strip()}）"
        elif a.scale is not None:
            labels_ = scale_labels.get(a.question, ())
            shown = f"{a.scale}：{labels_[a.scale - 1]}" if len(labels_) == 5 else str(a.scale)
        elif a.number is not None:
            shown = f"{a.number.normalize():f}" if hasattr(a.number, "normalize") else str(a.number)
        elif a.date is not None:
            shown = a.date.isoformat()
        else:
            shown = a.text.strip()
        if shown:
            texts.setdefault(a.response, {}).setdefault(a.question, []).append(shown)
    return keys, people, texts

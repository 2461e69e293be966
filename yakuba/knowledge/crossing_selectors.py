"""Reads for 「ナレッジの広がり」 (who helped whom) and for a helper's own thanks.

`report` reads a period in a constant number of queries (staff, departments, questions,
answers, attended trainings) and leaves the counting to `knowledge.crossing`. It is the
information division's page (MODERATE_KNOWLEDGE); the view checks the capability.

`my_thanks` reads one person's own figures: they are shown only to that person, never on
a list (no leaderboard).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from yakuba.knowledge import crossing
from yakuba.knowledge.models import Answer, Helpful, Question
from yakuba.org import positions
from yakuba.org.models import Staff, Unit
from yakuba.training.models import Registration, RegistrationStatus

BY_DEPARTMENT = "department"
BY_LEVEL = "level"
MEASURE_FIRST = "first"
MEASURE_ACCEPTED = "accepted"
MEASURE_TRAINING = "training"


@dataclass
class Report:
    start: dt.date
    end: dt.date
    groups: dict[str, dict[int, Hashable]]  # by → staff id → group
    sizes: dict[str, dict[Hashable, int]]  # by → group → active headcount (display order)
    labels: dict[str, dict[Hashable, str]]  # by → group → label
    questions: int
    firsts: list[crossing.AnswerRow]
    accepted: list[crossing.Help]
    trained: list[crossing.Help]
    trend: list[crossing.MonthRow] = field(default_factory=list)

    @property
    def first_helps(self) -> list[crossing.Help]:
        return [crossing.Help(r.author, r.asker, r.answered_at) for r in self.firsts]

    def helps(self, measure: str) -> list[crossing.Help]:
        if measure == MEASURE_ACCEPTED:
            return self.accepted
        if measure == MEASURE_TRAINING:
            return self.trained
        return self.first_helps

    def matrix(self, measure: str, by: str) -> crossing.Matrix:
        return crossing.matrix(self.helps(measure), self.groups[by], self.sizes[by])

    def outside_department(self) -> tuple[int, int]:
        return crossing.crossing_share(self.firsts, self.groups[BY_DEPARTMENT])

    @property
    def median_hours(self) -> float | None:
        return crossing.median_hours(self.firsts)


def department_code(path: str) -> str:
    """The code of the department (部) a unit path belongs to: its first level."""
    return path.strip("/").split("/")[0]


def report(start: dt.date, end: dt.date) -> Report:
    """Everything the page and the export show for questions asked (and sessions held)
    from ``start`` to ``end`` (local dates, inclusive). Five queries whatever the size."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    roots = list(
        Unit.objects.filter(parent__isnull=True)
        .order_by("sort_order", "path")
        .values_list("code", "name")
    )
    dept_group: dict[int, Hashable] = {}
    level_group: dict[int, Hashable] = {}
    dept_sizes: dict[Hashable, int] = {code: 0 for code, _ in roots}
    level_sizes: dict[Hashable, int] = {level: 0 for level in positions.LEVELS}
    for pk, position, path, active in Staff.objects.values_list(
        "pk", "position", "unit__path", "active"
    ):
        dept = department_code(path)
        level = positions.level_of(position)
        dept_group[pk] = dept
        level_group[pk] = level
        if active:
            dept_sizes[dept] = dept_sizes.get(dept, 0) + 1
            level_sizes[level] += 1

    asked = [
        timezone.localtime(at, tz).date()
        for at in Question.objects.filter(created_at__gte=since, created_at__lt=until)
        .order_by()
        .values_list("created_at", flat=True)
    ]
    rows = [
        crossing.AnswerRow(q, asker, asked_at, author, at, accepted)
        for q, asker, asked_at, author, at, accepted in Answer.objects.filter(
            question__created_at__gte=since, question__created_at__lt=until
        )
        .order_by()
        .values_list(
            "question_id",
            "question__asker_id",
            "question__created_at",
            "author_id",
            "created_at",
            "accepted",
        )
    ]
    firsts = sorted(crossing.first_answers(rows).values(), key=lambda r: r.question)
    accepted = [
        crossing.Help(r.author, r.asker, r.answered_at)
        for r in rows
        if r.accepted and r.author != r.asker
    ]
    trained = [
        crossing.Help(instructor, staff, at)
        for instructor, staff, at in Registration.objects.filter(
            status=RegistrationStatus.ATTENDED,
            session__instructor__isnull=False,
            session__starts_at__gte=since,
            session__starts_at__lt=until,
        )
        .exclude(staff_id=F("session__instructor_id"))
        .order_by()
        .values_list("session__instructor_id", "staff_id", "session__starts_at")
    ]
    labels: dict[str, dict[Hashable, str]] = {
        BY_DEPARTMENT: {code: name for code, name in roots},
        BY_LEVEL: {level: positions.level_label(level) for level in positions.LEVELS},
    }
    result = Report(
        start=start,
        end=end,
        groups={BY_DEPARTMENT: dept_group, BY_LEVEL: level_group},
        sizes={BY_DEPARTMENT: dept_sizes, BY_LEVEL: level_sizes},
        labels=labels,
        questions=len(asked),
        firsts=firsts,
        accepted=accepted,
        trained=trained,
    )
    result.trend = crossing.trend(
        crossing.months(start, end), asked, firsts, trained, dept_group, tz
    )
    return result


# --- A helper's own figures --------------------------------------------------------------


@dataclass(frozen=True)
class Thanks:
    people_answered: int
    people_accepted: int
    helpful_marks: int
    helpful_people: int
    trainees: int
    recent: list[tuple[int, str, bool, int]]  # (question id, title, accepted, 役に立った)

    @property
    def any(self) -> bool:
        return bool(self.people_answered or self.trainees)


def my_thanks(staff: Staff, recent: int = 5) -> Thanks:
    """What ``staff`` gave: people answered (their own questions aside), people whose
    question they solved, 「役に立った」 received (and from how many people), people taught
    in sessions they attended as trainees. Four queries."""
    answers = Answer.objects.filter(author=staff).exclude(question__asker=staff)
    counts = answers.aggregate(
        answered=Count("question__asker", distinct=True),
        accepted=Count("question__asker", distinct=True, filter=Q(accepted=True)),
    )
    marks = (
        Helpful.objects.filter(answer__author=staff)
        .exclude(staff=staff)
        .aggregate(n=Count("pk"), people=Count("staff", distinct=True))
    )
    trainees = (
        Registration.objects.filter(session__instructor=staff, status=RegistrationStatus.ATTENDED)
        .exclude(staff=staff)
        .aggregate(n=Count("staff", distinct=True))["n"]
    )
    latest = list(
        answers.annotate(marks=Count("helpful_marks", filter=~Q(helpful_marks__staff=staff)))
        .filter(Q(accepted=True) | Q(marks__gt=0))
        .order_by("-created_at", "-pk")
        .values_list("question_id", "question__title", "accepted", "marks")[:recent]
    )
    return Thanks(
        people_answered=counts["answered"] or 0,
        people_accepted=counts["accepted"] or 0,
        helpful_marks=marks["n"] or 0,
        helpful_people=marks["people"] or 0,
        trainees=trainees or 0,
        recent=latest,
    )

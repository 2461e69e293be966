"""The steps a person goes through, and the items infosec writes as a list of bank codes.

Infosec keeps the bank in codes (the .xlsx bank's key), so a course or a campaign's own
set is written as one code per line in the order to show; `parse_codes` reads that list
against the bank and names every code it cannot use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from yakuba.awareness.models import Choice, Lesson, Question
from yakuba.campaigns.models import Assignment, Campaign, Course, Item

MAX_ITEMS = 60


@dataclass(frozen=True)
class Step:
    lesson: Lesson | None
    question: Question | None

    @property
    def code(self) -> str:
        return self.lesson.code if self.lesson else self.question.code  # type: ignore[union-attr]


def items_of(*, course: Course | None = None, campaign: Campaign | None = None) -> list[Step]:
    """The steps in order, questions with their choices (two queries)."""
    owner = {"course": course} if course is not None else {"campaign": campaign}
    rows = (
        Item.objects.filter(**owner)
        .select_related("lesson", "question")
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("order", "pk"))
        )
        .order_by("order", "pk")
    )
    return [Step(r.lesson, r.question) for r in rows]


def steps_for(assignment: Assignment) -> list[Step]:
    if assignment.course_id is not None:
        return items_of(course=assignment.course)
    return items_of(campaign=assignment.campaign)


def codes_text(steps: Sequence[Step]) -> str:
    return "\n".join(s.code for s in steps)


def parse_codes(text: str) -> list[Lesson | Question]:
    """Bank lessons and questions in the order of `text` (one code per line). Every
    problem is listed at once; nothing is returned half-read."""
    codes = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not codes:
        raise ValidationError(_("レッスンか問題のコードを1行に1つ入力してください。"))
    if len(codes) > MAX_ITEMS:
        raise ValidationError(
            _("項目は %(max)s 件までです（%(n)s 件あります）。")
            % {"max": MAX_ITEMS, "n": len(codes)}
        )
    lessons = {x.code: x for x in Lesson.objects.filter(code__in=codes)}
    questions = {
        x.code: x for x in Question.objects.filter(code__in=codes).prefetch_related("choices")
    }
    problems: list[str] = []
    found: list[Lesson | Question] = []
    seen: set[str] = set()
    for number, code in enumerate(codes, start=1):
        item: Lesson | Question | None = lessons.get(code) or questions.get(code)
        if code in seen:
            problems.append(
                _("%(n)s 行目：「%(code)s」が2回あります。") % {"n": number, "code": code}
            )
            continue
        seen.add(code)
        if item is None:
            problems.append(
                _("%(n)s 行目：「%(code)s」という使用中のレッスン・問題はありません。")
                % {"n": number, "code": code}
            )
            continue
        if not item.active:
            problems.append(
                _("%(n)s 行目：「%(code)s」は使用中ではありません。") % {"n": number, "code": code}
            )
            continue
        if isinstance(item, Question) and not any(c.correct for c in item.choices.all()):
            problems.append(
                _("%(n)s 行目：問題「%(code)s」に正解の選択肢がありません。")
                % {"n": number, "code": code}
            )
            continue
        found.append(item)
    if problems:
        raise ValidationError(problems)
    return found


def replace_items(
    items: Sequence[Lesson | Question],
    *,
    course: Course | None = None,
    campaign: Campaign | None = None,
) -> None:
    """Make the owner's steps exactly `items` (inside the caller's transaction)."""
    owner = {"course": course} if course is not None else {"campaign": campaign}
    Item.objects.filter(**owner).delete()
    Item.objects.bulk_create(
        Item(
            **owner,
            order=number,
            lesson=item if isinstance(item, Lesson) else None,
            question=item if isinstance(item, Question) else None,
        )
        for number, item in enumerate(items, start=1)
    )


def is_correct(question: Question, chosen: set[int]) -> bool:
    """Right when exactly the correct choices were chosen (one for single and ○×)."""
    correct = {c.pk for c in question.choices.all() if c.correct}
    return bool(chosen) and chosen == correct

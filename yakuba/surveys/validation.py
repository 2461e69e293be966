"""Server-side validation of a respondent's answers (pure: no queries).

The raw answers come from the form (a `QueryDict`) or from a draft (JSON), keyed by field
name: ``q<id>`` (one value, or several for multiple choice) and ``q<id>_other`` (the free
text of 「その他」). Questions are walked in page order; a question is *shown* when its
conditions hold — the telework days fixed on the invitation, and the chosen choice of an
earlier *shown* question — and a hidden question is neither required nor kept, whatever
was posted for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from yakuba.surveys.models import Choice, Question, QuestionKind

TEXT_MAX = 4000
OTHER_MAX = 500


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def other_name(question: Question) -> str:
    return f"q{question.pk}_other"


def values(raw: Mapping[str, Any], key: str) -> list[str]:
    """Every non-blank value posted (or drafted) under `key`, as text."""
    getlist = getattr(raw, "getlist", None)
    items: Any = getlist(key) if getlist is not None else raw.get(key)
    if items is None:
        return []
    if not isinstance(items, list | tuple):
        items = [items]
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


@dataclass
class Cleaned:
    """One shown question's valid answer (empty when an optional question is unanswered)."""

    question: Question
    choices: list[Choice] = field(default_factory=list)
    other_text: str = ""
    scale: int | None = None
    number: Decimal | None = None
    date: dt.date | None = None
    text: str = ""

    @property
    def empty(self) -> bool:
        return not (
            self.choices
            or self.scale is not None
            or self.number is not None
            or self.date is not None
            or self.text
        )


@dataclass
class Outcome:
    shown: list[Question]
    answers: dict[int, Cleaned]
    errors: dict[int, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def is_shown(question: Question, chosen: set[int], telework_days: int) -> bool:
    low, high = question.show_if_telework_days_min, question.show_if_telework_days_max
    if low is not None and telework_days < low:
        return False
    if high is not None and telework_days > high:
        return False
    return question.show_if_choice_id is None or question.show_if_choice_id in chosen


def _number(question: Question, text: str) -> tuple[Decimal | None, str]:
    try:
        number = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None, _("数値で入力してください。")
    if not number.is_finite():
        return None, _("数値で入力してください。")
    if question.integer_only and number != number.to_integral_value():
        return None, _("整数で入力してください。")
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        return None, _("小数は2桁までで入力してください。")
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            message = _("%(min)s〜%(max)sの範囲で入力してください。")
        elif low is not None:
            message = _("%(min)s以上で入力してください。")
        else:
            message = _("%(max)s以下で入力してください。")
        return None, message % {"min": _plain(low), "max": _plain(high)}
    if abs(number) >= Decimal("1e10"):
        return None, _("数値が大きすぎます。")
    return number, ""


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _one(question: Question, raw: Mapping[str, Any], choices: Sequence[Choice]) -> Cleaned | str:
    """The cleaned answer of a shown question, or the message saying what is wrong."""
    given = values(raw, field_name(question))
    cleaned = Cleaned(question)
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        by_id = {str(c.pk): c for c in choices}
        if any(v not in by_id for v in given):
            return _("選択肢の中から選んでください。")
        picked = [by_id[v] for v in dict.fromkeys(given)]
        if kind == QuestionKind.SINGLE and len(picked) > 1:
            return _("選択肢を1つだけ選んでください。")
        if question.max_choices and len(picked) > question.max_choices:
            return _("%(n)s個まで選んでください。") % {"n": question.max_choices}
        picked.sort(key=lambda c: (c.order, c.pk))
        cleaned.choices = picked
        other = next((c for c in picked if c.is_other), None)
        text = " ".join(values(raw, other_name(question)))
        if other is not None:
            if not text:
                return _("「%(label)s」を選んだ場合は、内容を入力してください。") % {
                    "label": other.label
                }
            if len(text) > OTHER_MAX:
                return _("「%(label)s」の内容は%(n)s文字以内で入力してください。") % {
                    "label": other.label,
                    "n": OTHER_MAX,
                }
            cleaned.other_text = text
    elif len(given) > 1:
        return _("回答は1つだけにしてください。")
    elif not given:
        pass
    elif kind == QuestionKind.SCALE:
        if given[0] not in {"1", "2", "3", "4", "5"}:
            return _("1〜5の中から選んでください。")
        cleaned.scale = int(given[0])
    elif kind == QuestionKind.NUMBER:
        number, problem = _number(question, given[0])
        if problem:
            return problem
        cleaned.number = number
    elif kind == QuestionKind.DATE:
        try:
            cleaned.date = dt.date.fromisoformat(given[0])
        except ValueError:
            return _("日付を「2026-04-01」の形で入力してください。")
        if not dt.date(1900, 1, 1) <= cleaned.date <= dt.date(2200, 12, 31):
            return _("日付を確かめてください。")
    elif kind == QuestionKind.TEXT:
        text = given[0].replace("\r\n", "\n")
        if len(text) > TEXT_MAX:
            return _("%(n)s文字以内で入力してください（いま%(len)s文字）。") % {
                "n": TEXT_MAX,
                "len": len(text),
            }
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
            return _("使えない制御文字が含まれています。")
        cleaned.text = text
    if question.required and cleaned.empty:
        return _("この質問は回答が必要です。")
    return cleaned


def validate(
    questions: Sequence[Question],
    choices: Mapping[int, Sequence[Choice]],
    raw: Mapping[str, Any],
    telework_days: int,
    *,
    only: set[int] | None = None,
) -> Outcome:
    """Check every shown question (in page order); `only` limits the *errors* reported to
    those question ids (a section page), while conditions still read every answer."""
    chosen: set[int] = set()
    outcome = Outcome(shown=[], answers={}, errors={})
    for question in questions:
        if not is_shown(question, chosen, telework_days):
            continue
        outcome.shown.append(question)
        result = _one(question, raw, choices.get(question.pk, ()))
        if isinstance(result, str):
            if only is None or question.pk in only:
                outcome.errors[question.pk] = result
            continue
        chosen.update(c.pk for c in result.choices)
        outcome.answers[question.pk] = result
    return outcome


def draft_values(questions: Sequence[Question], raw: Mapping[str, Any]) -> dict[str, Any]:
    """What to keep of posted answers in a draft: only this survey's fields, trimmed."""
    kept: dict[str, Any] = {}
    for question in questions:
        name = field_name(question)
        given = values(raw, name)
        if question.kind == QuestionKind.MULTIPLE:
            if given:
                kept[name] = [v[:20] for v in given[:50]]
        elif given:
            kept[name] = given[0][:TEXT_MAX]
        if question.has_choices:
            other = values(raw, other_name(question))
            if other:
                kept[other_name(question)] = other[0][:OTHER_MAX]
    return kept

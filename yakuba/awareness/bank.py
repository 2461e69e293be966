"""Infosec's question bank: the one rule for a question's choices, the writes from the
forms, the .xlsx import/export and the starter bank.

A question is valid when it has 2–`MAX_CHOICES` choices and the right number of correct
ones (single choice and true/false: exactly one; multiple choice: at least one;
true/false: exactly two choices). The forms, the import and the starter bank all go
through `choice_problems`.

The .xlsx has two sheets, 「レッスン」 and 「問題」, with fixed Japanese headers (the file is a
data format: an English-speaking user gets the same headers, and English aliases are
accepted on import). The import reads every row first and lists every problem — sheet,
row, column — and writes nothing unless there is none; rows whose code exists update it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from yakuba.audit.models import AuditAction
from yakuba.audit.services import Entry, record, record_many, save_audited
from yakuba.awareness.models import Choice, Lesson, Question, QuestionKind
from yakuba.awareness.services import require_manager
from yakuba.core.tabular import Sheet, TableReadError, read_tables, write_xlsx
from yakuba.core.text import text_problem
from yakuba.security.topics import Topic

MAX_CHOICES = 6
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
STARTER_BANK = Path(__file__).resolve().parent / "fixtures" / "starter_bank.json"

LESSON_FIELDS = ("code", "topic", "title", "body", "source", "active")
QUESTION_FIELDS = ("code", "topic", "kind", "text", "explanation", "source", "lesson", "active")


@dataclass(frozen=True)
class ChoiceInput:
    text: str
    correct: bool


def choice_problems(kind: str, choices: Sequence[ChoiceInput]) -> list[str]:
    """What is wrong with these choices for a question of ``kind`` ([] when fine)."""
    problems: list[str] = []
    correct = sum(1 for c in choices if c.correct)
    if len(choices) < 2:
        problems.append(_("選択肢を2つ以上入力してください。"))
    if len(choices) > MAX_CHOICES:
        problems.append(_("選択肢は%(n)sつまでです。") % {"n": MAX_CHOICES})
    if kind == QuestionKind.TRUE_FALSE and len(choices) != 2:
        problems.append(_("○×問題の選択肢は2つ（例：「正しい」「誤り」）にしてください。"))
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
        problems.append(_("択一・○×問題では、正解を1つだけ選んでください。"))
    if kind == QuestionKind.MULTIPLE and correct < 1:
        problems.append(_("複数選択問題では、正解を1つ以上選んでください。"))
    texts = [c.text for c in choices]
    if len(set(texts)) != len(texts):
        problems.append(_("同じ文の選択肢が2つあります。"))
    return problems


def _snapshot_choices(question: Question) -> list[str]:
    return [f"{'*' if c.correct else ''}{c.text}" for c in question.choices.order_by("order")]


def _replace_choices(question: Question, choices: Sequence[ChoiceInput]) -> None:
    question.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(question=question, order=i, text=c.text, correct=c.correct)
        for i, c in enumerate(choices, start=1)
    )


def save_lesson(*, actor: Any, lesson: Lesson | None, values: Mapping[str, Any]) -> Lesson:
    require_manager(actor)
    with transaction.atomic():
        saved: Lesson = save_audited(
            actor=actor,
            obj=lesson or Lesson(),
            creating=lesson is None,
            fields=LESSON_FIELDS,
            values=values,
        )
    return saved


def save_question(
    *,
    actor: Any,
    question: Question | None,
    values: Mapping[str, Any],
    choices: Sequence[ChoiceInput],
) -> Question:
    """Create or update a question and replace its choices (validated: `choice_problems`)."""
    from django.core.exceptions import ValidationError

    require_manager(actor)
    problems = choice_problems(values["kind"], choices)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        before = _snapshot_choices(question) if question is not None else []
        saved: Question = save_audited(
            actor=actor,
            obj=question or Question(),
            creating=question is None,
            fields=QUESTION_FIELDS,
            values=values,
        )
        _replace_choices(saved, choices)
        after = _snapshot_choices(saved)
        if before != after:
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=saved,
                changes={"choices": [before, after]},
            )
    return saved


def set_active(*, actor: Any, obj: Lesson | Question, active: bool) -> None:
    """Take a lesson or question out of use (its history stays) or back into use."""
    require_manager(actor)
    with transaction.atomic():
        save_audited(
            actor=actor, obj=obj, creating=False, fields=("active",), values={"active": active}
        )


# --- the .xlsx bank ------------------------------------------------------------------------

LESSON_SHEET = "レッスン"
QUESTION_SHEET = "問題"
CHOICE_HEADERS = tuple(f"選択肢{i}" for i in range(1, MAX_CHOICES + 1))
LESSON_HEADERS = ("コード", "分野", "題名", "本文", "出典", "使用中")
QUESTION_HEADERS = (
    "コード",
    "分野",
    "形式",
    "問題文",
    *CHOICE_HEADERS,
    "正解",
    "解説",
    "出典",
    "レッスン",
    "使用中",
)
ALIASES = {
    "code": "コード",
    "topic": "分野",
    "title": "題名",
    "body": "本文",
    "source": "出典",
    "active": "使用中",
    "kind": "形式",
    "text": "問題文",
    "correct": "正解",
    "explanation": "解説",
    "lesson": "レッスン",
    **{f"choice{i}": f"選択肢{i}" for i in range(1, MAX_CHOICES + 1)},
}
SHEET_ALIASES = {"lessons": LESSON_SHEET, "questions": QUESTION_SHEET}
YES = {"はい", "1", "true", "yes", "○", "〇", "使用中"}
NO = {"いいえ", "0", "false", "no", "×", "使用しない"}


def _labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Value → value for the codes and their Japanese and English labels."""
    found: dict[str, str] = {}
    for value, label in choices:
        found[value.lower()] = value
        for lang in ("ja", "en"):
            with translation.override(lang):
                found[str(label).lower()] = value
    return found


def _kind_labels() -> dict[str, str]:
    labels = _labels(QuestionKind.choices)
    labels.update({"〇×": QuestionKind.TRUE_FALSE, "◯×": QuestionKind.TRUE_FALSE})
    return labels


def _yes(value: bool) -> str:
    return "はい" if value else "いいえ"


def export_rows() -> list[tuple[str, Sequence[str], list[list[Any]]]]:
    with translation.override("ja"):
        topics = {v: str(label) for v, label in Topic.choices}
        kinds = {v: str(label) for v, label in QuestionKind.choices}
    lessons = [
        [ls.code, topics.get(ls.topic, ls.topic), ls.title, ls.body, ls.source, _yes(ls.active)]
        for ls in Lesson.objects.order_by("topic", "code")
    ]
    questions = []
    for q in (
        Question.objects.select_related("lesson")
        .prefetch_related("choices")
        .order_by("topic", "code")
    ):
        choices = sorted(q.choices.all(), key=lambda c: c.order)
        texts = [c.text for c in choices] + [""] * (MAX_CHOICES - len(choices))
        right = ",".join(str(i) for i, c in enumerate(choices, start=1) if c.correct)
        questions.append(
            [
                q.code,
                topics.get(q.topic, q.topic),
                kinds.get(q.kind, q.kind),
                q.text,
                *texts[:MAX_CHOICES],
                right,
                q.explanation,
                q.source,
                q.lesson.code if q.lesson else "",
                _yes(q.active),
            ]
        )
    return [
        (LESSON_SHEET, LESSON_HEADERS, lessons),
        (QUESTION_SHEET, QUESTION_HEADERS, questions),
    ]


def export_xlsx() -> bytes:
    return write_xlsx(export_rows())


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str
    message: str


class BankProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class LessonRow:
    values: dict[str, Any]


@dataclass
class QuestionRow:
    values: dict[str, Any]
    lesson_code: str
    choices: list[ChoiceInput]


@dataclass
class ParsedBank:
    lessons: list[LessonRow] = field(default_factory=list)
    questions: list[QuestionRow] = field(default_factory=list)


class _Reader:
    """Reads one sheet's rows by header name and collects the problems."""

    def __init__(self, sheet: Sheet, headers: Sequence[str], problems: list[Problem]) -> None:
        self.sheet = sheet
        self.problems = problems
        self.columns: dict[str, int] = {}
        header_row = sheet.rows[0][1] if sheet.rows else []
        for index, name in enumerate(header_row):
            key = ALIASES.get(name.strip().lower(), name.strip())
            if key in headers and key not in self.columns:
                self.columns[key] = index
        self.ok = True
        for name in headers:
            if name not in self.columns:
                self.problem(1, name, _("見出し「%(name)s」の列がありません。") % {"name": name})
                self.ok = False

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.sheet.name, row, column, message))

    def rows(self) -> Iterable[tuple[int, dict[str, str]]]:
        for number, cells in self.sheet.rows[1:]:
            if not any(cells):
                continue
            yield (
                number,
                {name: cells[i] if i < len(cells) else "" for name, i in self.columns.items()},
            )

    def text(
        self,
        number: int,
        row: Mapping[str, str],
        column: str,
        max_length: int,
        *,
        required: bool = True,
        multiline: bool = False,
    ) -> str:
        value = row.get(column, "")
        if required and not value:
            self.problem(number, column, _("入力してください。"))
            return value
        problem = text_problem(value, max_length=max_length, multiline=multiline)
        if problem:
            self.problem(number, column, problem)
        return value

    def choice(
        self, number: int, row: Mapping[str, str], column: str, known: dict[str, str]
    ) -> str:
        value = row.get(column, "")
        found = known.get(value.strip().lower())
        if found is None:
            self.problem(
                number,
                column,
                _("「%(value)s」は使えません。") % {"value": value}
                if value
                else _("入力してください。"),
            )
            return ""
        return found

    def active(self, number: int, row: Mapping[str, str]) -> bool:
        value = row.get("使用中", "").strip().lower()
        if not value or value in YES:
            return True
        if value in NO:
            return False
        self.problem(number, "使用中", _("「はい」か「いいえ」で入力してください。"))
        return True

    def code(self, number: int, row: Mapping[str, str], seen: set[str]) -> str:
        value = row.get("コード", "")
        if not CODE_RE.match(value):
            self.problem(
                number,
                "コード",
                _("コードは英数字と「-」「_」「.」で40文字以内にしてください。")
                if value
                else _("入力してください。"),
            )
        elif value in seen:
            self.problem(number, "コード", _("コード「%(code)s」が2回あります。") % {"code": value})
        seen.add(value)
        return value


def _sheet(sheets: list[Sheet], name: str) -> Sheet | None:
    for sheet in sheets:
        title = sheet.name.strip()
        if title == name or SHEET_ALIASES.get(title.lower()) == name:
            return sheet
    return None


def _parse_lessons(sheet: Sheet, problems: list[Problem]) -> list[LessonRow]:
    reader = _Reader(sheet, LESSON_HEADERS, problems)
    if not reader.ok:
        return []
    topics = _labels(Topic.choices)
    seen: set[str] = set()
    parsed = []
    for n, row in reader.rows():
        parsed.append(
            LessonRow(
                {
                    "code": reader.code(n, row, seen),
                    "topic": reader.choice(n, row, "分野", topics),
                    "title": reader.text(n, row, "題名", 100),
                    "body": reader.text(n, row, "本文", 4000, multiline=True),
                    "source": reader.text(n, row, "出典", 200, required=False),
                    "active": reader.active(n, row),
                }
            )
        )
    return parsed


def _choices(reader: _Reader, n: int, row: Mapping[str, str]) -> list[ChoiceInput]:
    texts = [row.get(h, "") for h in CHOICE_HEADERS]
    last = max((i for i, t in enumerate(texts) if t), default=-1)
    for i in range(last + 1):
        if not texts[i]:
            reader.problem(
                n, CHOICE_HEADERS[i], _("選択肢は選択肢1から順に、空けずに入力してください。")
            )
        else:
            problem = text_problem(texts[i], max_length=300)
            if problem:
                reader.problem(n, CHOICE_HEADERS[i], problem)
    numbers: set[int] = set()
    for part in re.split(r"[,、，・\s]+", row.get("正解", "").strip()):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= last + 1:
            reader.problem(
                n, "正解", _("正解は入力した選択肢の番号で書いてください（例：1 または 1,3）。")
            )
            break
        numbers.add(int(part))
    return [ChoiceInput(t, i + 1 in numbers) for i, t in enumerate(texts[: last + 1])]


def _parse_questions(
    sheet: Sheet, problems: list[Problem], lesson_codes: set[str]
) -> list[QuestionRow]:
    reader = _Reader(sheet, QUESTION_HEADERS, problems)
    if not reader.ok:
        return []
    topics, kinds = _labels(Topic.choices), _kind_labels()
    seen: set[str] = set()
    parsed = []
    for n, row in reader.rows():
        kind = reader.choice(n, row, "形式", kinds)
        values: dict[str, Any] = {
            "code": reader.code(n, row, seen),
            "topic": reader.choice(n, row, "分野", topics),
            "kind": kind,
            "text": reader.text(n, row, "問題文", 1000, multiline=True),
            "explanation": reader.text(n, row, "解説", 2000, multiline=True),
            "source": reader.text(n, row, "出典", 200, required=False),
            "active": reader.active(n, row),
        }
        lesson = row.get("レッスン", "")
        if lesson and lesson not in lesson_codes:
            reader.problem(
                n, "レッスン", _("レッスン「%(code)s」がありません。") % {"code": lesson}
            )
        choices = _choices(reader, n, row)
        if kind:
            for message in choice_problems(kind, choices):
                reader.problem(n, "正解", message)
        parsed.append(QuestionRow(values, lesson, choices))
    return parsed


def parse_bank(filename: str, data: bytes) -> ParsedBank:
    """The bank in the file, or `BankProblems` listing every problem found."""
    try:
        sheets = read_tables(filename, data)
    except TableReadError as exc:
        raise BankProblems([Problem("", 0, "", str(exc))]) from exc
    problems: list[Problem] = []
    lessons_sheet = _sheet(sheets, LESSON_SHEET)
    questions_sheet = _sheet(sheets, QUESTION_SHEET)
    if questions_sheet is None:
        problems.append(
            Problem("", 0, "", _("シート「%(name)s」がありません。") % {"name": QUESTION_SHEET})
        )
    parsed = ParsedBank()
    if lessons_sheet is not None:
        parsed.lessons = _parse_lessons(lessons_sheet, problems)
    if questions_sheet is not None:
        known = {r.values["code"] for r in parsed.lessons} | set(
            Lesson.objects.values_list("code", flat=True)
        )
        parsed.questions = _parse_questions(questions_sheet, problems, known)
    if problems:
        raise BankProblems(problems)
    return parsed


@dataclass(frozen=True)
class ImportSummary:
    lessons_created: int = 0
    lessons_updated: int = 0
    questions_created: int = 0
    questions_updated: int = 0


def _apply(parsed: ParsedBank, *, replace: bool) -> tuple[ImportSummary, list[Entry]]:
    """Write the parsed bank. ``replace``: rows whose code exists are updated (import);
    otherwise they are left as they are (the starter bank never overwrites infosec's edits)."""
    entries: list[Entry] = []
    lessons = {ls.code: ls for ls in Lesson.objects.all()}
    counts = {"lc": 0, "lu": 0, "qc": 0, "qu": 0}
    for row in parsed.lessons:
        lesson = lessons.get(row.values["code"])
        if lesson is not None and not replace:
            continue
        creating = lesson is None
        lesson = lesson or Lesson()
        for key, value in row.values.items():
            setattr(lesson, key, value)
        lesson.full_clean()
        lesson.save()
        lessons[lesson.code] = lesson
        counts["lc" if creating else "lu"] += 1
        entries.append(
            Entry(
                AuditAction.CREATE if creating else AuditAction.UPDATE,
                "awareness.lesson",
                str(lesson.pk),
                lesson.title,
                {"code": lesson.code},
            )
        )
    questions = {q.code: q for q in Question.objects.all()}
    for qrow in parsed.questions:
        question = questions.get(qrow.values["code"])
        if question is not None and not replace:
            continue
        creating = question is None
        question = question or Question()
        for key, value in qrow.values.items():
            setattr(question, key, value)
        question.lesson = lessons.get(qrow.lesson_code) if qrow.lesson_code else None
        question.full_clean()
        question.save()
        _replace_choices(question, qrow.choices)
        counts["qc" if creating else "qu"] += 1
        entries.append(
            Entry(
                AuditAction.CREATE if creating else AuditAction.UPDATE,
                "awareness.question",
                str(question.pk),
                str(question),
                {"code": question.code, "choices": len(qrow.choices)},
            )
        )
    summary = ImportSummary(counts["lc"], counts["lu"], counts["qc"], counts["qu"])
    return summary, entries


def import_bank(*, actor: Any, filename: str, data: bytes) -> ImportSummary:
    """Import the .xlsx bank: all rows or nothing (`BankProblems` lists every problem)."""
    require_manager(actor)
    parsed = parse_bank(filename, data)
    with transaction.atomic():
        summary, entries = _apply(parsed, replace=True)
        record_many(entries, actor=actor)
        record(
            AuditAction.IMPORT,
            actor=actor,
            object_type="awareness.question",
            object_repr=f"question bank {filename[:100]}",
            changes={"filename": filename[:200], **summary.__dict__},
        )
    return summary


def starter_bank() -> ParsedBank:
    """The Japanese starter bank shipped with the product (fixtures/starter_bank.json)."""
    data = json.loads(STARTER_BANK.read_text(encoding="utf-8"))
    parsed = ParsedBank()
    for lesson in data["lessons"]:
        parsed.lessons.append(LessonRow({**lesson, "active": True}))
    for q in data["questions"]:
        parsed.questions.append(
            QuestionRow(
                {
                    "code": q["code"],
                    "topic": q["topic"],
                    "kind": q["kind"],
                    "text": q["text"],
                    "explanation": q["explanation"],
                    "source": q["source"],
                    "active": True,
                },
                q.get("lesson", ""),
                [ChoiceInput(text, bool(right)) for text, right in q["choices"]],
            )
        )
    return parsed


def load_starter_bank(*, actor: Any) -> ImportSummary:
    """Add the starter bank's lessons and questions whose code is not in the bank yet
    (idempotent; what infosec changed or removed from use stays as it is)."""
    require_manager(actor)
    with transaction.atomic():
        summary, entries = _apply(starter_bank(), replace=False)
        if entries:
            record_many(entries, actor=actor)
    return summary

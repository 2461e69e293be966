"""The bank: choices validated one way everywhere; .xlsx export → import round trip;
a malformed file lists every problem (sheet, row, column) and writes nothing; the
Japanese starter bank is valid, covers every topic and loads idempotently."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from yakuba.audit.models import AuditEntry
from yakuba.awareness import bank
from yakuba.awareness.bank import ChoiceInput
from yakuba.awareness.models import Choice, Lesson, Question
from yakuba.awareness.tests.factories import make_lesson, make_question
from yakuba.security.topics import Topic


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _question_row(code: str, **cells: object) -> list[object]:
    values: dict[str, object] = {
        "コード": code,
        "分野": "標的型攻撃メール・フィッシング",
        "形式": "択一",
        "問題文": "不審なメールが届いたら？",
        "選択肢1": "報告する",
        "選択肢2": "開く",
        "正解": "1",
        "解説": "開かずに報告します。",
        "出典": "本市の基準",
        "レッスン": "",
        "使用中": "はい",
    }
    values.update(cells)
    return [values.get(h, "") for h in bank.QUESTION_HEADERS]


@pytest.mark.parametrize(
    ("kind", "choices", "ok"),
    [
        ("single", [("a", True), ("b", False)], True),
        ("single", [("a", True), ("b", True)], False),
        ("single", [("a", False), ("b", False)], False),
        ("single", [("a", True)], False),
        ("true_false", [("正しい", False), ("誤り", True)], True),
        ("true_false", [("正しい", True), ("誤り", False), ("どちらでも", False)], False),
        ("multiple", [("a", True), ("b", True), ("c", False)], True),
        ("multiple", [("a", False), ("b", False)], False),
        ("multiple", [("a", True), ("a", False)], False),
    ],
)
def test_choice_rules(kind: str, choices: list[tuple[str, bool]], ok: bool) -> None:
    problems = bank.choice_problems(kind, [ChoiceInput(t, c) for t, c in choices])
    assert (problems == []) == ok, problems


@pytest.mark.django_db
def test_export_then_import_updates_rows_with_the_same_code(make_user) -> None:
    infosec = make_user("infosec")
    lesson = make_lesson()
    make_question("Q-PH-01", lesson=lesson)
    data = bank.export_xlsx()
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["レッスン", "問題"]
    ws = wb["問題"]
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=False)}
    assert row["分野"].value == "標的型攻撃メール・フィッシング" and row["正解"].value == "1"
    assert row["レッスン"].value == "L-PH"
    row["問題文"].value = "直した問題文"
    row["形式"].value = "複数選択"
    row["選択肢3"].value = "すぐ報告する"
    row["正解"].value = "1,3"
    ws.append(_question_row("Q-PH-02", 分野="phishing"))
    out = io.BytesIO()
    wb.save(out)
    summary = bank.import_bank(actor=infosec, filename="bank.xlsx", data=out.getvalue())
    assert (summary.questions_created, summary.questions_updated) == (1, 1)
    assert (summary.lessons_created, summary.lessons_updated) == (0, 1)
    q = Question.objects.get(code="Q-PH-01")
    assert (q.text, q.kind, q.lesson) == ("直した問題文", "multiple", lesson)
    assert [(c.text, c.correct) for c in q.choices.order_by("order")] == [
        ("報告する", True), ("開く", False), ("すぐ報告する", True),
    ]  # fmt: skip
    assert Question.objects.count() == 2
    assert AuditEntry.objects.filter(action="import", actor=infosec).count() == 1
    assert AuditEntry.objects.filter(object_type="awareness.question", action="create").exists()


@pytest.mark.django_db
def test_a_malformed_file_lists_every_problem_and_writes_nothing(make_user) -> None:
    infosec = make_user("infosec")
    make_question("Q-OLD")
    data = _xlsx(
        {
            "レッスン": [
                list(bank.LESSON_HEADERS),
                ["L-1", "存在しない分野", "題", "本文", "", "はい"],
            ],
            "問題": [
                list(bank.QUESTION_HEADERS),
                _question_row("Q-OK"),
                _question_row("Q-OLD", 問題文="既存を更新するはずの行"),
                _question_row("Q-2", 正解="1,2"),  # single choice, two correct
                _question_row("Q-3", 形式="記述式"),
                _question_row("Q-3", 選択肢2="", 選択肢3="飛ばした"),  # duplicate code, gap
                _question_row("bad code!", レッスン="L-NONE", 使用中="たぶん"),
                _question_row("Q-4", 正解="5", 解説=""),
            ],
        }
    )
    with pytest.raises(bank.BankProblems) as raised:
        bank.import_bank(actor=infosec, filename="bank.xlsx", data=data)
    found = {(p.sheet, p.row, p.column) for p in raised.value.problems}
    assert {
        ("レッスン", 2, "分野"),
        ("問題", 4, "正解"),
        ("問題", 5, "形式"),
        ("問題", 6, "コード"),
        ("問題", 6, "選択肢2"),
        ("問題", 7, "コード"),
        ("問題", 7, "レッスン"),
        ("問題", 7, "使用中"),
        ("問題", 8, "正解"),
        ("問題", 8, "解説"),
    } <= found
    assert Question.objects.count() == 1 and not Lesson.objects.exists()
    assert Question.objects.get().text != "既存を更新するはずの行"
    assert not AuditEntry.objects.filter(action="import").exists()


@pytest.mark.django_db
def test_missing_sheet_or_column_and_unreadable_files_are_reported(make_user) -> None:
    infosec = make_user("infosec")
    no_questions = _xlsx({"Sheet": [["a"]]})
    with pytest.raises(bank.BankProblems) as raised:
        bank.import_bank(actor=infosec, filename="x.xlsx", data=no_questions)
    assert "シート「問題」がありません" in raised.value.problems[0].message
    no_column = _xlsx({"問題": [[h for h in bank.QUESTION_HEADERS if h != "解説"]]})
    with pytest.raises(bank.BankProblems) as raised:
        bank.import_bank(actor=infosec, filename="x.xlsx", data=no_column)
    assert [(p.row, p.column) for p in raised.value.problems] == [(1, "解説")]
    with pytest.raises(bank.BankProblems) as raised:
        bank.import_bank(actor=infosec, filename="x.xlsx", data=b"PK\x03\x04 not a zip")
    assert "Excelファイルを開けません" in raised.value.problems[0].message


@pytest.mark.django_db
def test_the_starter_bank_is_valid_and_covers_every_topic() -> None:
    parsed = bank.starter_bank()
    assert len(parsed.questions) >= 60
    assert {q.values["topic"] for q in parsed.questions} == set(Topic.values)
    assert {lesson.values["topic"] for lesson in parsed.lessons} == set(Topic.values)
    codes = [q.values["code"] for q in parsed.questions]
    assert len(codes) == len(set(codes))
    lesson_codes = {lesson.values["code"] for lesson in parsed.lessons}
    for q in parsed.questions:
        assert bank.choice_problems(q.values["kind"], q.choices) == [], q.values["code"]
        assert q.values["explanation"] and q.values["source"], q.values["code"]
        assert q.lesson_code in lesson_codes
    # The right answer is not always in the same place in the bank (shown shuffled anyway).
    firsts = [q.choices[0].correct for q in parsed.questions if q.values["kind"] == "true_false"]
    assert 0 < sum(firsts) < len(firsts)


@pytest.mark.django_db
def test_load_starter_bank_is_idempotent_and_keeps_edits() -> None:
    out = io.StringIO()
    call_command("load_starter_bank", stdout=out)
    count = Question.objects.count()
    assert count >= 60 and Lesson.objects.count() == len(Topic.values)
    edited = Question.objects.get(code="Q-PH-01")
    edited.text = "本市向けに直した問題文"
    edited.save()
    Question.objects.filter(code="Q-PH-02").update(active=False)
    call_command("load_starter_bank", stdout=out)
    assert Question.objects.count() == count
    assert Question.objects.get(code="Q-PH-01").text == "本市向けに直した問題文"
    assert not Question.objects.get(code="Q-PH-02").active
    assert Choice.objects.filter(question__code="Q-PH-01").count() == 4
    assert "問題 0件を追加" in out.getvalue().splitlines()[-1]

"""Server-side validation of every answer kind, and conditional display."""

from __future__ import annotations

import pytest

from yakuba.surveys.selectors import structure
from yakuba.surveys.tests.factories import full_answers, make_survey
from yakuba.surveys.validation import validate

pytestmark = pytest.mark.django_db


def check(survey, telework_days=0, **overrides):
    s = structure(survey)
    return validate(s.questions, s.choices, full_answers(survey, **overrides), telework_days)


def error(survey, key, telework_days=0, **overrides):
    outcome = check(survey, telework_days, **overrides)
    return outcome.errors.get(survey.q[key].pk, "")


def test_a_complete_answer_set_is_valid(org) -> None:
    survey = make_survey()
    outcome = check(survey)
    assert outcome.ok
    q = survey.q
    assert outcome.answers[q["scale"].pk].scale == 4
    assert [c.label for c in outcome.answers[q["single"].pk].choices] == ["はい"]
    assert outcome.answers[q["number"].pk].number == 2


def test_required_questions_must_be_answered(org) -> None:
    survey = make_survey()
    assert error(survey, "scale", scale=None) == "この質問は回答が必要です。"
    assert error(survey, "single", single=None) == "この質問は回答が必要です。"
    assert error(survey, "number", number=None) == "この質問は回答が必要です。"
    # Blank spaces are no answer.
    assert error(survey, "cond", cond="   ") == "この質問は回答が必要です。"
    # Optional ones may stay empty.
    assert check(survey, multiple=None).ok


def test_scale_accepts_1_to_5_only(org) -> None:
    survey = make_survey()
    for bad in ("0", "6", "3.5", "とても", "-1"):
        assert error(survey, "scale", scale=bad) == "1〜5の中から選んでください。", bad
    assert error(survey, "scale", scale=["3", "4"]) == "回答は1つだけにしてください。"


def test_a_choice_must_belong_to_its_question(org) -> None:
    survey = make_survey()
    other_survey = make_survey(title="別の調査")
    foreign = str(other_survey.q["yes"].pk)
    vpn = str(survey.q["vpn"].pk)  # a choice of another question of the same survey
    for bad in (foreign, vpn, "999999", "abc"):
        assert error(survey, "single", single=bad) == "選択肢の中から選んでください。", bad
    assert error(survey, "multiple", multiple=[str(survey.q["paper"].pk), foreign]) == (
        "選択肢の中から選んでください。"
    )


def test_single_choice_takes_one_and_multiple_respects_its_limit(org) -> None:
    survey = make_survey()
    q = survey.q
    two = [str(q["yes"].pk), str(q["no"].pk)]
    assert error(survey, "single", single=two) == "選択肢を1つだけ選んでください。"
    three = [str(q["vpn"].pk), str(q["paper"].pk), str(q["chat"].pk)]
    assert error(survey, "multiple", multiple=three) == "2個まで選んでください。"
    # The same choice twice counts once.
    assert check(survey, multiple=[str(q["paper"].pk)] * 2).ok


def test_other_needs_its_free_text(org) -> None:
    survey = make_survey()
    q = survey.q
    other = str(q["single_other"].pk)
    assert "内容を入力してください" in error(survey, "single", single=other)
    outcome = check(survey, single=other, **{f"q{q['single'].pk}_other": "週1回だけ"})
    assert outcome.ok
    assert outcome.answers[q["single"].pk].other_text == "週1回だけ"
    long = "あ" * 501
    assert "500文字以内" in error(
        survey, "single", single=other, **{f"q{q['single'].pk}_other": long}
    )


def test_number_range_integer_and_format(org) -> None:
    survey = make_survey()
    assert error(survey, "number", number="11") == "0〜10の範囲で入力してください。"
    assert error(survey, "number", number="-1") == "0〜10の範囲で入力してください。"
    assert error(survey, "number", number="2.5") == "整数で入力してください。"
    assert error(survey, "number", number="二") == "数値で入力してください。"
    assert error(survey, "number", number="NaN") == "数値で入力してください。"
    assert error(survey, "number", number="Infinity") == "数値で入力してください。"
    assert check(survey, number="10").ok and check(survey, number="0").ok
    q = survey.q["number"]
    q.integer_only = False
    q.save()
    assert check(survey, number="2.5").ok
    assert error(survey, "number", number="2.555") == "小数は2桁までで入力してください。"


def test_dates_must_be_real_dates(org) -> None:
    survey = make_survey()
    for bad in ("2026-02-30", "昨日", "2026/13/01", "0001-01-01"):
        assert error(survey, "date", date=bad), bad
    assert check(survey, date="2026-02-28").ok


def test_free_text_length_and_control_characters(org) -> None:
    survey = make_survey()
    assert "4000文字以内" in error(survey, "text", text="あ" * 4001)
    assert error(survey, "text", text="改行\nはよい\x07") == "使えない制御文字が含まれています。"
    assert check(survey, text="改行\nはよい").ok


def test_a_question_shown_by_a_choice_is_required_only_when_shown(org) -> None:
    survey = make_survey()
    q = survey.q
    # 「はい」: the follow-up is shown and required.
    assert error(survey, "cond", cond=None) == "この質問は回答が必要です。"
    # 「いいえ」: hidden; whatever was posted for it is ignored, not kept.
    outcome = check(survey, single=str(q["no"].pk), cond="書いたけれど消えるはず")
    assert outcome.ok
    assert q["cond"].pk not in outcome.answers
    assert q["cond"] not in outcome.shown


def test_a_condition_on_a_hidden_question_hides_its_dependants(org) -> None:
    """`later` depends on `multiple`; answers of a hidden question never show others."""
    survey = make_survey()
    q = survey.q
    vpn = [str(q["vpn"].pk)]
    assert error(survey, "later", multiple=vpn) == "この質問は回答が必要です。"
    # Make `multiple` itself conditional on 「いいえ」, and answer 「はい」: its VPN answer
    # is ignored, so `later` stays hidden too.
    q["multiple"].show_if_choice = q["no"]
    q["multiple"].save()
    outcome = check(survey, multiple=vpn)
    assert outcome.ok and q["later"].pk not in outcome.answers


def test_telework_days_fixed_at_launch_decide_who_sees_a_question(org) -> None:
    survey = make_survey()
    q = survey.q
    # Never teleworked: the question is hidden, an answer posted for it is dropped.
    outcome = check(survey, 0, tw="5")
    assert outcome.ok and q["tw"].pk not in outcome.answers
    # Teleworked: shown and required.
    assert error(survey, "tw", 3, tw=None) == "この質問は回答が必要です。"
    assert check(survey, 3, tw="2").answers[q["tw"].pk].scale == 2

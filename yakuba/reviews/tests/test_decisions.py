"""The decision rules: every route of the default criteria, the evaluation of partial and
odd answers, and the refusal of invalid definitions with the question named."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from yakuba.reviews import decisions
from yakuba.reviews.defaults import DEFAULT_SETS, MEETING_DEFINITION, PROCEDURE_DEFINITION
from yakuba.reviews.models import OutcomeEffect

# Every route of the default sets, written out: (track, "question=option …") → outcome.
# A change to the default criteria must change this table too (and say why).
EXPECTED_ROUTES: dict[tuple[str, str], str] = {
    ("seal", "seal_basis=law seal_law_strict=yes"): "seal_keep_law",
    ("seal", "seal_basis=law seal_law_strict=no seal_purpose=none"): "seal_abolish",
    (
        "seal",
        "seal_basis=law seal_law_strict=no seal_purpose=identity seal_alternative=not_needed",
    ): "seal_abolish",
    (
        "seal",
        "seal_basis=law seal_law_strict=no seal_purpose=identity seal_alternative=substitute",
    ): "seal_substitute",
    (
        "seal",
        "seal_basis=law seal_law_strict=no seal_purpose=identity seal_alternative=no",
    ): "seal_keep",
    ("seal", "seal_basis=law seal_law_strict=no seal_purpose=legal_meaning"): "seal_keep",
    ("seal", "seal_basis=own_rule seal_purpose=none"): "seal_abolish",
    (
        "seal",
        "seal_basis=own_rule seal_purpose=identity seal_alternative=not_needed",
    ): "seal_abolish",
    (
        "seal",
        "seal_basis=own_rule seal_purpose=identity seal_alternative=substitute",
    ): "seal_substitute",
    ("seal", "seal_basis=own_rule seal_purpose=identity seal_alternative=no"): "seal_keep",
    ("seal", "seal_basis=own_rule seal_purpose=legal_meaning"): "seal_keep",
    ("seal", "seal_basis=form_only seal_purpose=none"): "seal_abolish",
    (
        "seal",
        "seal_basis=form_only seal_purpose=identity seal_alternative=not_needed",
    ): "seal_abolish",
    (
        "seal",
        "seal_basis=form_only seal_purpose=identity seal_alternative=substitute",
    ): "seal_substitute",
    ("seal", "seal_basis=form_only seal_purpose=identity seal_alternative=no"): "seal_keep",
    ("seal", "seal_basis=form_only seal_purpose=legal_meaning"): "seal_keep",
    ("paper", "paper_basis=law"): "paper_keep_law",
    ("paper", "paper_basis=own_rule paper_electronic=yes paper_payment=no_fee"): "paper_online",
    (
        "paper",
        "paper_basis=own_rule paper_electronic=yes paper_payment=online_payment",
    ): "paper_online",
    (
        "paper",
        "paper_basis=own_rule paper_electronic=yes paper_payment=counter_only",
    ): "paper_simplify",
    ("paper", "paper_basis=own_rule paper_electronic=mail"): "paper_simplify",
    ("paper", "paper_basis=own_rule paper_electronic=no"): "paper_keep",
    ("paper", "paper_basis=none paper_electronic=yes paper_payment=no_fee"): "paper_online",
    ("paper", "paper_basis=none paper_electronic=yes paper_payment=online_payment"): "paper_online",
    ("paper", "paper_basis=none paper_electronic=yes paper_payment=counter_only"): "paper_simplify",
    ("paper", "paper_basis=none paper_electronic=mail"): "paper_simplify",
    ("paper", "paper_basis=none paper_electronic=no"): "paper_keep",
    ("visit", "visit_basis=law"): "visit_keep_law",
    ("visit", "visit_basis=own_rule visit_purpose=handover"): "visit_none",
    ("visit", "visit_basis=own_rule visit_purpose=identity visit_identity=yes"): "visit_none",
    ("visit", "visit_basis=own_rule visit_purpose=identity visit_identity=no"): "visit_appointment",
    (
        "visit",
        "visit_basis=own_rule visit_purpose=consultation visit_consultation=yes",
    ): "visit_none",
    (
        "visit",
        "visit_basis=own_rule visit_purpose=consultation visit_consultation=appointment",
    ): "visit_appointment",
    (
        "visit",
        "visit_basis=own_rule visit_purpose=consultation visit_consultation=no",
    ): "visit_keep",
    ("visit", "visit_basis=none visit_purpose=handover"): "visit_none",
    ("visit", "visit_basis=none visit_purpose=identity visit_identity=yes"): "visit_none",
    ("visit", "visit_basis=none visit_purpose=identity visit_identity=no"): "visit_appointment",
    ("visit", "visit_basis=none visit_purpose=consultation visit_consultation=yes"): "visit_none",
    (
        "visit",
        "visit_basis=none visit_purpose=consultation visit_consultation=appointment",
    ): "visit_appointment",
    ("visit", "visit_basis=none visit_purpose=consultation visit_consultation=no"): "visit_keep",
    ("attachments", "attach_basis=law"): "attach_keep_law",
    ("attachments", "attach_basis=own_rule attach_lookup=yes"): "attach_omit",
    ("attachments", "attach_basis=own_rule attach_lookup=no attach_needed=yes"): "attach_omit",
    ("attachments", "attach_basis=own_rule attach_lookup=no attach_needed=copy"): "attach_copy",
    ("attachments", "attach_basis=own_rule attach_lookup=no attach_needed=no"): "attach_keep",
    ("attachments", "attach_basis=none attach_lookup=yes"): "attach_omit",
    ("attachments", "attach_basis=none attach_lookup=no attach_needed=yes"): "attach_omit",
    ("attachments", "attach_basis=none attach_lookup=no attach_needed=copy"): "attach_copy",
    ("attachments", "attach_basis=none attach_lookup=no attach_needed=no"): "attach_keep",
    ("necessity", "mtg_purpose=yes mtg_report=yes"): "mtg_report_instead",
    ("necessity", "mtg_purpose=yes mtg_report=no mtg_merge=yes"): "mtg_merge_into",
    ("necessity", "mtg_purpose=yes mtg_report=no mtg_merge=no"): "mtg_keep",
    ("necessity", "mtg_purpose=no"): "mtg_abolish",
    ("participants", "mtg_participants=yes"): "mtg_participants_ok",
    ("participants", "mtg_participants=no"): "mtg_fewer",
    ("method", "mtg_online=yes"): "mtg_online_all",
    ("method", "mtg_online=hybrid"): "mtg_hybrid",
    ("method", "mtg_online=no"): "mtg_in_person",
    ("time", "mtg_materials=yes mtg_duration=yes"): "mtg_time_ok",
    ("time", "mtg_materials=yes mtg_duration=no"): "mtg_shorten",
    ("time", "mtg_materials=no mtg_materials_possible=yes"): "mtg_shorten",
    ("time", "mtg_materials=no mtg_materials_possible=no mtg_duration=yes"): "mtg_time_ok",
    ("time", "mtg_materials=no mtg_materials_possible=no mtg_duration=no"): "mtg_shorten",
}


def _route_key(route: decisions.Route) -> tuple[str, str]:
    return route.track, " ".join(f"{q}={o}" for q, o in route.choices)


def _all_routes() -> list[tuple[dict[str, Any], decisions.Route]]:
    found = []
    for spec in DEFAULT_SETS:
        for track in decisions.tracks_of(spec["definition"]):
            for route in decisions.paths(spec["definition"], track["key"]):
                found.append((spec["definition"], route))
    return found


def test_default_sets_are_valid() -> None:
    for spec in DEFAULT_SETS:
        assert decisions.validate_definition(spec["definition"]) == [], spec["slug"]


def test_the_enumerated_routes_are_exactly_the_expected_ones() -> None:
    enumerated = {_route_key(route): route.outcome for _d, route in _all_routes()}
    assert enumerated == EXPECTED_ROUTES


@pytest.mark.parametrize(
    ("definition", "route"),
    [pytest.param(d, r, id="/".join(_route_key(r))) for d, r in _all_routes()],
)
def test_every_route_of_the_default_sets_reaches_its_outcome(
    definition: dict[str, Any], route: decisions.Route
) -> None:
    # Notes and articles filled in, so that the track is complete.
    answers = {
        route.track: {
            q: {"option": o, "note": "理由を記入", "article": "〇〇法第1条"}
            for q, o in route.choices
        }
    }
    result = decisions.evaluate(definition, answers)[route.track]
    assert result.status == decisions.DECIDED
    assert result.outcome == EXPECTED_ROUTES[_route_key(route)]
    assert result.path == [q for q, _o in route.choices]
    assert result.next_question is None
    assert result.complete
    outcome = next(
        o
        for t in definition["tracks"]
        if t["key"] == route.track
        for o in t["outcomes"]
        if o["key"] == result.outcome
    )
    assert result.effect == outcome["effect"]


def test_every_outcome_of_the_default_sets_is_reachable() -> None:
    reached = {(r.track, r.outcome) for _d, r in _all_routes()}
    for spec in DEFAULT_SETS:
        for track in spec["definition"]["tracks"]:
            for outcome in track["outcomes"]:
                assert (track["key"], outcome["key"]) in reached


def test_main_paths_by_hand() -> None:
    """The manual's main cases, written as a unit would answer them."""
    results = decisions.evaluate(
        PROCEDURE_DEFINITION,
        {
            # A seal column on the form and nothing else: 押印廃止.
            "seal": {"seal_basis": "form_only", "seal_purpose": "none"},
            # Nothing requires paper; the e-application system accepts it; no fee: online.
            "paper": {
                "paper_basis": "none",
                "paper_electronic": "yes",
                "paper_payment": "no_fee",
            },
            # The visit is only to check identity, which a posted copy can do: 来庁不要.
            "visit": {"visit_basis": "none", "visit_purpose": "identity", "visit_identity": "yes"},
            # The office can look the certificate up itself: 添付省略.
            "attachments": {"attach_basis": "none", "attach_lookup": "yes"},
        },
    )
    assert {k: (r.outcome, r.effect) for k, r in results.items()} == {
        "seal": ("seal_abolish", "seal_abolished"),
        "paper": ("paper_online", "online"),
        "visit": ("visit_none", "no_visit"),
        "attachments": ("attach_omit", "attachment_omitted"),
    }

    # A seal that national law requires (印鑑登録証明書): kept, blocked by law, with the article.
    law = decisions.evaluate(
        PROCEDURE_DEFINITION,
        {
            "seal": {
                "seal_basis": {"option": "law", "article": "印鑑登録証明事務処理要領第2"},
                "seal_law_strict": "yes",
            }
        },
    )["seal"]
    assert law.outcome == "seal_keep_law" and law.blocked_by_law and law.complete
    assert law.articles == ["印鑑登録証明事務処理要領第2"]

    # Identity check needed but a signature will do: 署名等に代替.
    sign = decisions.evaluate(
        PROCEDURE_DEFINITION,
        {
            "seal": {
                "seal_basis": {"option": "own_rule", "article": "〇〇市補助金交付規則第5条"},
                "seal_purpose": "identity",
                "seal_alternative": "substitute",
            }
        },
    )["seal"]
    assert (sign.outcome, sign.effect) == ("seal_substitute", "seal_substituted")

    # A meeting that is only reports: 報告に代替; with silent participants: 参加者削減;
    # online possible; materials handed out on the day and could be sent before: 短縮.
    meeting = decisions.evaluate(
        MEETING_DEFINITION,
        {
            "necessity": {"mtg_purpose": "yes", "mtg_report": "yes"},
            "participants": {"mtg_participants": "no"},
            "method": {"mtg_online": "yes"},
            "time": {"mtg_materials": "no", "mtg_materials_possible": "yes"},
        },
    )
    assert {k: r.effect for k, r in meeting.items()} == {
        "necessity": "meeting_report_instead",
        "participants": "meeting_fewer_participants",
        "method": "meeting_online",
        "time": "meeting_shortened",
    }
    # A purpose nobody can state: 廃止.
    abolish = decisions.evaluate(
        MEETING_DEFINITION,
        {"necessity": {"mtg_purpose": {"option": "no", "note": "当初の事業は終了"}}},
    )["necessity"]
    assert (abolish.outcome, abolish.effect, abolish.complete) == (
        "mtg_abolish",
        "meeting_abolished",
        True,
    )


def test_incomplete_answers_give_the_next_question_and_the_path_so_far() -> None:
    results = decisions.evaluate(
        PROCEDURE_DEFINITION, {"seal": {"seal_basis": "form_only"}, "paper": {}}
    )
    seal = results["seal"]
    assert seal.status == decisions.INCOMPLETE and seal.outcome is None
    assert seal.path == ["seal_basis"] and seal.next_question == "seal_purpose"
    assert results["paper"].next_question == "paper_basis" and results["paper"].path == []
    # Unanswered tracks are incomplete too (every track is in the result, in order).
    assert list(results) == ["seal", "paper", "visit", "attachments"]
    assert results["visit"].status == decisions.INCOMPLETE


def test_answers_off_the_path_are_ignored_and_unknown_options_reasked() -> None:
    result = decisions.evaluate(
        PROCEDURE_DEFINITION,
        {
            "seal": {
                "seal_basis": "form_only",
                "seal_law_strict": "yes",  # not on the path taken: ignored
                "seal_purpose": "maybe",  # no such option
            }
        },
    )["seal"]
    assert result.status == decisions.INCOMPLETE
    assert result.path == ["seal_basis"]
    assert result.next_question == "seal_purpose"
    assert result.invalid == ["seal_purpose"]


def test_missing_note_or_article_is_reported_but_the_outcome_still_derived() -> None:
    result = decisions.evaluate(
        PROCEDURE_DEFINITION,
        {"seal": {"seal_basis": "law", "seal_law_strict": "yes"}},
    )["seal"]
    assert result.status == decisions.DECIDED and result.outcome == "seal_keep_law"
    assert result.missing == [("seal_basis", "article")]
    assert not result.complete
    note = decisions.evaluate(
        MEETING_DEFINITION, {"method": {"mtg_online": {"option": "no", "note": "  "}}}
    )["method"]
    assert note.missing == [("mtg_online", "note")]


def test_facts_skip_tracks_that_do_not_apply() -> None:
    results = decisions.evaluate(
        PROCEDURE_DEFINITION,
        {},
        facts={"seal": False, "paper": True, "in_person": False, "attachments": True},
    )
    assert results["seal"].status == decisions.NOT_APPLICABLE
    assert results["visit"].status == decisions.NOT_APPLICABLE
    assert results["paper"].status == decisions.INCOMPLETE
    assert results["attachments"].status == decisions.INCOMPLETE


def test_garbage_answers_and_definitions_never_raise() -> None:
    garbage: list[Any] = [None, [], "x", {"seal": "x"}, {"seal": {"seal_basis": 3}}]
    for answers in garbage:
        results = decisions.evaluate(PROCEDURE_DEFINITION, answers)
        assert results["seal"].status == decisions.INCOMPLETE
    assert decisions.evaluate(None, {}) == {}
    assert decisions.evaluate({"tracks": "x"}, {}) == {}
    broken = {"tracks": [{"key": "t", "start": "nowhere", "questions": [], "outcomes": []}]}
    assert decisions.evaluate(broken, {})["t"].status == decisions.BROKEN


def test_effects_are_the_models_choices() -> None:
    assert set(decisions.EFFECTS) == set(OutcomeEffect.values)
    assert decisions.KEPT_BY_LAW in OutcomeEffect.values


# --- validation -----------------------------------------------------------------------------


def _tiny() -> dict[str, Any]:
    """One track: q1 → (yes → q2, no → o_keep); q2 → (yes → o_abolish, no → o_keep)."""
    return {
        "tracks": [
            {
                "key": "seal",
                "label": "押印",
                "start": "q1",
                "questions": [
                    {
                        "key": "q1",
                        "text": "法令で義務ですか",
                        "options": [
                            {"key": "yes", "label": "はい", "next": "q2"},
                            {"key": "no", "label": "いいえ", "outcome": "o_keep"},
                        ],
                    },
                    {
                        "key": "q2",
                        "text": "他の方法で確認できますか",
                        "options": [
                            {"key": "yes", "label": "はい", "outcome": "o_abolish"},
                            {"key": "no", "label": "いいえ", "outcome": "o_keep"},
                        ],
                    },
                ],
                "outcomes": [
                    {"key": "o_abolish", "label": "押印廃止", "effect": "seal_abolished"},
                    {"key": "o_keep", "label": "存続", "effect": "kept"},
                ],
            }
        ]
    }


def _messages(definition: Any) -> list[str]:
    return [p.message for p in decisions.validate_definition(definition)]


def test_tiny_definition_is_valid() -> None:
    assert _messages(_tiny()) == []


def test_a_cycle_is_refused_naming_the_question() -> None:
    d = _tiny()
    d["tracks"][0]["questions"][1]["options"][1] = {"key": "no", "label": "いいえ", "next": "q1"}
    problems = decisions.validate_definition(d)
    cycle = [p for p in problems if "循環" in p.message]
    assert len(cycle) == 1
    assert "法令で義務ですか" in cycle[0].message and cycle[0].question == "q1"
    assert "他の方法で確認できますか" in cycle[0].message


def test_a_loop_with_no_way_out_is_refused() -> None:
    d = _tiny()
    d["tracks"][0]["questions"][1]["options"] = [
        {"key": "yes", "label": "はい", "next": "q1"},
        {"key": "no", "label": "いいえ", "next": "q1"},
    ]
    d["tracks"][0]["questions"][0]["options"][1] = {"key": "no", "label": "いいえ", "next": "q2"}
    messages = _messages(d)
    assert any("循環" in m for m in messages)
    assert any("「法令で義務ですか」からは、どの結果にもたどり着けません" in m for m in messages)
    assert any("結果「押印廃止」には、どの選択肢からもたどり着けません" in m for m in messages)


def test_unreachable_question_and_outcome_are_named() -> None:
    d = _tiny()
    d["tracks"][0]["questions"].append(
        {
            "key": "q3",
            "text": "誰も来ない質問",
            "options": [
                {"key": "a", "label": "A", "outcome": "o_keep"},
                {"key": "b", "label": "B", "outcome": "o_orphan"},
            ],
        }
    )
    d["tracks"][0]["outcomes"].append(
        {"key": "o_orphan", "label": "孤立した結果", "effect": "kept"}
    )
    messages = _messages(d)
    assert any("質問「誰も来ない質問」には" in m and "たどり着けません" in m for m in messages)
    assert any("結果「孤立した結果」には、どの選択肢からもたどり着けません" in m for m in messages)


def test_question_without_options_is_named() -> None:
    d = _tiny()
    d["tracks"][0]["questions"][1]["options"] = []
    messages = _messages(d)
    assert "質問「他の方法で確認できますか」に選択肢がありません。" in messages


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["tracks"][0]["questions"][0]["options"][0].update(next=None),
            "質問「法令で義務ですか」の選択肢「はい」の行き先（次の質問または結果）がありません。",
        ),
        (
            lambda d: d["tracks"][0]["questions"][0]["options"][0].update(next="q9"),
            "質問「法令で義務ですか」の選択肢「はい」が、この観点にない質問「q9」を指しています。",
        ),
        (
            lambda d: d["tracks"][0]["questions"][1]["options"][0].update(outcome="zz"),
            "質問「他の方法で確認できますか」の選択肢「はい」が、この観点にない結果「zz」を指しています。",
        ),
        (
            lambda d: d["tracks"][0]["questions"][0]["options"][0].update(outcome="o_keep"),
            "質問「法令で義務ですか」の選択肢「はい」に次の質問と結果の両方が指定されています。"
            "どちらか一つにしてください。",
        ),
        (
            lambda d: d["tracks"][0]["questions"][1].update(key="q1"),
            "質問の識別子「q1」が重複しています（質問「他の方法で確認できますか」）。",
        ),
        (
            lambda d: d["tracks"][0]["questions"][0]["options"][1].update(key="yes"),
            "質問「法令で義務ですか」の選択肢の識別子「yes」が重複しています。",
        ),
        (
            lambda d: d["tracks"][0].update(start=""),
            "観点「押印」の最初の質問が決まっていません。",
        ),
        (
            lambda d: d["tracks"][0].update(start="q7"),
            "観点「押印」の最初の質問「q7」がこの観点にありません。",
        ),
        (
            lambda d: d["tracks"][0]["outcomes"][0].update(effect="magic"),
            "結果「押印廃止」の区分（集計上の意味）を選んでください。",
        ),
        (
            lambda d: d["tracks"][0]["questions"][0].update(text=""),
            "質問「q1」の文を500文字以内で入力してください。",
        ),
        (
            lambda d: d["tracks"].append(copy.deepcopy(d["tracks"][0])),
            "観点の識別子「seal」が重複しています。",
        ),
        (
            lambda d: d["tracks"][0].update(applies_if="weather"),
            "観点「押印」の対象条件「weather」は使えません。",
        ),
        (
            lambda d: d["tracks"][0]["questions"][0].update(text="改行\x00入り"),
            "質問「改行入り」の文を500文字以内で入力してください。",
        ),
    ],
)
def test_invalid_definitions_are_refused_with_the_question_named(
    change: Any, expected: str
) -> None:
    d = _tiny()
    change(d)
    assert expected in _messages(d)


def test_no_tracks_at_all() -> None:
    empties: list[Any] = [None, {}, {"tracks": []}, {"tracks": "x"}, []]
    for empty in empties:
        assert _messages(empty) == ["観点が一つもありません。観点を追加してください。"]


def test_every_problem_is_listed_not_only_the_first() -> None:
    d = _tiny()
    d["tracks"][0]["questions"][1]["options"] = []
    d["tracks"][0]["outcomes"][0]["effect"] = "magic"
    d["tracks"][0]["questions"][0]["options"][0]["next"] = None
    messages = _messages(d)
    assert len(messages) >= 3

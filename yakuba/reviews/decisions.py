"""The decision rules of the review criteria: plain functions, no database.

A criteria definition (``CriteriaVersion.definition``) is JSON of this shape::

    {"tracks": [                                   # 観点, in display order
        {"key": "seal", "label": "押印",
         "applies_if": "seal",                     # optional: a fact of the item
         "start": "seal_basis",                    # the first question
         "questions": [                            # in display order
             {"key": "seal_basis", "text": "…", "help": "…",
              "options": [
                  {"key": "law", "label": "…",
                   "next": "seal_law_kind",        # another question of the track, or
                   "outcome": null,                # an outcome of the track (exactly one)
                   "requires_note": false,         # the answer must carry a note
                   "requires_article": true},      # … and the legal article (根拠条項)
              ]}],
         "outcomes": [
             {"key": "seal_abolish", "label": "押印廃止", "effect": "seal_abolished",
              "description": "…"}]}]}

Keys are short ASCII identifiers (``[a-z0-9_]``); track, question and outcome keys are
unique in the whole definition, option keys within their question. ``effect`` is one of
`EFFECTS` (what the dashboards count); ``kept_by_law`` marks the outcome blocked by law
or ordinance (法令等により存続).

Answers (``Review.answers``) are ``{track: {question: answer}}`` where an answer is the
option key or ``{"option": key, "note": str, "article": str}``.

`evaluate` follows each track from its start question through the chosen options and
returns the outcome reached, or "incomplete" with the next question to answer, and the
path taken. `validate_definition` lists every problem of a definition, each naming the
track and question, in the user's language (the only Django import here is gettext).
`paths` enumerates every route through a track (for tests and the readable flow).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# Same values as models.OutcomeEffect (a test keeps both lists equal).
EFFECTS: tuple[str, ...] = (
    "seal_abolished",
    "seal_substituted",
    "online",
    "paper_simplified",
    "no_visit",
    "by_appointment",
    "attachment_omitted",
    "meeting_abolished",
    "meeting_report_instead",
    "meeting_merged",
    "meeting_fewer_participants",
    "meeting_shortened",
    "meeting_online",
    "kept_by_law",
    "kept",
)
KEPT_BY_LAW = "kept_by_law"

# Facts of an item a track may depend on (``applies_if``): see Procedure.facts().
FACTS: tuple[str, ...] = ("seal", "paper", "in_person", "attachments")

_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_TRACKS = 20
MAX_QUESTIONS = 100  # per track
MAX_OPTIONS = 12  # per question
MAX_LABEL = 200
MAX_TEXT = 500
MAX_HELP = 2000

DECIDED = "decided"
INCOMPLETE = "incomplete"
NOT_APPLICABLE = "not_applicable"
BROKEN = "broken"  # the definition itself is wrong (never for a validated definition)


# --- evaluation ------------------------------------------------------------------------------


@dataclass
class Step:
    """One question on the path and what was chosen."""

    question: str
    option: str
    note: str = ""
    article: str = ""


@dataclass
class TrackResult:
    track: str
    status: str  # DECIDED, INCOMPLETE, NOT_APPLICABLE or BROKEN
    outcome: str | None = None
    effect: str | None = None
    path: list[str] = field(default_factory=list)  # question keys, in order
    steps: list[Step] = field(default_factory=list)
    next_question: str | None = None  # the first question still to answer
    # (question key, "note" | "article") the chosen options demand and the answer lacks.
    missing: list[tuple[str, str]] = field(default_factory=list)
    # Questions whose stored answer names no option of the question (answered again).
    invalid: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Decided and nothing the chosen options demand is missing."""
        return self.status == DECIDED and not self.missing

    @property
    def blocked_by_law(self) -> bool:
        return self.effect == KEPT_BY_LAW

    @property
    def articles(self) -> list[str]:
        return [s.article for s in self.steps if s.article]


def _answer_parts(answer: Any) -> tuple[str, str, str]:
    """(option, note, article) of a stored answer (a key or a dict)."""
    if isinstance(answer, str):
        return answer, "", ""
    if isinstance(answer, Mapping):
        option = answer.get("option")
        note = answer.get("note")
        article = answer.get("article")
        return (
            option if isinstance(option, str) else "",
            note.strip() if isinstance(note, str) else "",
            article.strip() if isinstance(article, str) else "",
        )
    return "", "", ""


def tracks_of(definition: Any) -> list[dict[str, Any]]:
    """The tracks of a definition that look like tracks (dicts), in order."""
    if not isinstance(definition, Mapping):
        return []
    tracks = definition.get("tracks")
    if not isinstance(tracks, list):
        return []
    return [t for t in tracks if isinstance(t, Mapping)]  # type: ignore[misc]


def _questions(track: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for q in track.get("questions") or []:
        if isinstance(q, Mapping) and isinstance(q.get("key"), str):
            found.setdefault(q["key"], q)
    return found


def _outcomes(track: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for o in track.get("outcomes") or []:
        if isinstance(o, Mapping) and isinstance(o.get("key"), str):
            found.setdefault(o["key"], o)
    return found


def _options(question: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [o for o in question.get("options") or [] if isinstance(o, Mapping)]


def evaluate_track(
    track: Mapping[str, Any],
    answers: Mapping[str, Any] | None,
    facts: Mapping[str, bool] | None = None,
) -> TrackResult:
    """Follow one track through ``answers`` ({question: answer}) as far as they go."""
    key = str(track.get("key", ""))
    condition = track.get("applies_if")
    if condition and facts is not None and not facts.get(str(condition), False):
        return TrackResult(track=key, status=NOT_APPLICABLE)
    questions = _questions(track)
    outcomes = _outcomes(track)
    given = answers if isinstance(answers, Mapping) else {}
    result = TrackResult(track=key, status=INCOMPLETE)
    current = track.get("start")
    seen: set[str] = set()
    while True:
        if not isinstance(current, str) or current not in questions or current in seen:
            result.status = BROKEN
            result.next_question = None
            return result
        seen.add(current)
        question = questions[current]
        option_key, note, article = _answer_parts(given.get(current))
        chosen = next((o for o in _options(question) if o.get("key") == option_key), None)
        if chosen is None:
            if option_key:
                result.invalid.append(current)
            result.next_question = current
            return result
        result.path.append(current)
        result.steps.append(Step(current, option_key, note, article))
        if chosen.get("requires_note") and not note:
            result.missing.append((current, "note"))
        if chosen.get("requires_article") and not article:
            result.missing.append((current, "article"))
        outcome = chosen.get("outcome")
        if outcome:
            if outcome not in outcomes:
                result.status = BROKEN
                return result
            result.status = DECIDED
            result.outcome = str(outcome)
            effect = outcomes[outcome].get("effect")
            result.effect = str(effect) if effect else None
            return result
        current = chosen.get("next")


def evaluate(
    definition: Any,
    answers: Mapping[str, Any] | None,
    facts: Mapping[str, bool] | None = None,
) -> dict[str, TrackResult]:
    """Every track's result, in the definition's order. ``facts`` (e.g.
    ``Procedure.facts()``) skip the tracks whose ``applies_if`` is false; without facts
    every track applies."""
    given = answers if isinstance(answers, Mapping) else {}
    results: dict[str, TrackResult] = {}
    for track in tracks_of(definition):
        key = str(track.get("key", ""))
        results[key] = evaluate_track(track, given.get(key), facts)
    return results


# --- enumerating every route ---------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One way through a track: the (question, option) choices and the outcome reached."""

    track: str
    choices: tuple[tuple[str, str], ...]
    outcome: str

    def answers(self) -> dict[str, str]:
        return dict(self.choices)


def paths(definition: Any, track_key: str) -> Iterator[Route]:
    """Every route from the track's start to an outcome (depth first, options in order).
    A cycle is not followed twice (validate the definition first)."""
    track = next((t for t in tracks_of(definition) if t.get("key") == track_key), None)
    if track is None:
        return
    questions = _questions(track)

    def walk(current: Any, taken: tuple[tuple[str, str], ...]) -> Iterator[Route]:
        if not isinstance(current, str) or current not in questions:
            return
        if any(q == current for q, _o in taken):
            return
        for option in _options(questions[current]):
            step = (*taken, (current, str(option.get("key", ""))))
            if option.get("outcome"):
                yield Route(track_key, step, str(option["outcome"]))
            else:
                yield from walk(option.get("next"), step)

    yield from walk(track.get("start"), ())


# --- validation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition; ``message`` names the track and question."""

    message: str
    track: str = ""
    question: str = ""
    option: str = ""
    outcome: str = ""


def _name(item: Mapping[str, Any], text_field: str) -> str:
    """How a message names a question/outcome/track: its text, else its key."""
    text = item.get(text_field)
    key = item.get("key")
    if isinstance(text, str) and _UNSTORABLE.sub("", text).strip():
        shown = _UNSTORABLE.sub("", text).strip()
        return shown if len(shown) <= 40 else shown[:39] + "…"
    return str(key) if key else "？"


def _text_ok(value: Any, limit: int, *, required: bool) -> bool:
    if value is None or value == "":
        return not required
    if not isinstance(value, str):
        return False
    if required and not value.strip():
        return False
    if len(value) > limit:
        return False
    return not _UNSTORABLE.search(value)


def validate_definition(definition: Any) -> list[Problem]:
    """Every problem of ``definition``, in the order a reader meets them; [] when valid."""
    problems: list[Problem] = []
    tracks = definition.get("tracks") if isinstance(definition, Mapping) else None
    if not isinstance(tracks, list) or not tracks:
        return [Problem(_("観点が一つもありません。観点を追加してください。"))]
    if len(tracks) > MAX_TRACKS:
        problems.append(Problem(_("観点が多すぎます（%(n)s個まで）。") % {"n": MAX_TRACKS}))
    track_keys: set[str] = set()
    question_keys: dict[str, str] = {}  # key → track key (unique in the definition)
    outcome_keys: dict[str, str] = {}
    for index, raw_track in enumerate(tracks, start=1):
        if not isinstance(raw_track, Mapping):
            problems.append(Problem(_("%(n)s番目の観点の形式が正しくありません。") % {"n": index}))
            continue
        problems.extend(_validate_track(raw_track, index, track_keys, question_keys, outcome_keys))
    return problems


def _validate_track(
    track: Mapping[str, Any],
    index: int,
    track_keys: set[str],
    question_keys: dict[str, str],
    outcome_keys: dict[str, str],
) -> list[Problem]:
    problems: list[Problem] = []
    tkey = track.get("key")
    tname = _name(track, "label") if track.get("label") or tkey else str(index)
    tk = str(tkey) if isinstance(tkey, str) else ""

    def add(message: str, **where: str) -> None:
        problems.append(Problem(message, track=tk, **where))

    if not isinstance(tkey, str) or not KEY_RE.match(tkey):
        add(
            _(
                "観点「%(track)s」の識別子は英小文字で始まる英小文字・数字・_（50文字まで）にしてください。"
            )
            % {"track": tname}
        )
    elif tkey in track_keys:
        add(_("観点の識別子「%(key)s」が重複しています。") % {"key": tkey})
    else:
        track_keys.add(tkey)
    if not _text_ok(track.get("label"), 100, required=True):
        add(_("観点「%(track)s」の名前を100文字以内で入力してください。") % {"track": tname})
    condition = track.get("applies_if")
    if condition not in (None, "") and condition not in FACTS:
        add(
            _("観点「%(track)s」の対象条件「%(cond)s」は使えません。")
            % {"track": tname, "cond": condition}
        )

    raw_questions = track.get("questions")
    raw_outcomes = track.get("outcomes")
    if not isinstance(raw_questions, list) or not raw_questions:
        add(_("観点「%(track)s」に質問がありません。") % {"track": tname})
        raw_questions = []
    if len(raw_questions) > MAX_QUESTIONS:
        add(
            _("観点「%(track)s」の質問が多すぎます（%(n)s問まで）。")
            % {"track": tname, "n": MAX_QUESTIONS}
        )
    if not isinstance(raw_outcomes, list) or not raw_outcomes:
        add(_("観点「%(track)s」に結果がありません。") % {"track": tname})
        raw_outcomes = []

    # Outcomes first: options refer to them.
    outcomes: dict[str, Mapping[str, Any]] = {}
    for o_index, outcome in enumerate(raw_outcomes, start=1):
        if not isinstance(outcome, Mapping):
            add(
                _("観点「%(track)s」の%(n)s番目の結果の形式が正しくありません。")
                % {"track": tname, "n": o_index}
            )
            continue
        oname = _name(outcome, "label")
        okey = outcome.get("key")
        if not isinstance(okey, str) or not KEY_RE.match(okey):
            add(
                _("結果「%(outcome)s」の識別子は英小文字で始まる英小文字・数字・_にしてください。")
                % {"outcome": oname}
            )
            continue
        if okey in outcome_keys or okey in question_keys:
            add(_("結果の識別子「%(key)s」が重複しています。") % {"key": okey}, outcome=okey)
            continue
        outcome_keys[okey] = tk
        outcomes[okey] = outcome
        if not _text_ok(outcome.get("label"), MAX_LABEL, required=True):
            add(
                _("結果「%(outcome)s」の名前を%(n)s文字以内で入力してください。")
                % {"outcome": oname, "n": MAX_LABEL},
                outcome=okey,
            )
        if outcome.get("effect") not in EFFECTS:
            add(
                _("結果「%(outcome)s」の区分（集計上の意味）を選んでください。")
                % {"outcome": oname},
                outcome=okey,
            )
        if not _text_ok(outcome.get("description"), MAX_HELP, required=False):
            add(
                _("結果「%(outcome)s」の説明は%(n)s文字以内にしてください。")
                % {"outcome": oname, "n": MAX_HELP},
                outcome=okey,
            )

    questions: dict[str, Mapping[str, Any]] = {}
    for q_index, question in enumerate(raw_questions, start=1):
        if not isinstance(question, Mapping):
            add(
                _("観点「%(track)s」の%(n)s番目の質問の形式が正しくありません。")
                % {"track": tname, "n": q_index}
            )
            continue
        qname = _name(question, "text")
        qkey = question.get("key")
        if not isinstance(qkey, str) or not KEY_RE.match(qkey):
            add(
                _("質問「%(question)s」の識別子は英小文字で始まる英小文字・数字・_にしてください。")
                % {"question": qname}
            )
            continue
        if qkey in question_keys or qkey in outcome_keys:
            add(
                _("質問の識別子「%(key)s」が重複しています（質問「%(question)s」）。")
                % {"key": qkey, "question": qname},
                question=qkey,
            )
            continue
        question_keys[qkey] = tk
        questions[qkey] = question

    for question in questions.values():
        problems.extend(_validate_question(question, tk, tname, questions, outcomes))

    start = track.get("start")
    if not start:
        add(_("観点「%(track)s」の最初の質問が決まっていません。") % {"track": tname})
    elif start not in questions:
        add(
            _("観点「%(track)s」の最初の質問「%(key)s」がこの観点にありません。")
            % {"track": tname, "key": start}
        )
    else:
        problems.extend(_validate_flow(track, tk, tname, str(start), questions, outcomes))
    return problems


def _validate_question(
    question: Mapping[str, Any],
    tk: str,
    tname: str,
    questions: Mapping[str, Mapping[str, Any]],
    outcomes: Mapping[str, Mapping[str, Any]],
) -> list[Problem]:
    problems: list[Problem] = []
    qkey = str(question["key"])
    qname = _name(question, "text")

    def add(message: str, option: str = "") -> None:
        problems.append(Problem(message, track=tk, question=qkey, option=option))

    if not _text_ok(question.get("text"), MAX_TEXT, required=True):
        add(
            _("質問「%(question)s」の文を%(n)s文字以内で入力してください。")
            % {"question": qname, "n": MAX_TEXT}
        )
    if not _text_ok(question.get("help"), MAX_HELP, required=False):
        add(
            _("質問「%(question)s」の説明は%(n)s文字以内にしてください。")
            % {"question": qname, "n": MAX_HELP}
        )
    options = question.get("options")
    if not isinstance(options, list) or not options:
        add(_("質問「%(question)s」に選択肢がありません。") % {"question": qname})
        return problems
    if len(options) > MAX_OPTIONS:
        add(
            _("質問「%(question)s」の選択肢が多すぎます（%(n)s個まで）。")
            % {"question": qname, "n": MAX_OPTIONS}
        )
    if len(options) < 2:
        add(_("質問「%(question)s」には選択肢を2つ以上用意してください。") % {"question": qname})
    seen: set[str] = set()
    for o_index, option in enumerate(options, start=1):
        if not isinstance(option, Mapping):
            add(
                _("質問「%(question)s」の%(n)s番目の選択肢の形式が正しくありません。")
                % {"question": qname, "n": o_index}
            )
            continue
        okey = option.get("key")
        oname = _name(option, "label")
        if not isinstance(okey, str) or not KEY_RE.match(okey):
            add(
                _(
                    "質問「%(question)s」の選択肢「%(option)s」の識別子は英小文字で始まる英小文字・数字・_にしてください。"
                )
                % {"question": qname, "option": oname}
            )
            continue
        if okey in seen:
            add(
                _("質問「%(question)s」の選択肢の識別子「%(key)s」が重複しています。")
                % {"question": qname, "key": okey},
                okey,
            )
            continue
        seen.add(okey)
        if not _text_ok(option.get("label"), MAX_LABEL, required=True):
            add(
                _(
                    "質問「%(question)s」の%(n)s番目の選択肢の文を%(max)s文字以内で入力してください。"
                )
                % {"question": qname, "n": o_index, "max": MAX_LABEL},
                okey,
            )
        nxt, outcome = option.get("next"), option.get("outcome")
        if nxt and outcome:
            add(
                _(
                    "質問「%(question)s」の選択肢「%(option)s」に次の質問と結果の両方が指定されています。どちらか一つにしてください。"
                )
                % {"question": qname, "option": oname},
                okey,
            )
        elif not nxt and not outcome:
            add(
                _(
                    "質問「%(question)s」の選択肢「%(option)s」の行き先（次の質問または結果）がありません。"
                )
                % {"question": qname, "option": oname},
                okey,
            )
        elif nxt and nxt not in questions:
            add(
                _(
                    "質問「%(question)s」の選択肢「%(option)s」が、この観点にない質問「%(key)s」を指しています。"
                )
                % {"question": qname, "option": oname, "key": nxt},
                okey,
            )
        elif nxt == qkey:
            add(
                _("質問「%(question)s」の選択肢「%(option)s」が同じ質問を指しています。")
                % {"question": qname, "option": oname},
                okey,
            )
        elif outcome and outcome not in outcomes:
            add(
                _(
                    "質問「%(question)s」の選択肢「%(option)s」が、この観点にない結果「%(key)s」を指しています。"
                )
                % {"question": qname, "option": oname, "key": outcome},
                okey,
            )
        for flag in ("requires_note", "requires_article"):
            if not isinstance(option.get(flag, False), bool):
                add(
                    _("質問「%(question)s」の選択肢「%(option)s」の設定が正しくありません。")
                    % {"question": qname, "option": oname},
                    okey,
                )
    return problems


def _validate_flow(
    track: Mapping[str, Any],
    tk: str,
    tname: str,
    start: str,
    questions: Mapping[str, Mapping[str, Any]],
    outcomes: Mapping[str, Mapping[str, Any]],
) -> list[Problem]:
    """Cycles, and questions or outcomes no route reaches from the start."""
    problems: list[Problem] = []
    edges: dict[str, list[str]] = {
        key: [
            str(o["next"])
            for o in _options(q)
            if o.get("next") and o.get("next") in questions and not o.get("outcome")
        ]
        for key, q in questions.items()
    }
    # Depth-first search with colours: a grey node met again closes a cycle.
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(questions, white)
    stack_path: list[str] = []
    reported: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        colour[node] = grey
        stack_path.append(node)
        for child in edges[node]:
            if colour[child] == grey:
                loop = [*stack_path[stack_path.index(child) :], child]
                members = frozenset(loop)
                if members not in reported:
                    reported.add(members)
                    names = " → ".join(_name(questions[k], "text") for k in loop)
                    problems.append(
                        Problem(
                            _("質問「%(question)s」から先の流れが循環しています（%(loop)s）。")
                            % {"question": _name(questions[child], "text"), "loop": names},
                            track=tk,
                            question=child,
                        )
                    )
            elif colour[child] == white:
                visit(child)
        stack_path.pop()
        colour[node] = black

    visit(start)
    reachable_q = {k for k, c in colour.items() if c != white}
    reachable_o = {
        str(o["outcome"])
        for k in reachable_q
        for o in _options(questions[k])
        if o.get("outcome") and not o.get("next")
    }
    for key, question in questions.items():
        if key not in reachable_q:
            problems.append(
                Problem(
                    _(
                        "質問「%(question)s」には、観点「%(track)s」の最初の質問からたどり着けません。"
                    )
                    % {"question": _name(question, "text"), "track": tname},
                    track=tk,
                    question=key,
                )
            )
    for key, outcome in outcomes.items():
        if key not in reachable_o:
            problems.append(
                Problem(
                    _("結果「%(outcome)s」には、どの選択肢からもたどり着けません。")
                    % {"outcome": _name(outcome, "label")},
                    track=tk,
                    outcome=key,
                )
            )
    # A question from which no outcome can be reached (every route loops back).
    leads_out: set[str] = set()
    changed = True
    while changed:
        changed = False
        for key, question in questions.items():
            if key in leads_out:
                continue
            for o in _options(question):
                if (o.get("outcome") and o.get("outcome") in outcomes) or (
                    o.get("next") in leads_out
                ):
                    leads_out.add(key)
                    changed = True
                    break
    for key in sorted(reachable_q - leads_out, key=list(questions).index):
        problems.append(
            Problem(
                _("質問「%(question)s」からは、どの結果にもたどり着けません。")
                % {"question": _name(questions[key], "text")},
                track=tk,
                question=key,
            )
        )
    return problems

"""Forms of the criteria editor (planning unit).

`TrackEditor` edits one track (観点) of a draft as a whole: its questions with their
options, and its outcomes, in one form. Rows are numbered form fields
(``q-0-text``, ``q-0-o-1-to``, ``out-2-effect`` …); keys (identifiers) are fixed when a
row is created and never typed, so options refer to questions and outcomes by a select
that lists every row of the track. Adding a row re-renders the form with what was typed
(nothing is saved); saving builds the track, replaces it in the definition and lets
`decisions.validate_definition` judge the whole: when it finds anything, nothing is saved
and each problem is shown at the question it names.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.core.text import TextValidator
from yakuba.reviews import decisions
from yakuba.reviews.models import AppliesTo, OutcomeEffect

FACT_LABELS = {
    "seal": gettext_lazy("押印・署名を求める手続"),
    "paper": gettext_lazy("書面で受け付けている手続（オンライン化済みを除く）"),
    "in_person": gettext_lazy("来庁が必要な手続"),
    "attachments": gettext_lazy("添付書類がある手続"),
}

MAX_ROWS = 60  # question, option or outcome rows one form may carry


def effect_choices(applies_to: str) -> list[tuple[str, str]]:
    """The effects that make sense for the set (meeting effects for meetings …)."""
    meeting = applies_to == AppliesTo.MEETING
    chosen = [
        (value, str(label))
        for value, label in OutcomeEffect.choices
        if value in ("kept", "kept_by_law") or value.startswith("meeting_") == meeting
    ]
    return chosen


def fresh_key(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    key = f"{prefix}{n}"
    taken.add(key)
    return key


def definition_keys(definition: Any) -> set[str]:
    """Every track, question and outcome key of a definition."""
    keys: set[str] = set()
    for track in decisions.tracks_of(definition):
        keys.add(str(track.get("key", "")))
        for q in track.get("questions") or []:
            if isinstance(q, Mapping):
                keys.add(str(q.get("key", "")))
        for o in track.get("outcomes") or []:
            if isinstance(o, Mapping):
                keys.add(str(o.get("key", "")))
    return keys


# --- the track editor ------------------------------------------------------------------------


@dataclass
class OptionRow:
    index: int
    key: str
    label: str = ""
    to: str = ""  # "q:<key>" | "o:<key>" | ""
    requires_note: bool = False
    requires_article: bool = False
    order: int = 0
    delete: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not self.label.strip() and not self.to


@dataclass
class QuestionRow:
    index: int
    key: str
    text: str = ""
    help: str = ""
    order: int = 0
    delete: bool = False
    is_new: bool = False
    options: list[OptionRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return (
            not self.text.strip() and not self.help.strip() and all(o.blank for o in self.options)
        )

    @property
    def prefix(self) -> str:
        return f"q-{self.index}"


@dataclass
class OutcomeRow:
    index: int
    key: str
    label: str = ""
    effect: str = ""
    description: str = ""
    order: int = 0
    delete: bool = False
    is_new: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not self.label.strip() and not self.description.strip()

    @property
    def prefix(self) -> str:
        return f"out-{self.index}"


def _int(value: Any, default: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return max(-9999, min(9999, number))


def _count(data: QueryDict, name: str) -> int:
    return max(0, min(MAX_ROWS, _int(data.get(name), 0)))


class TrackEditor:
    """One track of a draft definition, as rows a form edits."""

    def __init__(self, definition: Mapping[str, Any], track_key: str, applies_to: str) -> None:
        self.definition = definition
        self.track_key = track_key
        self.applies_to = applies_to
        self.track: Mapping[str, Any] = next(
            (t for t in decisions.tracks_of(definition) if t.get("key") == track_key), {}
        )
        self.label = str(self.track.get("label", ""))
        self.applies_if = str(self.track.get("applies_if") or "")
        self.start = str(self.track.get("start") or "")
        self.questions: list[QuestionRow] = []
        self.outcomes: list[OutcomeRow] = []
        self.problems: list[str] = []  # problems not tied to a row
        # Every problem for the summary: (message, anchor of its row on the page or "").
        self.all_problems: list[tuple[str, str]] = []
        self._taken = definition_keys(definition)

    @property
    def found(self) -> bool:
        return bool(self.track)

    # building -------------------------------------------------------------------------------

    @classmethod
    def from_definition(
        cls, definition: Mapping[str, Any], track_key: str, applies_to: str
    ) -> TrackEditor:
        editor = cls(definition, track_key, applies_to)
        for qi, q in enumerate(editor.track.get("questions") or []):
            row = QuestionRow(
                index=qi,
                key=str(q.get("key", "")),
                text=str(q.get("text") or ""),
                help=str(q.get("help") or ""),
                order=(qi + 1) * 10,
            )
            for oi, o in enumerate(q.get("options") or []):
                to = f"q:{o['next']}" if o.get("next") else ""
                to = f"o:{o['outcome']}" if o.get("outcome") else to
                row.options.append(
                    OptionRow(
                        index=oi,
                        key=str(o.get("key", "")),
                        label=str(o.get("label") or ""),
                        to=to,
                        requires_note=bool(o.get("requires_note")),
                        requires_article=bool(o.get("requires_article")),
                        order=(oi + 1) * 10,
                    )
                )
            editor.questions.append(row)
        for oi, o in enumerate(editor.track.get("outcomes") or []):
            editor.outcomes.append(
                OutcomeRow(
                    index=oi,
                    key=str(o.get("key", "")),
                    label=str(o.get("label") or ""),
                    effect=str(o.get("effect") or ""),
                    description=str(o.get("description") or ""),
                    order=(oi + 1) * 10,
                )
            )
        return editor

    @classmethod
    def from_post(
        cls, definition: Mapping[str, Any], track_key: str, applies_to: str, data: QueryDict
    ) -> TrackEditor:
        editor = cls(definition, track_key, applies_to)
        editor.label = data.get("label", "")
        editor.applies_if = data.get("applies_if", "")
        editor.start = data.get("start", "")
        for qi in range(_count(data, "q-count")):
            p = f"q-{qi}"
            row = QuestionRow(
                index=qi,
                key=data.get(f"{p}-key", ""),
                text=data.get(f"{p}-text", ""),
                help=data.get(f"{p}-help", ""),
                order=_int(data.get(f"{p}-order"), (qi + 1) * 10),
                delete=bool(data.get(f"{p}-delete")),
                is_new=bool(data.get(f"{p}-new")),
            )
            for oi in range(_count(data, f"{p}-o-count")):
                op = f"{p}-o-{oi}"
                row.options.append(
                    OptionRow(
                        index=oi,
                        key=data.get(f"{op}-key", ""),
                        label=data.get(f"{op}-label", ""),
                        to=data.get(f"{op}-to", ""),
                        requires_note=bool(data.get(f"{op}-note")),
                        requires_article=bool(data.get(f"{op}-article")),
                        order=_int(data.get(f"{op}-order"), (oi + 1) * 10),
                        delete=bool(data.get(f"{op}-delete")),
                    )
                )
            editor.questions.append(row)
        for oi in range(_count(data, "out-count")):
            p = f"out-{oi}"
            editor.outcomes.append(
                OutcomeRow(
                    index=oi,
                    key=data.get(f"{p}-key", ""),
                    label=data.get(f"{p}-label", ""),
                    effect=data.get(f"{p}-effect", ""),
                    description=data.get(f"{p}-description", ""),
                    order=_int(data.get(f"{p}-order"), (oi + 1) * 10),
                    delete=bool(data.get(f"{p}-delete")),
                    is_new=bool(data.get(f"{p}-new")),
                )
            )
        editor._taken |= {q.key for q in editor.questions} | {o.key for o in editor.outcomes}
        return editor

    # adding rows (re-rendered, nothing saved) -------------------------------------------------

    def _option_key(self, question: QuestionRow) -> str:
        return fresh_key("opt", {o.key for o in question.options})

    def add_question(self) -> None:
        if len(self.questions) >= MAX_ROWS:
            return
        row = QuestionRow(
            index=len(self.questions),
            key=fresh_key("q", self._taken),
            order=(max((q.order for q in self.questions), default=0) // 10 + 1) * 10,
            is_new=True,
        )
        for _n in range(2):
            row.options.append(
                OptionRow(
                    index=len(row.options),
                    key=self._option_key(row),
                    order=(len(row.options) + 1) * 10,
                )
            )
        self.questions.append(row)

    def add_option(self, question_index: int) -> None:
        for row in self.questions:
            if row.index == question_index and len(row.options) < decisions.MAX_OPTIONS:
                row.options.append(
                    OptionRow(
                        index=len(row.options),
                        key=self._option_key(row),
                        order=(max((o.order for o in row.options), default=0) // 10 + 1) * 10,
                    )
                )

    def add_outcome(self) -> None:
        if len(self.outcomes) >= MAX_ROWS:
            return
        self.outcomes.append(
            OutcomeRow(
                index=len(self.outcomes),
                key=fresh_key("r", self._taken),
                order=(max((o.order for o in self.outcomes), default=0) // 10 + 1) * 10,
                is_new=True,
            )
        )

    # what the selects offer ---------------------------------------------------------------------

    def destinations(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Grouped choices for an option's destination: questions, then outcomes."""
        questions = [
            (f"q:{q.key}", q.text.strip() or _("新しい質問（%(key)s）") % {"key": q.key})
            for q in self.questions
            if not q.delete
        ]
        outcomes = [
            (f"o:{o.key}", o.label.strip() or _("新しい結果（%(key)s）") % {"key": o.key})
            for o in self.outcomes
            if not o.delete
        ]
        return [(_("次の質問"), questions), (_("結果"), outcomes)]

    def start_choices(self) -> list[tuple[str, str]]:
        return [
            (q.key, q.text.strip() or _("新しい質問（%(key)s）") % {"key": q.key})
            for q in self.questions
            if not q.delete
        ]

    def effect_choices(self) -> list[tuple[str, str]]:
        return effect_choices(self.applies_to)

    def fact_choices(self) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in FACT_LABELS.items()]

    # saving -----------------------------------------------------------------------------------

    def build_track(self) -> dict[str, Any]:
        """The track as the definition stores it: deleted and untouched blank new rows left
        out, rows in the order given (ties: as listed)."""
        questions = []
        for q in sorted(self.questions, key=lambda r: (r.order, r.index)):
            if q.delete or (q.is_new and q.blank):
                continue
            options = []
            for o in sorted(q.options, key=lambda r: (r.order, r.index)):
                if o.delete or o.blank:
                    continue
                kind, _sep, target = o.to.partition(":")
                options.append(
                    {
                        "key": o.key,
                        "label": o.label.strip(),
                        "next": target if kind == "q" and target else None,
                        "outcome": target if kind == "o" and target else None,
                        "requires_note": o.requires_note,
                        "requires_article": o.requires_article,
                    }
                )
            questions.append(
                {"key": q.key, "text": q.text.strip(), "help": q.help.strip(), "options": options}
            )
        outcomes = [
            {
                "key": o.key,
                "label": o.label.strip(),
                "effect": o.effect,
                "description": o.description.strip(),
            }
            for o in sorted(self.outcomes, key=lambda r: (r.order, r.index))
            if not o.delete and not (o.is_new and o.blank)
        ]
        track: dict[str, Any] = {
            "key": self.track_key,
            "label": self.label.strip(),
            "start": self.start,
            "questions": questions,
            "outcomes": outcomes,
        }
        if self.applies_to == AppliesTo.PROCEDURE and self.applies_if:
            track["applies_if"] = self.applies_if
        return track

    def new_definition(self) -> dict[str, Any]:
        definition = copy.deepcopy(dict(self.definition))
        definition["tracks"] = [
            self.build_track() if t.get("key") == self.track_key else t
            for t in decisions.tracks_of(definition)
        ]
        return definition

    def attach(self, problems: Iterable[decisions.Problem]) -> None:
        """Show each problem at the row it names (and all of them in the summary)."""
        questions = {q.key: q for q in self.questions}
        outcomes = {o.key: o for o in self.outcomes}
        for problem in problems:
            ours = not problem.track or problem.track == self.track_key
            question = questions.get(problem.question) if ours else None
            outcome = outcomes.get(problem.outcome) if ours else None
            anchor = f"q-{question.key}" if question else f"out-{outcome.key}" if outcome else ""
            self.all_problems.append((problem.message, anchor))
            if not ours:
                continue  # another track's problem: only in the summary
            if question is not None and problem.option:
                option = next((o for o in question.options if o.key == problem.option), None)
                (option.problems if option else question.problems).append(problem.message)
            elif question is not None:
                question.problems.append(problem.message)
            elif outcome is not None:
                outcome.problems.append(problem.message)
            else:
                self.problems.append(problem.message)


# --- plain forms -----------------------------------------------------------------------------


class SetForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("基準名"), max_length=200, validators=[TextValidator(200)]
    )
    description = forms.CharField(
        label=gettext_lazy("説明"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[TextValidator(4000, multiline=True)],
    )


class NewTrackForm(forms.Form):
    """A new track: its name and a first question whose two options each lead to an
    outcome — the smallest valid track, then grown in the track editor."""

    label = forms.CharField(
        label=gettext_lazy("観点名"),
        max_length=100,
        validators=[TextValidator(100)],
        help_text=gettext_lazy("例：押印、書面、対面、添付書類、必要性"),
    )
    key = forms.RegexField(
        label=gettext_lazy("識別子"),
        regex=decisions.KEY_RE,
        max_length=50,
        help_text=gettext_lazy("英小文字で始まる英小文字・数字・_。例：seal、paper"),
        error_messages={
            "invalid": gettext_lazy(
                "英小文字で始まる英小文字・数字・_（50文字まで）にしてください。"
            )
        },
    )
    applies_if = forms.ChoiceField(
        label=gettext_lazy("対象とする手続"),
        required=False,
        help_text=gettext_lazy("該当しない手続では、この観点の質問は表示されません。"),
    )
    question = forms.CharField(
        label=gettext_lazy("最初の質問"),
        max_length=decisions.MAX_TEXT,
        validators=[TextValidator(decisions.MAX_TEXT)],
    )
    option_1 = forms.CharField(
        label=gettext_lazy("選択肢1の文"), max_length=200, initial=gettext_lazy("はい")
    )
    outcome_1 = forms.CharField(label=gettext_lazy("選択肢1の結果"), max_length=200)
    effect_1 = forms.ChoiceField(label=gettext_lazy("選択肢1の結果の区分"))
    option_2 = forms.CharField(
        label=gettext_lazy("選択肢2の文"), max_length=200, initial=gettext_lazy("いいえ")
    )
    outcome_2 = forms.CharField(label=gettext_lazy("選択肢2の結果"), max_length=200)
    effect_2 = forms.ChoiceField(label=gettext_lazy("選択肢2の結果の区分"))

    def __init__(self, *args: Any, applies_to: str, taken: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applies_to = applies_to
        self.taken = taken
        effects = [("", "---------"), *effect_choices(applies_to)]
        cast(forms.ChoiceField, self.fields["effect_1"]).choices = effects
        cast(forms.ChoiceField, self.fields["effect_2"]).choices = effects
        if applies_to == AppliesTo.PROCEDURE:
            cast(forms.ChoiceField, self.fields["applies_if"]).choices = [
                ("", _("すべての手続")),
                *[(k, str(v)) for k, v in FACT_LABELS.items()],
            ]
        else:
            del self.fields["applies_if"]

    def clean_key(self) -> str:
        key: str = self.cleaned_data["key"]
        if key in self.taken:
            raise forms.ValidationError(_("この識別子は既に使われています。"))
        return key

    def track(self) -> dict[str, Any]:
        data = self.cleaned_data
        key = data["key"]
        taken = set(self.taken) | {key}
        question = fresh_key(f"{key}_q", taken)
        first = fresh_key(f"{key}_r", taken)
        second = fresh_key(f"{key}_r", taken)
        track: dict[str, Any] = {
            "key": key,
            "label": data["label"].strip(),
            "start": question,
            "questions": [
                {
                    "key": question,
                    "text": data["question"].strip(),
                    "help": "",
                    "options": [
                        {"key": "opt1", "label": data["option_1"].strip(), "outcome": first},
                        {"key": "opt2", "label": data["option_2"].strip(), "outcome": second},
                    ],
                }
            ],
            "outcomes": [
                {"key": first, "label": data["outcome_1"].strip(), "effect": data["effect_1"]},
                {"key": second, "label": data["outcome_2"].strip(), "effect": data["effect_2"]},
            ],
        }
        if data.get("applies_if"):
            track["applies_if"] = data["applies_if"]
        return track


class NewSetForm(NewTrackForm):
    """A new criteria set: its name, what it applies to and its first track."""

    set_name = forms.CharField(
        label=gettext_lazy("基準名"), max_length=200, validators=[TextValidator(200)]
    )
    slug = forms.RegexField(
        label=gettext_lazy("基準の識別子"),
        regex=r"^[a-z][a-z0-9_-]{0,49}$",
        max_length=50,
        help_text=gettext_lazy("英小文字で始まる英小文字・数字・-・_。例：procedures-2022"),
        error_messages={
            "invalid": gettext_lazy(
                "英小文字で始まる英小文字・数字・-・_（50文字まで）にしてください。"
            )
        },
    )
    description = forms.CharField(
        label=gettext_lazy("説明"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[TextValidator(4000, multiline=True)],
    )

    field_order = ["set_name", "slug", "description"]


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label=gettext_lazy("変更内容"),
        max_length=500,
        required=False,
        validators=[TextValidator(500)],
        help_text=gettext_lazy("この版で何を変えたか（版の一覧と監査記録に残ります）"),
    )

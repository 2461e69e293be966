"""A criteria definition as a readable flow: numbered questions, each option with where
it leads (next question or outcome), and the outcomes with their effect and how many
routes reach them. Used by the criteria pages (template ``reviews/partials/flow.html``)
and by anyone showing the criteria next to the answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yakuba.reviews import decisions
from yakuba.reviews.criteria_forms import FACT_LABELS
from yakuba.reviews.models import OutcomeEffect


@dataclass
class FlowOption:
    key: str
    label: str
    next_number: int | None
    next_key: str
    next_text: str
    outcome_label: str
    outcome_effect: str
    blocked_by_law: bool
    requires_note: bool
    requires_article: bool


@dataclass
class FlowQuestion:
    number: int
    key: str
    text: str
    help: str
    is_start: bool
    options: list[FlowOption] = field(default_factory=list)


@dataclass
class FlowOutcome:
    key: str
    label: str
    effect: str
    effect_label: str
    description: str
    routes: int
    blocked_by_law: bool


@dataclass
class FlowTrack:
    key: str
    label: str
    applies_if_label: str
    questions: list[FlowQuestion]
    outcomes: list[FlowOutcome]
    routes: int

    @property
    def summary(self) -> str:
        """（4 問・16 通りの経路） — how big the track is, for the table of contents."""
        questions = ngettext("%(n)s 問", "%(n)s 問", len(self.questions)) % {
            "n": len(self.questions)
        }
        routes = ngettext("%(n)s 通りの経路", "%(n)s 通りの経路", self.routes) % {"n": self.routes}
        return _("（%(questions)s・%(routes)s）") % {"questions": questions, "routes": routes}


def effect_label(value: str) -> str:
    return str(OutcomeEffect(value).label) if value in OutcomeEffect.values else value


def describe(definition: Any) -> list[FlowTrack]:
    tracks: list[FlowTrack] = []
    for track in decisions.tracks_of(definition):
        raw_questions = [q for q in track.get("questions") or [] if isinstance(q, Mapping)]
        raw_outcomes = {
            o.get("key"): o for o in track.get("outcomes") or [] if isinstance(o, Mapping)
        }
        numbers = {q.get("key"): n for n, q in enumerate(raw_questions, start=1)}
        texts = {q.get("key"): str(q.get("text") or "") for q in raw_questions}
        routes = list(decisions.paths(definition, str(track.get("key"))))
        reached = Counter(r.outcome for r in routes)
        questions = []
        for n, q in enumerate(raw_questions, start=1):
            options = []
            for o in q.get("options") or []:
                if not isinstance(o, Mapping):
                    continue
                outcome = raw_outcomes.get(o.get("outcome")) or {}
                effect = str(outcome.get("effect") or "")
                options.append(
                    FlowOption(
                        key=str(o.get("key")),
                        label=str(o.get("label") or ""),
                        next_number=numbers.get(o.get("next")),
                        next_key=str(o.get("next") or ""),
                        next_text=texts.get(o.get("next"), ""),
                        outcome_label=str(outcome.get("label") or ""),
                        outcome_effect=effect_label(effect) if effect else "",
                        blocked_by_law=effect == decisions.KEPT_BY_LAW,
                        requires_note=bool(o.get("requires_note")),
                        requires_article=bool(o.get("requires_article")),
                    )
                )
            questions.append(
                FlowQuestion(
                    number=n,
                    key=str(q.get("key")),
                    text=texts[q.get("key")],
                    help=str(q.get("help") or ""),
                    is_start=q.get("key") == track.get("start"),
                    options=options,
                )
            )
        outcomes = [
            FlowOutcome(
                key=str(key),
                label=str(o.get("label") or ""),
                effect=str(o.get("effect") or ""),
                effect_label=effect_label(str(o.get("effect") or "")),
                description=str(o.get("description") or ""),
                routes=reached.get(str(key), 0),
                blocked_by_law=o.get("effect") == decisions.KEPT_BY_LAW,
            )
            for key, o in raw_outcomes.items()
        ]
        condition = str(track.get("applies_if") or "")
        tracks.append(
            FlowTrack(
                key=str(track.get("key")),
                label=str(track.get("label") or ""),
                applies_if_label=str(FACT_LABELS.get(condition, "")) if condition else "",
                questions=questions,
                outcomes=outcomes,
                routes=len(routes),
            )
        )
    return tracks

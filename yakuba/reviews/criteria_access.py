"""Read-only views of a criteria version's definition for the review workflow: its tracks,
questions, options and outcomes as small objects, which tracks apply to an item, and the
proposed outcome of each track (`derive`, through `yakuba.reviews.decisions`).

The definition's shape is `yakuba.reviews.decisions`'; this module only reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from yakuba.reviews import decisions


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    next: str
    outcome: str
    requires_note: bool
    requires_article: bool


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str
    options: tuple[Option, ...]

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    effect: str
    description: str

    @property
    def blocked_by_law(self) -> bool:
        return self.effect == decisions.KEPT_BY_LAW


@dataclass(frozen=True)
class Track:
    key: str
    label: str
    applies_if: str
    questions: tuple[Question, ...]
    outcomes: tuple[Outcome, ...]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def outcome(self, key: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.key == key), None)


def _s(raw: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = raw.get(name)
        if value:
            return str(value)
    return ""


class Definition:
    """The tracks of a criteria version's definition, in order."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.tracks: tuple[Track, ...] = tuple(self._track(t) for t in raw.get("tracks", ()))

    @staticmethod
    def _track(raw: Mapping[str, Any]) -> Track:
        return Track(
            key=_s(raw, "key"),
            label=_s(raw, "label", "name"),
            applies_if=_s(raw, "applies_if"),
            questions=tuple(
                Question(
                    key=_s(q, "key"),
                    text=_s(q, "text", "label"),
                    help=_s(q, "help"),
                    options=tuple(
                        Option(
                            key=_s(o, "key"),
                            label=_s(o, "label", "text"),
                            next=_s(o, "next"),
                            outcome=_s(o, "outcome"),
                            requires_note=bool(o.get("requires_note")),
                            requires_article=bool(o.get("requires_article")),
                        )
                        for o in q.get("options", ())
                    ),
                )
                for q in raw.get("questions", ())
            ),
            outcomes=tuple(
                Outcome(
                    key=_s(o, "key"),
                    label=_s(o, "label"),
                    effect=_s(o, "effect"),
                    description=_s(o, "description"),
                )
                for o in raw.get("outcomes", ())
            ),
        )

    def track(self, key: str) -> Track | None:
        return next((t for t in self.tracks if t.key == key), None)


def item_facts(review: Any) -> dict[str, bool]:
    item = review.procedure if review.procedure_id else review.meeting_series
    return dict(item.facts()) if item is not None else {}


def applicable_tracks(review: Any, definition: Definition) -> list[Track]:
    """The tracks that apply to the review's item (a track with ``applies_if`` applies
    only when the item has that fact, e.g. the seal track to forms asking for a seal)."""
    facts = item_facts(review)
    return [t for t in definition.tracks if not t.applies_if or facts.get(t.applies_if, False)]


def derive(review: Any, answers: Mapping[str, Any]) -> dict[str, decisions.TrackResult]:
    """The engine's result for each applicable track of the review (answers as stored)."""
    results = decisions.evaluate(
        review.criteria_version.definition, answers, facts=item_facts(review)
    )
    return {k: r for k, r in results.items() if r.status != decisions.NOT_APPLICABLE}


def answers_reaching(
    definition: Mapping[str, Any],
    outcomes: Mapping[str, str],
    *,
    note: str = "",
    article: str = "",
) -> dict[str, dict[str, dict[str, str]]]:
    """Stored answers that lead each track of ``outcomes`` ({track: outcome key}) to that
    outcome — the first route the engine lists — with ``note`` and ``article`` where the
    options chosen demand them (the demo and the tests answer with this)."""
    answers: dict[str, dict[str, dict[str, str]]] = {}
    parsed = Definition(definition)
    for track_key, outcome in outcomes.items():
        track = parsed.track(track_key)
        route = next(
            (r for r in decisions.paths(definition, track_key) if r.outcome == outcome), None
        )
        if track is None or route is None:
            continue
        answers[track_key] = {}
        for question_key, option_key in route.choices:
            question = track.question(question_key)
            option = question.option(option_key) if question else None
            answers[track_key][question_key] = {
                "option": option_key,
                "note": note if option is not None and option.requires_note else "",
                "article": article if option is not None and option.requires_article else "",
            }
    return answers

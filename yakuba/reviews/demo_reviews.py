"""The demo city's review (`seed_reviews_demo`): criteria published, the inventory loaded,
one round opened, about half of it reviewed.

As the planning unit (demo-planning): install and publish the default criteria, load the
~400 procedures (`demo_inventory.seed_procedures`) and the recurring meetings of the
meetings demo (`series.refresh_meeting_series`), set the starting assumptions and open a
round over every active procedure and meeting series. Then a realistic mix: about half of
the items decided (some already implemented), some waiting for approval, some being
answered, the rest not started — seals mostly abolished, those required by national law
kept (the list for requests to the government), paper moved online or simplified, visits
and attachments dropped where the office can do without them.

The walkable story: the items demo-staff answers (住民記録係 and 市民課 above it; demo-head,
the head of 市民課, approves) are not started, but two answered by demo-staff that wait for
demo-head's approval (who has a notice). The
costliest meeting series is proposed for merging (waiting for approval, its cost shown);
a report-only one is decided for abolition.

Outside 市民課 the answers are written as the demo load (no person answered them: the
demo has no accounts in those units); one audit entry records the load with its counts.
Deterministic: the same seed and day give the same result.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.demo import accounts
from yakuba.reviews import criteria, criteria_access, scoping, workflow
from yakuba.reviews.models import (
    AppliesTo,
    CriteriaSet,
    CriteriaVersion,
    LegalBasisKind,
    MeetingSeries,
    Procedure,
    Review,
    ReviewRound,
    ReviewStatus,
    VersionStatus,
)

ROUND_NAME = "令和8年度 押印・書面・対面・定例会議の見直し"
# Weights of each track's outcome by effect (procedures under the city's own authority).
MIX: dict[str, dict[str, float]] = {
    "seal": {"seal_abolished": 0.88, "seal_substituted": 0.08, "kept": 0.04},
    "paper": {"online": 0.55, "paper_simplified": 0.25, "kept": 0.20},
    "visit": {"no_visit": 0.5, "by_appointment": 0.2, "kept": 0.3},
    "attachments": {"attachment_omitted": 0.6, "kept": 0.4},
}
NOTE = "課内で検討し、全庁の方針に沿って判断しました。"


def existing() -> bool:
    return ReviewRound.objects.exists()


def _published(actor: User) -> dict[str, CriteriaVersion]:
    for draft in criteria.install_default_criteria(actor=actor):
        criteria.publish(actor=actor, version=draft)
    found: dict[str, CriteriaVersion] = {}
    for criteria_set in CriteriaSet.objects.order_by("pk"):
        version: CriteriaVersion | None = criteria_set.versions.filter(
            status=VersionStatus.PUBLISHED
        ).first()
        if version is None:
            pending = criteria_set.versions.filter(status=VersionStatus.DRAFT).first()
            if pending is None:
                continue
            version = criteria.publish(actor=actor, version=pending)
        found.setdefault(criteria_set.applies_to, version)
    return found


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    roll, total = rng.random(), 0.0
    for key, weight in weights.items():
        total += weight
        if roll < total:
            return key
    return next(iter(weights))


def _outcome_with(track: criteria_access.Track, effect: str) -> str:
    return next((o.key for o in track.outcomes if o.effect == effect), "")


def procedure_outcomes(
    review: Review, definition: criteria_access.Definition, rng: random.Random
) -> dict[str, str]:
    """A realistic outcome for each applicable track of a procedure's review."""
    proc = review.procedure
    assert proc is not None
    chosen: dict[str, str] = {}
    for track in criteria_access.applicable_tracks(review, definition):
        # Under national law, about half of the seals are the law's own requirement
        # (実印・戸籍など); the rest are the form's habit and go like the others.
        if (
            track.key == "seal"
            and proc.legal_basis_kind == LegalBasisKind.NATIONAL
            and rng.random() < 0.5
        ):
            key = _outcome_with(track, "kept_by_law") or _outcome_with(track, "kept")
        else:
            key = _outcome_with(track, _pick(rng, MIX.get(track.key, {"kept": 1.0})))
        chosen[track.key] = key or (track.outcomes[-1].key if track.outcomes else "")
    return {k: v for k, v in chosen.items() if v}


def _answer(review: Review, outcomes: dict[str, str], article: str) -> None:
    """Answers reaching ``outcomes``, stored with their tracks (the demo load)."""
    definition = review.criteria_version.definition
    answers = criteria_access.answers_reaching(
        definition, outcomes, note=NOTE, article=article or "（根拠法令の条項を確認中）"
    )
    review.answers = answers
    review.note = ""
    review.save(update_fields=["answers", "note"])
    workflow._rewrite_tracks(review, answers)


def _series_outcomes(definition: Any, wanted: str) -> dict[str, str]:
    """Meeting tracks: ``wanted`` on the necessity track (effect), the others as found."""
    parsed = criteria_access.Definition(definition)
    chosen: dict[str, str] = {}
    for track in parsed.tracks:
        key = _outcome_with(track, wanted) or _outcome_with(track, "kept")
        if wanted in ("meeting_merged",) and track.key != "necessity":
            key = (
                _outcome_with(track, "meeting_online")
                if track.key == "method"
                else _outcome_with(track, "meeting_shortened")
                if track.key == "time"
                else _outcome_with(track, "kept")
            ) or key
        if key:
            chosen[track.key] = key
    return chosen


def seed_reviews_demo(seed: int = 17, today: dt.date | None = None) -> dict[str, Any]:
    """Load the demo review (see the module's docstring); returns what was done."""
    from yakuba.reviews import demo_inventory, series

    today = today or timezone.localdate()
    planner = User.objects.get(username=accounts.PLANNING)
    staff = User.objects.get(username=accounts.STAFF)
    rng = random.Random(seed)
    with transaction.atomic():
        versions = _published(planner)
        if not Procedure.objects.exists():
            demo_inventory.seed_procedures(seed)
        if not MeetingSeries.objects.exists():
            series.refresh_meeting_series(actor=planner)
        workflow.install_default_assumptions(actor=planner)
        review_round = workflow.open_round(
            actor=planner,
            data=workflow.RoundInput(
                name=ROUND_NAME,
                due_on=today + dt.timedelta(days=45),
                criteria_versions=[
                    versions[k] for k in (AppliesTo.PROCEDURE, AppliesTo.MEETING) if k in versions
                ],
                include_procedures=True,
                include_meetings=AppliesTo.MEETING in versions
                and MeetingSeries.objects.filter(active=True).exists(),
                description="押印・書面・対面（来庁）・添付書類と定例会議を、全庁の基準で見直します。",
            ),
        )
        reviews = list(
            Review.objects.filter(round=review_round)
            .select_related("procedure", "meeting_series", "unit", "criteria_version")
            .order_by("pk")
        )
        counts: Counter[str] = Counter()
        # The story's items: those demo-staff answers (住民記録係 and 市民課 above it).
        mine = set(
            scoping.answerable_reviews(staff)
            .filter(round=review_round)
            .values_list("pk", flat=True)
        )
        story = [r for r in reviews if r.procedure_id and r.pk in mine]
        others = [r for r in reviews if r.procedure_id and r.pk not in mine]
        definitions: dict[int, criteria_access.Definition] = {}
        now = timezone.now()
        for review in others:
            definition = definitions.setdefault(
                review.criteria_version_id,
                criteria_access.Definition(review.criteria_version.definition),
            )
            roll = rng.random()
            outcomes = procedure_outcomes(review, definition, rng)
            article = review.procedure.legal_basis if review.procedure else ""
            if roll < 0.50:
                _answer(review, outcomes, article)
                implemented = rng.random() < 0.4
                decided_at = now - dt.timedelta(days=rng.randint(1, 20))
                Review.objects.filter(pk=review.pk).update(
                    status=ReviewStatus.IMPLEMENTED if implemented else ReviewStatus.DECIDED,
                    submitted_at=decided_at - dt.timedelta(days=2),
                    decided_at=decided_at,
                    implemented_on=today if implemented else None,
                )
                workflow._suggest_tasks(None, review)
                counts["implemented" if implemented else "decided"] += 1
            elif roll < 0.58:
                _answer(review, outcomes, article)
                Review.objects.filter(pk=review.pk).update(
                    status=ReviewStatus.SUBMITTED, submitted_at=now - dt.timedelta(days=1)
                )
                counts["submitted"] += 1
            elif roll < 0.68:
                first = next(iter(outcomes.items()), None)
                if first is not None:
                    _answer(review, dict([first]), article)
                    Review.objects.filter(pk=review.pk).update(status=ReviewStatus.ANSWERING)
                    counts["answering"] += 1
            else:
                counts["not_started"] += 1
        # 市民課: demo-staff answers two and asks demo-head; the others wait for the walk.
        for review in story[:2]:
            definition = criteria_access.Definition(review.criteria_version.definition)
            stored = criteria_access.answers_reaching(
                review.criteria_version.definition,
                procedure_outcomes(review, definition, rng),
                note=NOTE,
                article=review.procedure.legal_basis if review.procedure else "",
            )
            answers = {
                t: {q: workflow.AnswerInput(**a) for q, a in qs.items()} for t, qs in stored.items()
            }
            workflow.save_answers(actor=staff, review=review, answers=answers)
            workflow.submit(actor=staff, review=review)
            counts["submitted"] += 1
        counts["not_started"] += max(0, len(story) - 2)
        counts |= _meetings(reviews)
        record(
            AuditAction.CREATE,
            actor=planner,
            object_type="reviews.demo",
            object_repr="seed_reviews_demo",
            changes={"round": review_round.pk, **dict(counts)},
        )
    return {"round": review_round, **dict(counts)}


def _meetings(reviews: list[Review]) -> Counter[str]:
    """The costliest series proposed for merging (waiting for approval), a report-only
    one (fewest attend) decided for abolition; the rest not started."""
    counts: Counter[str] = Counter()
    meeting_reviews = [r for r in reviews if r.meeting_series_id]
    if not meeting_reviews:
        return counts
    by_cost = sorted(
        meeting_reviews,
        key=lambda r: (-(r.meeting_series.cost_per_year_yen or 0), r.pk),  # type: ignore[union-attr]
    )
    merge = by_cost[0]
    rest = by_cost[1:]
    abolish = min(
        rest,
        key=lambda r: (float(r.meeting_series.attendance_rate or 1), r.pk),  # type: ignore[union-attr]
        default=None,
    )
    now = timezone.now()
    _answer(merge, _series_outcomes(merge.criteria_version.definition, "meeting_merged"), "")
    Review.objects.filter(pk=merge.pk).update(
        status=ReviewStatus.SUBMITTED, submitted_at=now - dt.timedelta(hours=3)
    )
    counts["meetings_submitted"] += 1
    if abolish is not None:
        _answer(
            abolish, _series_outcomes(abolish.criteria_version.definition, "meeting_abolished"), ""
        )
        Review.objects.filter(pk=abolish.pk).update(
            status=ReviewStatus.DECIDED,
            submitted_at=now - dt.timedelta(days=3),
            decided_at=now - dt.timedelta(days=1),
        )
        workflow._suggest_tasks(None, abolish)
        counts["meetings_decided"] += 1
    return counts

"""Objects for the review workflow tests, the dashboard tests and the authorization matrix:
the default criteria published, procedures and meeting series of given units, a round,
and answers that reach a chosen outcome (found through `decisions.paths`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yakuba.reviews import criteria, criteria_access, defaults, workflow
from yakuba.reviews.models import (
    CriteriaSet,
    CriteriaVersion,
    MeetingSeries,
    Procedure,
    Review,
    ReviewRound,
    VersionStatus,
    department_of,
)


def planner(username: str = "review-planner") -> Any:
    from yakuba.accounts.models import User

    user = User.objects.filter(username=username).first()
    return user or User.objects.create_user(username, password=None, role="planning")


def user_in(unit: Any, role: str, username: str) -> Any:
    """An account of ``role`` whose staff record is in ``unit``."""
    from yakuba.accounts.models import User
    from yakuba.org.models import Staff

    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User.objects.create_user(username, password=None, role=role)
    Staff.objects.create(
        staff_number=f"R{User.objects.count():05d}",
        name=f"見直し {username}",
        name_kana="ミナオシ",
        unit=unit,
        user=user,
    )
    return user


def published_criteria() -> tuple[CriteriaVersion, CriteriaVersion]:
    """The default procedure and meeting criteria, published (once)."""
    actor = planner()
    if not CriteriaSet.objects.filter(slug=defaults.PROCEDURE_SET_SLUG).exists():
        for version in criteria.install_default_criteria(actor=actor):
            criteria.publish(actor=actor, version=version)
    proc = CriteriaVersion.objects.get(
        criteria_set__slug=defaults.PROCEDURE_SET_SLUG, status=VersionStatus.PUBLISHED
    )
    meet = CriteriaVersion.objects.get(
        criteria_set__slug=defaults.MEETING_SET_SLUG, status=VersionStatus.PUBLISHED
    )
    return proc, meet


_COUNTER = {"n": 0}


def make_procedure(unit: Any, name: str = "住民票の写しの交付申請", **fields: Any) -> Procedure:
    _COUNTER["n"] += 1
    values: dict[str, Any] = {
        "procedure_id": f"P{Procedure.objects.count() + 1:05d}-{_COUNTER['n']}",
        "unit": unit,
        "department": department_of(unit),
        "name": name,
        "form_name": f"{name}書",
        "legal_basis": "",
        "annual_count": 100,
        "seal": "seal",
        "paper": True,
        "in_person": True,
        "attachments": "本人確認書類の写し",
    }
    values.update(fields)
    return Procedure.objects.create(**values)


def make_series(
    unit: Any, organiser: Any, title: str = "課内定例会議", **fields: Any
) -> MeetingSeries:
    values: dict[str, Any] = {
        "key": f"{title}:{organiser.pk}:{MeetingSeries.objects.count()}",
        "title": title,
        "organiser": organiser,
        "unit": unit,
        "department": department_of(unit),
        "occurrences": 24,
        "meetings_per_year": Decimal("24"),
        "avg_minutes": Decimal("60"),
        "avg_participants": Decimal("10"),
        "cost_per_meeting_yen": 30000,
        "cost_per_year_yen": 720000,
    }
    values.update(fields)
    return MeetingSeries.objects.create(**values)


def open_round(
    *,
    procedures: bool = True,
    meetings: bool = False,
    due_on: dt.date | None = None,
    name: str = "令和3年度 押印・書面・対面の見直し",
) -> ReviewRound:
    proc, meet = published_criteria()
    versions = ([proc] if procedures else []) + ([meet] if meetings else [])
    return workflow.open_round(
        actor=planner(),
        data=workflow.RoundInput(
            name=name,
            due_on=due_on or timezone.localdate() + dt.timedelta(days=30),
            criteria_versions=versions,
            include_procedures=procedures,
            include_meetings=meetings,
        ),
    )


def route_answers(
    version: CriteriaVersion, outcomes: dict[str, str]
) -> dict[str, dict[str, workflow.AnswerInput]]:
    """Answers that lead each track in ``outcomes`` ({track: outcome key}) to that outcome
    (the first route the engine lists), with a note and an article where demanded."""
    stored = criteria_access.answers_reaching(
        version.definition, outcomes, note="理由を記録します。", article="地方自治法第1条"
    )
    return {
        track: {q: workflow.AnswerInput(**a) for q, a in questions.items()}
        for track, questions in stored.items()
    }


def review_of(review_round: ReviewRound, item: Any) -> Review:
    if isinstance(item, Procedure):
        return Review.objects.get(round=review_round, procedure=item)
    return Review.objects.get(round=review_round, meeting_series=item)


def decide(review: Review, outcomes: dict[str, str], *, answerer: Any, head: Any) -> Review:
    """Answer, submit and approve ``review`` so that its tracks reach ``outcomes``."""
    workflow.save_answers(
        actor=answerer, review=review, answers=route_answers(review.criteria_version, outcomes)
    )
    workflow.submit(actor=answerer, review=review)
    workflow.approve(actor=head, review=review)
    review.refresh_from_db()
    return review


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """For the authorization matrix: a round of three procedures of 市民課 (the matrix's
    unit): one not started, one waiting for approval, one decided with a change task."""
    if "reviews_workflow" in objs:
        return objs["reviews_workflow"]
    shimin = objs["org"]["shimin"]
    answerer = user_in(shimin, "staff", "rv-matrix-staff")
    head = user_in(shimin, "unit_head", "rv-matrix-head")
    fresh = make_procedure(shimin, "住民票の写しの交付申請")
    waiting = make_procedure(shimin, "印鑑登録申請")
    done = make_procedure(shimin, "転入届")
    review_round = open_round()
    submitted = review_of(review_round, waiting)
    workflow.save_answers(
        actor=answerer,
        review=submitted,
        answers=route_answers(submitted.criteria_version, MATRIX_OUTCOMES),
    )
    workflow.submit(actor=answerer, review=submitted)
    decided = decide(review_of(review_round, done), MATRIX_OUTCOMES, answerer=answerer, head=head)
    objs["reviews_workflow"] = {
        "round": review_round,
        "review": review_of(review_round, fresh),
        "submitted": submitted,
        "decided": decided,
        "task": decided.change_tasks.order_by("pk").first(),
    }
    return objs["reviews_workflow"]


MATRIX_OUTCOMES = {
    "seal": "seal_abolish",
    "paper": "paper_online",
    "visit": "visit_none",
    "attachments": "attach_omit",
}

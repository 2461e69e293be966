"""Writes to the register: each in one transaction, every change in the audit trail.

Scope is checked here as well as in the views: the planning unit keeps every problem and
countermeasure, a unit head those owned by their units (and may only name those units as
owners). A status change is recorded with its before and after (``status: [old, new]``);
見送り without a reason is refused with a message and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.org.models import Unit
from yakuba.problems import selectors, sources
from yakuba.problems.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Countermeasure,
    EvidenceLink,
    Problem,
    ProgressReview,
    Status,
)
from yakuba.problems.periods import ReviewPeriod

PROBLEM_FIELDS = (
    "title",
    "description",
    "unit",
    "source_kind",
    "source_id",
    "source_key",
    "source_label",
    "fiscal_year",
    "period_start",
    "period_end",
)
COUNTERMEASURE_FIELDS = ("description", "unit", "due_on", "status", "reason", "closed_at")


@dataclass(frozen=True)
class Evidence:
    label: str
    url: str = ""
    reference: str = ""


def _require_manage(actor: User | None) -> None:
    if actor is not None and not actor.can(Capability.MANAGE_PROBLEMS):
        raise PermissionDenied(f"missing capability {Capability.MANAGE_PROBLEMS}")


def _check_unit(actor: User | None, unit: Unit, field: str = "unit") -> None:
    if actor is None:
        return
    if not selectors.editable_units(actor).filter(pk=unit.pk).exists():
        raise ValidationError({field: _("担当所属には、あなたが担当する所属を選んでください。")})


def _evidence_snapshot(problem: Problem) -> list[str]:
    return [
        f"{e.label} | {e.url or e.reference}"
        for e in EvidenceLink.objects.filter(problem=problem).order_by("order", "pk")
    ]


def _replace_evidence(problem: Problem, evidence: Sequence[Evidence]) -> None:
    EvidenceLink.objects.filter(problem=problem).delete()
    errors: list[str] = []
    links = []
    for order, item in enumerate(evidence):
        link = EvidenceLink(
            problem=problem,
            label=item.label.strip(),
            url=item.url.strip(),
            reference=item.reference.strip(),
            order=order,
        )
        try:
            link.full_clean()
        except ValidationError as exc:
            errors.extend(
                _("根拠%(n)s：%(message)s") % {"n": order + 1, "message": m} for m in exc.messages
            )
        links.append(link)
    if errors:
        raise ValidationError(errors)
    EvidenceLink.objects.bulk_create(links)


def save_problem(
    *,
    actor: User | None,
    problem: Problem | None,
    values: Mapping[str, Any],
    evidence: Sequence[Evidence] | None = None,
) -> Problem:
    """Create (``problem`` None) or update a problem and, when given, replace its evidence
    links. The source reference is checked (and its label filled in) by `sources.check`."""
    _require_manage(actor)
    creating = problem is None
    values = dict(values)
    ref = sources.check(
        sources.SourceRef(
            values.get("source_kind") or "free",
            values.get("source_id"),
            values.get("source_key") or "",
            values.get("source_label") or "",
        )
    )
    values.update(
        source_kind=ref.kind, source_id=ref.id, source_key=ref.key, source_label=ref.label
    )
    with transaction.atomic():
        if not creating:
            assert problem is not None
            if actor is not None and not selectors.may_edit_problem(actor, problem):
                raise PermissionDenied("problem outside the editor's units")
            problem = Problem.objects.select_for_update().get(pk=problem.pk)
        _check_unit(actor, values["unit"])
        obj = problem or Problem(created_by=actor)
        before = [] if creating else _evidence_snapshot(obj)
        saved: Problem = save_audited(
            actor=actor, obj=obj, creating=creating, fields=PROBLEM_FIELDS, values=values
        )
        if evidence is not None:
            _replace_evidence(saved, evidence)
            after = _evidence_snapshot(saved)
            if after != before:
                record(
                    AuditAction.UPDATE,
                    actor=actor,
                    obj=saved,
                    changes={"evidence": [before, after]},
                )
    return saved


def _closing_time(status: str, previous: Countermeasure | None) -> dt.datetime | None:
    if status not in CLOSED_STATUSES:
        return None
    if previous is not None and previous.status in CLOSED_STATUSES and previous.closed_at:
        return previous.closed_at
    return timezone.now()


def save_countermeasure(
    *,
    actor: User | None,
    problem: Problem,
    countermeasure: Countermeasure | None,
    values: Mapping[str, Any],
) -> Countermeasure:
    """Add a countermeasure to ``problem`` or update one. Closing it (対応済 / 見送り) sets
    ``closed_at``; reopening clears it; 見送り needs a reason."""
    _require_manage(actor)
    creating = countermeasure is None
    values = dict(values)
    status = values.get("status") or Status.CONSIDERING
    if status == Status.DECLINED and not str(values.get("reason") or "").strip():
        raise ValidationError(
            {"reason": _("「見送り」にするときは、見送りの理由を入力してください。")}
        )
    with transaction.atomic():
        previous = None
        if creating:
            if actor is not None and not selectors.may_edit_problem(actor, problem):
                raise PermissionDenied("problem outside the editor's units")
            obj = Countermeasure(
                problem=problem,
                created_by=actor,
                order=Countermeasure.objects.filter(problem=problem).count(),
            )
        else:
            assert countermeasure is not None
            if (
                actor is not None
                and not selectors.editable_countermeasures(actor)
                .filter(pk=countermeasure.pk)
                .exists()
            ):
                raise PermissionDenied("countermeasure outside the editor's units")
            previous = Countermeasure.objects.select_for_update().get(pk=countermeasure.pk)
            obj = previous
        _check_unit(actor, values["unit"])
        values["status"] = status
        values["closed_at"] = _closing_time(status, previous)
        if status != Status.DECLINED:
            values["reason"] = values.get("reason") or ""
        saved: Countermeasure = save_audited(
            actor=actor,
            obj=obj,
            creating=creating,
            fields=COUNTERMEASURE_FIELDS,
            values=values,
        )
        Problem.objects.filter(pk=problem.pk).update(updated_at=timezone.now())
    return saved


@dataclass(frozen=True)
class ReviewItem:
    """One line of a period review: a countermeasure, or a problem without any."""

    problem: Problem
    countermeasure: Countermeasure | None


def review_items(period: ReviewPeriod) -> list[ReviewItem]:
    """What a review of ``period`` covers: every open countermeasure, those closed during
    the period, and problems that have no countermeasure yet (two queries)."""
    closed_in_period = Q(
        status__in=CLOSED_STATUSES,
        closed_at__date__gte=period.start,
        closed_at__date__lte=period.end,
    )
    countermeasures = Countermeasure.objects.filter(
        Q(status__in=OPEN_STATUSES) | closed_in_period
    ).select_related("problem__unit", "unit")
    items = [ReviewItem(c.problem, c) for c in countermeasures]
    bare = Problem.objects.filter(countermeasures__isnull=True).select_related("unit")
    items.extend(ReviewItem(p, None) for p in bare)
    items.sort(
        key=lambda i: (
            i.problem.created_at,
            i.problem.pk,
            i.countermeasure.order if i.countermeasure else -1,
            i.countermeasure.pk if i.countermeasure else 0,
        )
    )
    return items


def record_review(
    *,
    actor: User | None,
    period: ReviewPeriod,
    notes: Mapping[str, str],
    on: dt.date | None = None,
) -> list[ProgressReview]:
    """Record the review of ``period`` for every item `review_items` lists: the status
    and due date each countermeasure has now and the note given for it (``notes`` keyed
    ``"c<countermeasure id>"`` or ``"p<problem id>"``). A period reviewed again corrects
    its own reviews (audited); earlier periods are never touched. The planning unit only."""
    if actor is not None and not selectors.manages_all(actor):
        raise PermissionDenied("only the planning unit records period reviews")
    if period.end < period.start:
        raise ValidationError(_("期間の終了日は開始日以降にしてください。"))
    reviewed_on = on or timezone.localdate()
    saved: list[ProgressReview] = []
    with transaction.atomic():
        items = review_items(period)
        existing = {
            (r.problem_id, r.countermeasure_id): r
            for r in ProgressReview.objects.select_for_update(of=("self",))
            .order_by("pk")
            .filter(period_start=period.start, period_end=period.end)
        }
        for item in items:
            cm = item.countermeasure
            key = f"c{cm.pk}" if cm is not None else f"p{item.problem.pk}"
            values = {
                "period_label": period.label,
                "status": cm.status if cm is not None else "",
                "due_on": cm.due_on if cm is not None else None,
                "note": (notes.get(key) or "").strip(),
                "reviewer": actor,
                "reviewed_on": reviewed_on,
            }
            current = existing.get((item.problem.pk, cm.pk if cm is not None else None))
            review = current or ProgressReview(
                problem=item.problem,
                countermeasure=cm,
                period_start=period.start,
                period_end=period.end,
            )
            saved.append(
                save_audited(
                    actor=actor,
                    obj=review,
                    creating=current is None,
                    fields=("period_label", "status", "due_on", "note", "reviewed_on"),
                    values=values,
                )
            )
    return saved

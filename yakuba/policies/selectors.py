"""Permission-scoped reads of the policy evaluation cycle.

Who reads: everyone with VIEW_POLICIES (the planning unit, unit heads, HR, the auditor)
reads every policy, evaluation, comment, reply and published version — they hold no
personal data and the published pages are public. Who writes a reply: the planning unit
for every policy, a unit head for the policies of their unit and the units below it. Who
approves: a unit head, for those same policies. A reply or year outside the writer's or
approver's scope answers 404 on its URLs (`get_for_user_or_404` with the querysets below).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.org.selectors import scope_root
from yakuba.policies.models import (
    Comment,
    CommentHeading,
    Indicator,
    Policy,
    PolicyYear,
    Publication,
    Reply,
    ReplyStatus,
)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_view(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.VIEW_POLICIES))


def can_manage(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.MANAGE_POLICIES))


def can_answer(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.ANSWER_POLICY_COMMENTS))


def can_approve(user: Any) -> bool:
    return _signed_in(user) and bool(user.can(Capability.APPROVE_POLICY_REPLIES))


def _responsible_scope(user: Any) -> Q:
    """Policies whose responsible unit is the user's unit or below it."""
    root = scope_root(user)
    if root is None:
        return Q(pk__in=[])
    return Q(policy__responsible_unit__path__startswith=root.path)


def visible_policies(user: Any) -> QuerySet[Policy]:
    if not can_view(user):
        return Policy.objects.none()
    return Policy.objects.select_related("responsible_unit")


def visible_years(user: Any) -> QuerySet[PolicyYear]:
    if not can_view(user):
        return PolicyYear.objects.none()
    return PolicyYear.objects.select_related("policy", "policy__responsible_unit")


def managed_years(user: Any) -> QuerySet[PolicyYear]:
    if not can_manage(user):
        return PolicyYear.objects.none()
    return visible_years(user)


def answerable_years(user: Any) -> QuerySet[PolicyYear]:
    """Years whose replies `user` may write: the planning unit all, unit heads their units'."""
    if not can_answer(user):
        return PolicyYear.objects.none()
    qs = PolicyYear.objects.select_related("policy", "policy__responsible_unit")
    return qs if can_manage(user) else qs.filter(_responsible_scope(user))


def approvable_years(user: Any) -> QuerySet[PolicyYear]:
    """Years whose replies `user` approves: a head of the responsible unit (or above it)."""
    if not can_approve(user):
        return PolicyYear.objects.none()
    return PolicyYear.objects.select_related("policy", "policy__responsible_unit").filter(
        _responsible_scope(user)
    )


def answerable_replies(user: Any) -> QuerySet[Reply]:
    return Reply.objects.filter(year__in=answerable_years(user)).select_related(
        "year", "year__policy", "year__policy__responsible_unit"
    )


def approvable_replies(user: Any) -> QuerySet[Reply]:
    return Reply.objects.filter(year__in=approvable_years(user)).select_related(
        "year", "year__policy", "year__policy__responsible_unit", "written_by"
    )


def may_answer(user: Any, year: PolicyYear) -> bool:
    return answerable_years(user).filter(pk=year.pk).exists()


def may_approve(user: Any, year: PolicyYear) -> bool:
    return approvable_years(user).filter(pk=year.pk).exists()


def approval_queue(user: Any) -> QuerySet[Reply]:
    """Replies waiting for `user`'s decision, oldest request first."""
    return (
        approvable_replies(user)
        .filter(status=ReplyStatus.SUBMITTED)
        .prefetch_related(_comments_prefetch())
        .order_by("submitted_at", "pk")
    )


def policy_rows(user: Any) -> QuerySet[Policy]:
    """The policy list: every policy with its years (two queries)."""
    return visible_policies(user).prefetch_related(
        Prefetch(
            "years",
            queryset=PolicyYear.objects.annotate(
                comment_count=Count("comments", distinct=True),
                version_count=Count("publications", distinct=True),
            ).order_by("-fiscal_year"),
        )
    )


def _comments_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "comments",
        queryset=Comment.objects.select_related("heading").order_by(
            "heading__order", "heading_id", "order", "pk"
        ),
    )


def year_comments(year: PolicyYear) -> list[Comment]:
    """The year's comments in page order, each with its replies prefetched."""
    return list(
        Comment.objects.filter(year=year)
        .select_related("heading")
        .prefetch_related(Prefetch("replies", queryset=Reply.objects.order_by("pk")))
        .order_by("heading__order", "heading_id", "order", "pk")
    )


def year_replies(year: PolicyYear) -> list[Reply]:
    return list(
        Reply.objects.filter(year=year)
        .select_related("written_by", "decided_by", "evidence_report")
        .prefetch_related(
            _comments_prefetch(),
            Prefetch("countermeasures", queryset=_countermeasure_queryset()),
        )
        .order_by("pk")
    )


def _countermeasure_queryset() -> QuerySet[Any]:
    from yakuba.problems.models import Countermeasure

    return Countermeasure.objects.select_related("problem", "unit").order_by("pk")


def indicators(year: PolicyYear) -> list[Indicator]:
    return list(year.indicators.order_by("order", "pk"))


def publications(year: PolicyYear) -> QuerySet[Publication]:
    """Every published version of the year, newest first (the HTML columns deferred)."""
    return (
        Publication.objects.filter(year=year)
        .defer("html", "body_html")
        .select_related("published_by")
        .order_by("-version")
    )


def visible_publications(user: Any) -> QuerySet[Publication]:
    if not can_view(user):
        return Publication.objects.none()
    return Publication.objects.select_related("year", "year__policy", "published_by")


def headings() -> QuerySet[CommentHeading]:
    return CommentHeading.objects.order_by("order", "pk")


def linkable_countermeasures(user: Any) -> QuerySet[Any]:
    """Countermeasures a reply may link to: those `user` can read in the register."""
    from yakuba.problems.selectors import visible_countermeasures

    return visible_countermeasures(user).order_by("problem__created_at", "problem_id", "pk")


def linkable_reports(user: Any) -> QuerySet[Any]:
    """Finished evidence reports `user` may read (newest first)."""
    from yakuba.evaluation.models import EvidenceReport, ReportStatus

    if not (_signed_in(user) and user.can(Capability.VIEW_EVALUATION_REPORT)):
        return EvidenceReport.objects.none()
    return EvidenceReport.objects.filter(status=ReportStatus.DONE).order_by("-created_at", "-pk")

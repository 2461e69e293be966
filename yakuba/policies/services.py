"""Writes of the policy evaluation cycle: each one transaction, audited.

The planning unit (MANAGE_POLICIES) keeps policies, years, evaluations, comments and
publishes; the responsible unit writes replies (ANSWER_POLICY_COMMENTS: the planning unit
and unit heads of the responsible unit) and its head approves them
(APPROVE_POLICY_REPLIES). A reply outside the actor's scope is `OutOfScope` (404), a
missing capability `PermissionDenied` (403); bad input a `ValidationError` in Japanese
with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.core.permissions import OutOfScope
from yakuba.org.models import Unit
from yakuba.policies import publishing, selectors
from yakuba.policies.models import (
    Comment,
    CommentHeading,
    CommentSource,
    Indicator,
    Policy,
    PolicyYear,
    Publication,
    Reply,
    ReplyStatus,
    UnitContact,
    YearStatus,
    fiscal_year_label,
    text_key,
)

POLICY_FIELDS = ("code", "title", "responsible_unit", "description", "first_year", "last_year")
EVALUATION_FIELDS = ("rating", "self_assessment", "issues", "status")
COMMENT_FIELDS = ("heading", "order", "text", "evaluator")
HEADING_FIELDS = ("name", "order")
CONTACT_FIELDS = ("section_name", "postal_code", "address", "phone", "fax", "email")


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(what)


def require_manager(actor: Any) -> None:
    _require(selectors.can_manage(actor), "cannot manage policies")


# --- policies, years, evaluations --------------------------------------------------------


def save_policy(*, actor: User, policy: Policy | None, values: Mapping[str, Any]) -> Policy:
    require_manager(actor)
    first, last = values.get("first_year"), values.get("last_year")
    if first is not None and last is not None and last < first:
        raise ValidationError(_("終了年度は開始年度以降にしてください。"))
    with transaction.atomic():
        saved: Policy = save_audited(
            actor=actor,
            obj=policy or Policy(),
            creating=policy is None,
            fields=POLICY_FIELDS,
            values=values,
        )
    return saved


def add_year(*, actor: User, policy: Policy, fiscal_year: int) -> PolicyYear:
    require_manager(actor)
    if fiscal_year < policy.first_year or (
        policy.last_year is not None and fiscal_year > policy.last_year
    ):
        raise ValidationError(
            _("%(year)sは施策の実施年度（%(first)s〜%(last)s）の外です。")
            % {
                "year": fiscal_year_label(fiscal_year),
                "first": fiscal_year_label(policy.first_year),
                "last": fiscal_year_label(policy.last_year) if policy.last_year else "",
            }
        )
    if PolicyYear.objects.filter(policy=policy, fiscal_year=fiscal_year).exists():
        raise ValidationError(
            _("%(year)sは既に登録されています。") % {"year": fiscal_year_label(fiscal_year)}
        )
    with transaction.atomic():
        year: PolicyYear = save_audited(
            actor=actor,
            obj=PolicyYear(policy=policy),
            creating=True,
            fields=("fiscal_year",),
            values={"fiscal_year": fiscal_year},
        )
    return year


@dataclass(frozen=True)
class IndicatorInput:
    name: str
    unit_label: str
    target: Decimal | None
    actual: Decimal | None


def _indicator_snapshot(year: PolicyYear) -> list[str]:
    return [
        f"{i.name}|{i.unit_label}|{i.target}|{i.actual}"
        for i in year.indicators.order_by("order", "pk")
    ]


def save_evaluation(
    *,
    actor: User,
    year: PolicyYear,
    values: Mapping[str, Any],
    indicators: Sequence[IndicatorInput],
) -> PolicyYear:
    """The internal evaluation of a year: rating, self-assessment, issues, status and the
    indicators (replaced as a whole)."""
    require_manager(actor)
    if values.get("status") == YearStatus.PUBLISHED and not year.publications.exists():
        raise ValidationError(_("「公開済」は公開すると自動で設定されます。"))
    with transaction.atomic():
        before = _indicator_snapshot(year)
        save_audited(actor=actor, obj=year, creating=False, fields=EVALUATION_FIELDS, values=values)
        year.indicators.all().delete()
        Indicator.objects.bulk_create(
            Indicator(
                year=year,
                order=n,
                name=i.name,
                unit_label=i.unit_label,
                target=i.target,
                actual=i.actual,
            )
            for n, i in enumerate(indicators, start=1)
        )
        after = _indicator_snapshot(year)
        if before != after:
            record(
                AuditAction.UPDATE, actor=actor, obj=year, changes={"indicators": [before, after]}
            )
    return year


# --- headings, comments, contact ---------------------------------------------------------


def save_heading(
    *, actor: User, heading: CommentHeading | None, values: Mapping[str, Any]
) -> CommentHeading:
    require_manager(actor)
    with transaction.atomic():
        saved: CommentHeading = save_audited(
            actor=actor,
            obj=heading or CommentHeading(),
            creating=heading is None,
            fields=HEADING_FIELDS,
            values=values,
        )
    return saved


def next_order(year: PolicyYear, heading: CommentHeading) -> int:
    top = Comment.objects.filter(year=year, heading=heading).aggregate(m=Max("order"))["m"]
    return (top or 0) + 10


def _duplicate_problem(year: PolicyYear, heading: Any, text: str, exclude: int | None) -> None:
    qs = Comment.objects.filter(year=year, heading=heading, text_key=text_key(text))
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise ValidationError(_("同じ見出しに同じ意見が既に登録されています。"))


def save_comment(
    *, actor: User, year: PolicyYear, comment: Comment | None, values: Mapping[str, Any]
) -> Comment:
    require_manager(actor)
    data = dict(values)
    if not data.get("order"):
        data["order"] = next_order(year, data["heading"])
    _duplicate_problem(year, data["heading"], data["text"], comment.pk if comment else None)
    with transaction.atomic():
        saved: Comment = save_audited(
            actor=actor,
            obj=comment or Comment(year=year, source=CommentSource.MANUAL),
            creating=comment is None,
            fields=COMMENT_FIELDS,
            values=data,
        )
    return saved


def delete_comment(*, actor: User, comment: Comment) -> None:
    require_manager(actor)
    if comment.replies.exists():
        raise ValidationError(
            _("この意見には返答があるため削除できません。先に返答から外してください。")
        )
    with transaction.atomic():
        record(AuditAction.DELETE, actor=actor, obj=comment, changes={"text": comment.text})
        comment.delete()


def save_contact(*, actor: User, unit: Unit, values: Mapping[str, Any]) -> UnitContact:
    require_manager(actor)
    row = UnitContact.objects.filter(unit=unit).first()
    with transaction.atomic():
        saved: UnitContact = save_audited(
            actor=actor,
            obj=row or UnitContact(unit=unit),
            creating=row is None,
            fields=CONTACT_FIELDS,
            values=values,
        )
    return saved


# --- replies -------------------------------------------------------------------------------


def _require_answer_scope(actor: Any, year: PolicyYear) -> None:
    _require(selectors.can_answer(actor), "cannot answer policy comments")
    if not selectors.may_answer(actor, year):
        raise OutOfScope(f"policies.policyyear {year.pk} outside scope")


def _require_approve_scope(actor: Any, year: PolicyYear) -> None:
    _require(selectors.can_approve(actor), "cannot approve policy replies")
    if not selectors.may_approve(actor, year):
        raise OutOfScope(f"policies.policyyear {year.pk} outside scope")


def _link_ids(items: Iterable[Any]) -> list[int]:
    return sorted(int(i.pk) for i in items)


def save_reply(
    *,
    actor: User,
    year: PolicyYear,
    reply: Reply | None,
    text: str,
    comments: Sequence[Comment],
    countermeasures: Sequence[Any] = (),
    evidence_report: Any = None,
) -> Reply:
    """Write or rewrite a reply. A rewritten approved reply goes back to draft (it needs
    approval again); a reply waiting for approval cannot be changed."""
    _require_answer_scope(actor, year)
    if reply is not None and reply.status == ReplyStatus.SUBMITTED:
        raise ValidationError(
            _("承認待ちの返答は変更できません。承認者の承認または差し戻しをお待ちください。")
        )
    if not comments:
        raise ValidationError(_("この返答が答える意見を1つ以上選んでください。"))
    if any(c.year_id != year.pk for c in comments):
        raise ValidationError(_("別の年度の意見は選べません。"))
    allowed_cm = (
        set(selectors.linkable_countermeasures(actor).values_list("pk", flat=True))
        if countermeasures
        else set()
    )
    if any(c.pk not in allowed_cm for c in countermeasures):
        raise ValidationError(_("選べない対応策が含まれています。"))
    if (
        evidence_report is not None
        and not selectors.linkable_reports(actor).filter(pk=evidence_report.pk).exists()
    ):
        raise ValidationError(_("選べない点検・評価報告です。"))
    creating = reply is None
    target = reply or Reply(year=year, written_by=actor)
    before = {
        "comments": _link_ids(target.comments.all()) if not creating else [],
        "countermeasures": _link_ids(target.countermeasures.all()) if not creating else [],
    }
    values: dict[str, Any] = {
        "text": text,
        "evidence_report": evidence_report,
        "status": ReplyStatus.DRAFT,
        "updated_at": timezone.now(),
    }
    if not creating and reply is not None and reply.status == ReplyStatus.SENT_BACK:
        values["status"] = ReplyStatus.SENT_BACK  # stays sent back until submitted again
    with transaction.atomic():
        saved: Reply = save_audited(
            actor=actor,
            obj=target,
            creating=creating,
            fields=("text", "evidence_report", "status", "updated_at"),
            values=values,
        )
        saved.comments.set(comments)
        saved.countermeasures.set(countermeasures)
        after = {
            "comments": _link_ids(comments),
            "countermeasures": _link_ids(countermeasures),
        }
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changed:
            record(AuditAction.UPDATE, actor=actor, obj=saved, changes=changed)
    return saved


def submit_reply(*, actor: User, reply: Reply) -> Reply:
    """Ask the head of the responsible unit to approve (draft or sent back → submitted)."""
    _require_answer_scope(actor, reply.year)
    if reply.status not in (ReplyStatus.DRAFT, ReplyStatus.SENT_BACK):
        raise ValidationError(_("この返答は承認を依頼できる状態ではありません。"))
    with transaction.atomic():
        save_audited(
            actor=actor,
            obj=reply,
            creating=False,
            fields=("status", "submitted_at"),
            values={"status": ReplyStatus.SUBMITTED, "submitted_at": timezone.now()},
        )
        _notify_approvers(reply)
    return reply


def _notify_approvers(reply: Reply) -> None:
    from yakuba.accounts.roles import Role
    from yakuba.notifications.services import notify

    unit = reply.year.policy.responsible_unit
    codes = unit.path.strip("/").split("/")
    heads = User.objects.filter(
        role=Role.UNIT_HEAD, is_active=True, staff__unit__code__in=codes
    ).distinct()
    if heads:
        notify(
            heads,
            subject=_("施策評価の返答の承認依頼：%(year)s") % {"year": reply.year},
            url=reverse("policies:reply_decide", args=[reply.pk]),
            purpose="policies.approval",
        )


def decide_reply(*, actor: User, reply: Reply, approve: bool, note: str = "") -> Reply:
    """Approve a submitted reply, or send it back with a note saying what to change."""
    _require_approve_scope(actor, reply.year)
    if reply.status != ReplyStatus.SUBMITTED:
        raise ValidationError(_("承認待ちの返答ではありません。"))
    if not approve and not note.strip():
        raise ValidationError(_("差し戻す理由を入力してください。"))
    values = {
        "status": ReplyStatus.APPROVED if approve else ReplyStatus.SENT_BACK,
        "return_note": "" if approve else note.strip(),
        "decided_by": actor,
        "decided_at": timezone.now(),
    }
    with transaction.atomic():
        save_audited(actor=actor, obj=reply, creating=False, fields=tuple(values), values=values)
        if reply.written_by_id and not approve and reply.written_by is not None:
            from yakuba.notifications.services import notify

            notify(
                [reply.written_by],
                subject=_("施策評価の返答が差し戻されました：%(year)s") % {"year": reply.year},
                body=note.strip(),
                url=reverse("policies:reply_edit", args=[reply.pk]),
                purpose="policies.sent_back",
            )
    return reply


# --- publication ---------------------------------------------------------------------------


def publication_problems(year: PolicyYear) -> list[str]:
    """What stands between the year and its publication, one sentence each ([] = ready)."""
    comments = selectors.year_comments(year)
    if not comments:
        return [_("外部評価の意見が登録されていません。")]
    problems: list[str] = []
    for comment in comments:
        statuses = [r.status for r in comment.replies.all()]
        if ReplyStatus.APPROVED in statuses:
            continue
        excerpt = comment.text if len(comment.text) <= 30 else comment.text[:30] + "…"
        if not statuses:
            why = _("返答がありません")
        elif ReplyStatus.SUBMITTED in statuses:
            why = _("返答が承認待ちです")
        elif ReplyStatus.SENT_BACK in statuses:
            why = _("返答が差し戻されています")
        else:
            why = _("返答が下書きのままです")
        problems.append(
            _("「%(heading)s」の意見「%(excerpt)s」：%(why)s。")
            % {"heading": comment.heading.name, "excerpt": excerpt, "why": why}
        )
    return problems


def preview(year: PolicyYear, page_date: dt.date | None = None) -> tuple[str, str]:
    """(document, body) of the page as it would be published now."""
    day = page_date or timezone.localdate()
    body = publishing.render_body(
        year, selectors.year_comments(year), selectors.indicators(year), day
    )
    return publishing.render_document(year, body), body


class NotReady(ValidationError):
    """The year cannot be published yet; ``messages`` say what is missing."""


def publish(
    *, actor: User, year: PolicyYear, page_date: dt.date | None = None, note: str = ""
) -> Publication:
    """Publish the page as a new version (the previous versions stay as they were)."""
    require_manager(actor)
    with transaction.atomic():
        locked = PolicyYear.objects.select_for_update().get(pk=year.pk)
        problems = publication_problems(locked)
        if problems:
            raise NotReady(problems)
        day = page_date or timezone.localdate()
        document, body = preview(locked, day)
        version = (locked.publications.aggregate(m=Max("version"))["m"] or 0) + 1
        try:
            publication = Publication(
                year=locked,
                version=version,
                page_date=day,
                note=note,
                html=document,
                body_html=body,
                published_by=actor,
            )
            publication.full_clean(exclude=["sha256"])
            publication.save()
        except IntegrityError as exc:  # a concurrent publish took the number
            raise ValidationError(_("同時に公開されました。もう一度お試しください。")) from exc
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=publication,
            changes={
                "version": version,
                "page_date": day.isoformat(),
                "sha256": publication.sha256,
                "note": note,
            },
        )
        if locked.status != YearStatus.PUBLISHED:
            save_audited(
                actor=actor,
                obj=locked,
                creating=False,
                fields=("status",),
                values={"status": YearStatus.PUBLISHED},
            )
    return publication

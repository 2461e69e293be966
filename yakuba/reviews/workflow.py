"""Writes of the review workflow (見直しの回・回答・承認): each one transaction, audited.

The planning unit (MANAGE_REVIEW_ROUNDS) opens a round — one `Review` per item, assigned to
the item's owning unit, created in bulk and audited once with the counts — and may send a
decided item back. The staff of the owning unit answer the questions track by track; the
proposed outcome of each track is derived by `yakuba.reviews.decisions`, and may be
replaced only with a written reason (audited with the reason). Submitting asks the unit
head (APPROVE_REVIEWS, their unit and below) to approve → 決定, or to send it back with a
comment → 回答中. A decided item is marked 実施済 with its date.

Statuses: 未着手 → 回答中 → 承認待ち → 決定 → 実施済; a send-back returns to 回答中.

Approving an answer is a decision about a document (how a procedure or meeting will
change), not about a person: like the policy replies (``policies.decide_reply``), the head
may approve answers they wrote themselves (``core.duties`` governs decisions about people).

An item outside the actor's scope is `OutOfScope` (404), a missing capability
``PermissionDenied`` (403); bad input a ``ValidationError`` in Japanese, nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.core.permissions import OutOfScope
from yakuba.core.text import check_text
from yakuba.org.models import Unit
from yakuba.reviews import criteria_access, scoping
from yakuba.reviews.models import (
    AppliesTo,
    ChangeKind,
    ChangeTask,
    CriteriaVersion,
    MeetingSeries,
    OutcomeAssumption,
    OutcomeEffect,
    Procedure,
    Review,
    ReviewRound,
    ReviewStatus,
    ReviewTrack,
    VersionStatus,
)

NOTE_MAX = 2000
ARTICLE_MAX = 500
REASON_MAX = 2000
BULK = 2000

#: Statuses in which the owning unit may still change its answers.
EDITABLE = (ReviewStatus.NOT_STARTED, ReviewStatus.ANSWERING)
#: Counted as reviewed (the decision is taken).
DONE = (ReviewStatus.DECIDED, ReviewStatus.IMPLEMENTED)


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(what)


def _text(value: str, label: str, limit: int, *, multiline: bool = True) -> str:
    """The text stripped, refused (in Japanese, naming the field) if it cannot be stored."""
    text = (value or "").strip()
    return check_text(text, max_length=limit, multiline=multiline, label=label)


# --- rounds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundInput:
    name: str
    due_on: dt.date
    criteria_versions: Sequence[CriteriaVersion]
    include_procedures: bool = True
    include_meetings: bool = False
    departments: Sequence[Unit] = ()
    description: str = ""


def _version_for(versions: Sequence[CriteriaVersion], applies_to: str) -> CriteriaVersion | None:
    matching = [v for v in versions if v.criteria_set.applies_to == applies_to]
    if len(matching) > 1:
        raise ValidationError(
            _("%(kind)sの基準は1つだけ選んでください。") % {"kind": AppliesTo(applies_to).label}
        )
    return matching[0] if matching else None


def open_round(*, actor: User, data: RoundInput) -> ReviewRound:
    """Open a round: one review per active item — procedures against the procedure criteria
    chosen, meeting series against the meeting criteria — only of ``departments`` when
    given, each assigned to the item's unit. Audited once, with the counts."""
    _require(scoping.can_manage(actor), "cannot open review rounds")
    name = _text(data.name, _("名称"), 200, multiline=False)
    if not name:
        raise ValidationError(_("名称を入力してください。"))
    description = _text(data.description, _("説明"), 4000)
    if data.due_on < timezone.localdate():
        raise ValidationError(_("回答期限は今日以降の日付にしてください。"))
    if not (data.include_procedures or data.include_meetings):
        raise ValidationError(_("手続・書類と定例会議の少なくとも一方を対象にしてください。"))
    for version in data.criteria_versions:
        if version.status != VersionStatus.PUBLISHED:
            raise ValidationError(
                _("公開中の版を選んでください（%(version)s は公開中ではありません）。")
                % {"version": version}
            )
    procedure_version = _version_for(data.criteria_versions, AppliesTo.PROCEDURE)
    meeting_version = _version_for(data.criteria_versions, AppliesTo.MEETING)
    if data.include_procedures and procedure_version is None:
        raise ValidationError(_("手続・書類を対象にするときは、手続の基準を選んでください。"))
    if data.include_meetings and meeting_version is None:
        raise ValidationError(_("定例会議を対象にするときは、会議の基準を選んでください。"))
    department_ids = sorted({d.pk for d in data.departments})
    procedures = Procedure.objects.filter(active=True)
    series = MeetingSeries.objects.filter(active=True)
    if department_ids:
        procedures = procedures.filter(department_id__in=department_ids)
        series = series.filter(department_id__in=department_ids)
    proc_rows = (
        list(procedures.order_by("pk").values_list("pk", "unit_id", "department_id"))
        if data.include_procedures
        else []
    )
    series_rows = (
        list(series.order_by("pk").values_list("pk", "unit_id", "department_id"))
        if data.include_meetings
        else []
    )
    if not proc_rows and not series_rows:
        raise ValidationError(_("対象となる手続・定例会議がありません。"))
    now = timezone.now()
    with transaction.atomic():
        review_round = ReviewRound(
            name=name,
            description=description,
            due_on=data.due_on,
            include_procedures=data.include_procedures,
            include_meetings=data.include_meetings,
            created_by=actor,
            created_at=now,
        )
        review_round.full_clean()
        review_round.save()
        review_round.criteria_versions.set(list(data.criteria_versions))
        review_round.departments.set(department_ids)
        reviews = [
            Review(
                round=review_round,
                procedure_id=pk,
                unit_id=unit_id,
                department_id=dept_id,
                criteria_version=procedure_version,
                created_at=now,
                updated_at=now,
            )
            for pk, unit_id, dept_id in proc_rows
        ] + [
            Review(
                round=review_round,
                meeting_series_id=pk,
                unit_id=unit_id,
                department_id=dept_id,
                criteria_version=meeting_version,
                created_at=now,
                updated_at=now,
            )
            for pk, unit_id, dept_id in series_rows
        ]
        Review.objects.bulk_create(reviews, batch_size=BULK)
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=review_round,
            changes={
                "name": name,
                "due_on": data.due_on.isoformat(),
                "criteria_versions": [str(v) for v in data.criteria_versions],
                "departments": department_ids,
                "reviews_created": len(reviews),
                "procedures": len(proc_rows),
                "meeting_series": len(series_rows),
            },
        )
    return review_round


# --- answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    """One question's answer: the option chosen, a note and the legal article (根拠条項)."""

    option: str
    note: str = ""
    article: str = ""


Answers = Mapping[str, Mapping[str, AnswerInput]]


def _require_answer_scope(actor: Any, review: Review) -> None:
    if not scoping.answerable_reviews(actor).filter(pk=review.pk).exists():
        if scoping.visible_reviews(actor).filter(pk=review.pk).exists():
            raise PermissionDenied("only the owning unit answers this review")
        raise OutOfScope(f"reviews.review {review.pk} outside scope")


def _require_approve_scope(actor: Any, review: Review) -> None:
    _require(scoping.can_approve(actor), "cannot approve reviews")
    if not scoping.approvable_reviews(actor).filter(pk=review.pk).exists():
        raise OutOfScope(f"reviews.review {review.pk} outside scope")


def _clean_answers(review: Review, answers: Answers) -> dict[str, dict[str, dict[str, str]]]:
    """The answers as stored, checked against the review's criteria version: known tracks,
    questions and options only; the legal article where the option demands it."""
    definition = criteria_access.Definition(review.criteria_version.definition)
    cleaned: dict[str, dict[str, dict[str, str]]] = {}
    for track_key, questions in answers.items():
        track = definition.track(track_key)
        if track is None:
            raise ValidationError(_("この基準にない観点です：%(key)s") % {"key": track_key})
        for question_key, answer in questions.items():
            if not answer.option:
                continue
            question = track.question(question_key)
            if question is None:
                raise ValidationError(
                    _("「%(track)s」にない質問です：%(key)s")
                    % {"track": track.label, "key": question_key}
                )
            option = question.option(answer.option)
            if option is None:
                raise ValidationError(
                    _("「%(question)s」の選択肢を選び直してください。")
                    % {"question": question.text}
                )
            note = _text(answer.note, _("「%(q)s」の補足") % {"q": question.text}, NOTE_MAX)
            article = _text(
                answer.article,
                _("「%(q)s」の根拠条項") % {"q": question.text},
                ARTICLE_MAX,
                multiline=False,
            )
            if option.requires_article and not article:
                raise ValidationError(
                    _(
                        "「%(question)s」で「%(option)s」を選んだときは、"
                        "根拠となる法令・条例の条項を入力してください。"
                    )
                    % {"question": question.text, "option": option.label}
                )
            if option.requires_note and not note:
                raise ValidationError(
                    _(
                        "「%(question)s」で「%(option)s」を選んだときは、理由を補足に書いてください。"
                    )
                    % {"question": question.text, "option": option.label}
                )
            cleaned.setdefault(track_key, {})[question_key] = {
                "option": option.key,
                "note": note,
                "article": article,
            }
    return cleaned


def _articles(answers: Mapping[str, Any], track_key: str, path: Sequence[str]) -> str:
    given = answers.get(track_key) or {}
    found = [given[q]["article"] for q in path if q in given and given[q].get("article")]
    return "、".join(found)[:ARTICLE_MAX]


def _rewrite_tracks(review: Review, answers: Mapping[str, Any]) -> dict[str, str]:
    """Derive each applicable track's proposed outcome and store the `ReviewTrack` rows:
    an override (outcome ≠ proposed, with its reason) is kept while the track still has a
    proposed outcome. Returns {track: final outcome} for the audit entry."""
    definition = criteria_access.Definition(review.criteria_version.definition)
    derived = criteria_access.derive(review, answers)
    existing = {t.track: t for t in ReviewTrack.objects.filter(review=review)}
    keep: list[ReviewTrack] = []
    for track in criteria_access.applicable_tracks(review, definition):
        result = derived.get(track.key)
        proposed = (result.outcome or "") if result else ""
        old = existing.get(track.key)
        overridden = old is not None and bool(old.override_reason) and bool(proposed)
        outcome_key = old.outcome if overridden and old is not None else proposed
        outcome = track.outcome(outcome_key) if outcome_key else None
        path = list(result.path) if result else []
        keep.append(
            ReviewTrack(
                review=review,
                track=track.key,
                proposed=proposed,
                outcome=outcome.key if outcome else "",
                override_reason=old.override_reason if overridden and old else "",
                overridden_by=old.overridden_by if overridden and old else None,
                overridden_at=old.overridden_at if overridden and old else None,
                effect=outcome.effect if outcome else "",
                article=_articles(answers, track.key, path),
                path=path,
            )
        )
    ReviewTrack.objects.filter(review=review).delete()
    ReviewTrack.objects.bulk_create(keep)
    return {t.track: t.outcome for t in keep}


def save_answers(*, actor: User, review: Review, answers: Answers, note: str = "") -> Review:
    """Store the unit's answers (the whole set: questions not sent are cleared) and derive
    the proposed outcome of each track. 未着手 → 回答中; an item waiting for approval or
    decided cannot be changed."""
    _require_answer_scope(actor, review)
    if review.status not in EDITABLE:
        raise ValidationError(
            _("「%(status)s」の見直しは回答を変更できません。")
            % {"status": review.get_status_display()}
        )
    cleaned = _clean_answers(review, answers)
    note_text = _text(note, _("補足"), 4000)
    with transaction.atomic():
        save_audited(
            actor=actor,
            obj=review,
            creating=False,
            fields=("answers", "note", "status", "answered_by"),
            values={
                "answers": cleaned,
                "note": note_text,
                "status": ReviewStatus.ANSWERING,
                "answered_by": actor,
                "updated_at": timezone.now(),
            },
        )
        outcomes = _rewrite_tracks(review, cleaned)
        record(AuditAction.UPDATE, actor=actor, obj=review, changes={"outcomes": outcomes})
    return review


def override_outcome(
    *, actor: User, review: Review, track_key: str, outcome_key: str, reason: str
) -> ReviewTrack:
    """Replace the proposed outcome of a track, with a written reason (audited with it).
    Choosing the proposed outcome again removes the override."""
    _require_answer_scope(actor, review)
    if review.status not in EDITABLE:
        raise ValidationError(
            _("「%(status)s」の見直しは結果を変更できません。")
            % {"status": review.get_status_display()}
        )
    definition = criteria_access.Definition(review.criteria_version.definition)
    track = definition.track(track_key)
    row = ReviewTrack.objects.filter(review=review, track=track_key).first()
    if track is None or row is None:
        raise ValidationError(_("この見直しにない観点です：%(key)s") % {"key": track_key})
    if not row.proposed:
        raise ValidationError(
            _("「%(track)s」の質問に答えてから結果を変更してください。") % {"track": track.label}
        )
    outcome = track.outcome(outcome_key)
    if outcome is None:
        raise ValidationError(
            _("「%(track)s」の結果を選び直してください。") % {"track": track.label}
        )
    before = {"outcome": row.outcome, "reason": row.override_reason}
    if outcome.key == row.proposed:
        values: dict[str, Any] = {
            "outcome": outcome.key,
            "effect": outcome.effect,
            "override_reason": "",
            "overridden_by": None,
            "overridden_at": None,
        }
    else:
        reason_text = _text(reason, _("変更の理由"), REASON_MAX)
        if not reason_text:
            raise ValidationError(
                _("「%(track)s」の結果を「%(outcome)s」に変更する理由を入力してください。")
                % {"track": track.label, "outcome": outcome.label}
            )
        values = {
            "outcome": outcome.key,
            "effect": outcome.effect,
            "override_reason": reason_text,
            "overridden_by": actor,
            "overridden_at": timezone.now(),
        }
    with transaction.atomic():
        for key, value in values.items():
            setattr(row, key, value)
        row.full_clean()
        row.save()
        Review.objects.filter(pk=review.pk).update(
            status=ReviewStatus.ANSWERING, updated_at=timezone.now()
        )
        review.status = ReviewStatus.ANSWERING
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=review,
            changes={
                "override": {
                    "track": track_key,
                    "proposed": row.proposed,
                    "before": before,
                    "after": {"outcome": row.outcome, "reason": row.override_reason},
                }
            },
        )
    return row


def missing_tracks(review: Review) -> list[str]:
    """Labels of the applicable tracks still without an outcome."""
    definition = criteria_access.Definition(review.criteria_version.definition)
    done = set(
        ReviewTrack.objects.filter(review=review)
        .exclude(outcome="")
        .values_list("track", flat=True)
    )
    return [
        t.label for t in criteria_access.applicable_tracks(review, definition) if t.key not in done
    ]


def submit(*, actor: User, review: Review) -> Review:
    """Ask the unit head to approve (回答中 → 承認待ち): every track needs an outcome."""
    _require_answer_scope(actor, review)
    if review.status not in EDITABLE:
        raise ValidationError(_("この見直しは承認を依頼できる状態ではありません。"))
    missing = missing_tracks(review)
    if missing:
        raise ValidationError(
            _("まだ結果の出ていない観点があります：%(tracks)s。質問にすべて答えてください。")
            % {"tracks": "、".join(missing)}
        )
    now = timezone.now()
    with transaction.atomic():
        save_audited(
            actor=actor,
            obj=review,
            creating=False,
            fields=("status", "submitted_by", "submitted_at"),
            values={
                "status": ReviewStatus.SUBMITTED,
                "submitted_by": actor,
                "submitted_at": now,
                "updated_at": now,
            },
        )
        notify_approvers(review.unit)
    return review


def notify_approvers(unit: Unit) -> int:
    """Tell the heads of ``unit`` (or of the nearest unit above with one) that answers wait
    for their approval: one unread notice per head at a time, however many items wait
    (a head who has not opened the last one is not told again). Returns notices sent."""
    from yakuba.notifications.models import Notice
    from yakuba.notifications.selectors import unit_heads
    from yakuba.notifications.services import notify

    url = reverse("reviews:worklist") + "?show=approve"
    heads = [
        h
        for h in unit_heads(unit)
        if not Notice.objects.filter(recipient=h, url=url, read_at__isnull=True).exists()
    ]
    if not heads:
        return 0
    return len(
        notify(
            heads,
            subject=_("承認待ちの見直しがあります（%(unit)s）") % {"unit": unit.name},
            body=_("手続・会議の見直しの回答が承認を待っています。"),
            url=url,
            purpose="reviews.approval",
        )
    )


def _notify_sent_back(review: Review, comment: str) -> int:
    """Tell whoever answered and submitted the item that it came back (one unread notice
    per item and person at a time)."""
    from yakuba.notifications.models import Notice
    from yakuba.notifications.services import notify

    url = reverse("reviews:review_detail", args=[review.pk])
    ids = [i for i in (review.answered_by_id, review.submitted_by_id) if i is not None]
    people = [
        u
        for u in User.objects.filter(pk__in=ids, is_active=True).order_by("pk")
        if not Notice.objects.filter(recipient=u, url=url, read_at__isnull=True).exists()
    ]
    if not people:
        return 0
    return len(
        notify(
            people,
            subject=_("見直しが差し戻されました：%(item)s") % {"item": review.item},
            body=comment,
            url=url,
            purpose="reviews.sent_back",
        )
    )


def approve(*, actor: User, review: Review) -> Review:
    """The unit head approves (承認待ち → 決定); the change list gets the usual tasks of
    each decided change (owners and dates are the unit's to fill in)."""
    _require_approve_scope(actor, review)
    if review.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("承認待ちの見直しではありません。"))
    now = timezone.now()
    with transaction.atomic():
        save_audited(
            actor=actor,
            obj=review,
            creating=False,
            fields=("status", "decided_by", "decided_at", "return_note"),
            values={
                "status": ReviewStatus.DECIDED,
                "decided_by": actor,
                "decided_at": now,
                "return_note": "",
                "updated_at": now,
            },
        )
        created = _suggest_tasks(actor, review)
        if created:
            record(
                AuditAction.CREATE,
                actor=actor,
                object_type="reviews.changetask",
                object_id=str(review.pk),
                object_repr=str(review)[:200],
                changes={"tasks_suggested": created},
            )
    return review


def send_back(*, actor: User, review: Review, comment: str) -> Review:
    """Send an item back to the owning unit with a comment (→ 回答中): the unit head while
    it waits for approval, the planning unit once it is decided."""
    if review.status == ReviewStatus.SUBMITTED:
        _require_approve_scope(actor, review)
    elif review.status == ReviewStatus.DECIDED:
        _require(scoping.can_manage(actor), "only the planning unit sends back decided reviews")
    else:
        raise ValidationError(_("承認待ちか決定済みの見直しだけを差し戻せます。"))
    text = _text(comment, _("差し戻しの理由"), 2000)
    if not text:
        raise ValidationError(_("差し戻す理由を入力してください。"))
    now = timezone.now()
    with transaction.atomic():
        save_audited(
            actor=actor,
            obj=review,
            creating=False,
            fields=("status", "return_note", "sent_back_by", "sent_back_at"),
            values={
                "status": ReviewStatus.ANSWERING,
                "return_note": text,
                "sent_back_by": actor,
                "sent_back_at": now,
                "updated_at": now,
            },
        )
        _notify_sent_back(review, text)
    return review


def may_mark_implemented(actor: Any, review: Review) -> bool:
    return (
        scoping.can_manage(actor)
        or scoping.approvable_reviews(actor).filter(pk=review.pk).exists()
        or scoping.answerable_reviews(actor).filter(pk=review.pk).exists()
    )


def mark_implemented(*, actor: User, review: Review, on: dt.date) -> Review:
    """Record that a decided change is in force (決定 → 実施済) from ``on``: the owning
    unit, its head or the planning unit."""
    if not may_mark_implemented(actor, review):
        _require_answer_scope(actor, review)
    if review.status != ReviewStatus.DECIDED:
        raise ValidationError(_("決定した見直しだけを実施済にできます。"))
    if review.decided_at is not None and on < timezone.localdate(review.decided_at):
        raise ValidationError(_("実施日は決定した日以降にしてください。"))
    if on > timezone.localdate() + dt.timedelta(days=366):
        raise ValidationError(_("実施日が先すぎます。1年以内の日付を入力してください。"))
    with transaction.atomic():
        save_audited(
            actor=actor,
            obj=review,
            creating=False,
            fields=("status", "implemented_on"),
            values={
                "status": ReviewStatus.IMPLEMENTED,
                "implemented_on": on,
                "updated_at": timezone.now(),
            },
        )
    return review


# --- the change list -----------------------------------------------------------------------

#: What a decided change usually calls for (kind, description) — suggested at approval.
_SUGGESTED: dict[str, Sequence[tuple[str, str]]] = {
    OutcomeEffect.SEAL_ABOLISHED: (
        (ChangeKind.FORM, "様式から押印欄を削除する"),
        (ChangeKind.WEBSITE, "ホームページ・案内の「押印」の記載を削除する"),
    ),
    OutcomeEffect.SEAL_SUBSTITUTED: ((ChangeKind.FORM, "様式の押印欄を署名欄に改める"),),
    OutcomeEffect.ONLINE: (
        (ChangeKind.SYSTEM, "電子申請の受付を設定する"),
        (ChangeKind.WEBSITE, "ホームページに電子申請の方法を掲載する"),
    ),
    OutcomeEffect.PAPER_SIMPLIFIED: ((ChangeKind.NOTICE, "メール・郵送での受付方法を案内する"),),
    OutcomeEffect.NO_VISIT: ((ChangeKind.NOTICE, "来庁不要となったことを案内する"),),
    OutcomeEffect.BY_APPOINTMENT: ((ChangeKind.NOTICE, "予約の方法を案内する"),),
    OutcomeEffect.ATTACHMENT_OMITTED: (
        (ChangeKind.FORM, "様式の添付書類欄を改める"),
        (ChangeKind.NOTICE, "案内から省略した添付書類を削除する"),
    ),
    OutcomeEffect.MEETING_ABOLISHED: (
        (ChangeKind.OTHER, "会議の廃止を参加者に連絡し、予定を削除する"),
    ),
    OutcomeEffect.MEETING_REPORT_INSTEAD: (
        (ChangeKind.OTHER, "報告の方法（文書・掲示板）を決めて参加者に連絡する"),
    ),
    OutcomeEffect.MEETING_MERGED: (
        (ChangeKind.OTHER, "統合先の会議の議題に加え、参加者に連絡する"),
    ),
    OutcomeEffect.MEETING_FEWER_PARTICIPANTS: ((ChangeKind.OTHER, "参加者を見直して案内を改める"),),
    OutcomeEffect.MEETING_SHORTENED: ((ChangeKind.OTHER, "会議時間を短縮し、予定を改める"),),
    OutcomeEffect.MEETING_ONLINE: (
        (ChangeKind.OTHER, "オンライン開催の案内（Web会議の接続先）を設定する"),
    ),
}


def _suggest_tasks(actor: User | None, review: Review) -> int:
    """The usual tasks of the decided changes (once per review: none if it has tasks)."""
    if review.change_tasks.exists():
        return 0
    effects = list(
        ReviewTrack.objects.filter(review=review).order_by("pk").values_list("effect", flat=True)
    )
    seen: set[tuple[str, str]] = set()
    tasks = []
    for effect in effects:
        for kind, text in _SUGGESTED.get(effect, ()):
            if (kind, text) not in seen:
                seen.add((kind, text))
                tasks.append(
                    ChangeTask(
                        review=review,
                        unit=review.unit,
                        kind=kind,
                        description=text,
                        created_by=actor,
                    )
                )
    ChangeTask.objects.bulk_create(tasks)
    return len(tasks)


def _require_task_scope(actor: Any, review: Review) -> None:
    if not may_mark_implemented(actor, review):
        _require_answer_scope(actor, review)


def add_task(
    *,
    actor: User,
    review: Review,
    kind: str,
    description: str,
    owner: Any = None,
    due_on: dt.date | None = None,
) -> ChangeTask:
    """A task of the change list (e.g. 様式の改正), for a decided review."""
    _require_task_scope(actor, review)
    if review.status not in DONE:
        raise ValidationError(_("変更作業は見直しが決定してから登録します。"))
    if kind not in ChangeKind.values:
        raise ValidationError(_("変更作業の種類を選んでください。"))
    text = _text(description, _("内容"), 500, multiline=False)
    if not text:
        raise ValidationError(_("変更作業の内容を入力してください。"))
    with transaction.atomic():
        task: ChangeTask = save_audited(
            actor=actor,
            obj=ChangeTask(review=review, unit=review.unit, created_by=actor),
            creating=True,
            fields=("kind", "description", "owner", "due_on"),
            values={"kind": kind, "description": text, "owner": owner, "due_on": due_on},
        )
    return task


def update_task(
    *, actor: User, task: ChangeTask, owner: Any, due_on: dt.date | None, done: bool
) -> ChangeTask:
    """Set the task's owner and due date, and mark it done (or not done again)."""
    _require_task_scope(actor, task.review)
    was_done = task.done_at is not None
    values: dict[str, Any] = {"owner": owner, "due_on": due_on}
    if done and not was_done:
        values |= {"done_at": timezone.now(), "done_by": actor}
    elif not done and was_done:
        values |= {"done_at": None, "done_by": None}
    with transaction.atomic():
        save_audited(
            actor=actor,
            obj=task,
            creating=False,
            fields=("owner", "due_on", "done_at", "done_by"),
            values=values,
        )
    return task


# --- assumptions ---------------------------------------------------------------------------

#: Starting values (minutes of staff time saved per case) and why; the planning unit edits
#: them. A procedure's case is one application of its annual count; a meeting's is one
#: participant at one meeting (abolished or replaced by a report: the whole meeting).
DEFAULT_ASSUMPTIONS: dict[str, tuple[int, str]] = {
    OutcomeEffect.SEAL_ABOLISHED: (2, "押印漏れ・訂正印の確認と差し替えの手間"),
    OutcomeEffect.SEAL_SUBSTITUTED: (1, "押印漏れの確認が署名の確認に変わる分"),
    OutcomeEffect.ONLINE: (10, "窓口での受付・書類の確認・入力（電子申請ではデータで届く）"),
    OutcomeEffect.PAPER_SIMPLIFIED: (4, "書面の受付・回送（メール・郵送での受付）"),
    OutcomeEffect.NO_VISIT: (12, "窓口での対応（案内・待ち時間の対応を含む）"),
    OutcomeEffect.BY_APPOINTMENT: (4, "混雑時の待ち時間の対応の平準化"),
    OutcomeEffect.ATTACHMENT_OMITTED: (5, "添付書類の確認と不足の連絡（市で照会できる分）"),
    OutcomeEffect.MEETING_MERGED: (30, "統合で開催が減る分（参加者1人1回あたり）"),
    OutcomeEffect.MEETING_FEWER_PARTICIPANTS: (20, "参加しなくてよくなる人の分の平均"),
    OutcomeEffect.MEETING_SHORTENED: (15, "1回あたりの短縮時間"),
    OutcomeEffect.MEETING_ONLINE: (10, "会議室への移動・準備の時間"),
}


def install_default_assumptions(*, actor: User) -> int:
    """The starting assumptions for the effects that have none yet (audited)."""
    _require(scoping.can_manage(actor), "cannot change the assumptions")
    present = set(OutcomeAssumption.objects.values_list("effect", flat=True))
    missing = {k: v for k, v in DEFAULT_ASSUMPTIONS.items() if k not in present}
    return save_assumptions(actor=actor, values=missing) if missing else 0


def save_assumptions(*, actor: User, values: Mapping[str, tuple[int, str]]) -> int:
    """Minutes saved per case for each outcome effect, and the basis (出典・考え方).
    Returns how many rows changed."""
    _require(scoping.can_manage(actor), "cannot change the assumptions")
    rows = {a.effect: a for a in OutcomeAssumption.objects.all()}
    changed = 0
    with transaction.atomic():
        for effect, (minutes, basis) in values.items():
            if effect not in OutcomeEffect.values:
                raise ValidationError(_("不明な結果の区分です：%(key)s") % {"key": effect})
            if not 0 <= minutes <= 10000:
                raise ValidationError(_("削減時間は0〜10000分で入力してください。"))
            text = _text(basis, _("出典・考え方"), 200, multiline=False)
            row = rows.get(effect)
            if row is not None and (row.minutes_saved_per_case, row.basis) == (minutes, text):
                continue
            save_audited(
                actor=actor,
                obj=row or OutcomeAssumption(effect=effect),
                creating=row is None,
                fields=("minutes_saved_per_case", "basis"),
                values={"minutes_saved_per_case": minutes, "basis": text, "updated_by": actor},
            )
            changed += 1
    return changed

"""Writes: reporting, triage, the timeline, closing and lessons drawn from incidents.

Each write is one transaction, audited; the reporter is told (in-app) when infosec writes
something meant for them, and infosec is told of every new report that is not a drill.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.incidents.models import (
    TOPIC_OF,
    Category,
    EntryKind,
    Incident,
    Outcome,
    Status,
    TimelineEntry,
)
from yakuba.security import signals

logger = logging.getLogger(__name__)

REPORT_FIELDS = ("category", "occurred_at", "place", "description", "personal_data")
TRIAGE_FIELDS = ("category", "severity", "personal_data_confirmed", "people_affected")


def _staff_of(user: Any) -> Any:
    return getattr(user, "staff", None)


def _tell_infosec(incident: Incident) -> None:
    from yakuba.notifications.services import IN_APP, notify

    infosec = get_user_model().objects.filter(role=Role.INFOSEC, is_active=True)
    notify(
        infosec,
        subject=_("インシデントの報告：%(category)s（%(number)s）")
        % {"category": incident.get_category_display(), "number": incident.number},
        body=incident.description[:300],
        url=reverse("incidents:triage_detail", args=[incident.pk]),
        channels=(IN_APP,),
        purpose="incidents.reported",
    )


def _tell_reporter(incident: Incident, text: str) -> None:
    from yakuba.notifications.services import IN_APP, notify

    if incident.reporter is None:
        return
    notify(
        [incident.reporter],
        subject=_("報告したインシデント（%(number)s）の対応が更新されました")
        % {"number": incident.number},
        body=text[:300],
        url=reverse("incidents:mine_detail", args=[incident.pk]),
        channels=(IN_APP,),
        purpose="incidents.update",
    )


def _entry(
    incident: Incident, *, actor: Any, kind: str, text: str, for_reporter: bool
) -> TimelineEntry:
    entry = TimelineEntry(
        incident=incident,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        text=text,
        for_reporter=for_reporter,
    )
    entry.full_clean()
    entry.save()
    return entry


def _create(actor: Any, values: Mapping[str, Any]) -> Incident:
    """Validate and save a new report; the trail records its kind, not its text (which may
    hold personal data: it stays in the incident, read only by the reporter and infosec)."""
    incident = Incident(reporter=actor, **{"reported_at": timezone.now(), **values})
    incident.full_clean()
    incident.save()
    record(
        AuditAction.CREATE,
        actor=actor,
        obj=incident,
        changes={
            "category": incident.category,
            "personal_data": incident.personal_data,
            "occurred_at": incident.occurred_at.isoformat() if incident.occurred_at else None,
        },
    )
    return incident


def report(*, actor: Any, values: Mapping[str, Any]) -> Incident:
    with transaction.atomic():
        incident = _create(actor, {k: values[k] for k in REPORT_FIELDS})
        _entry(
            incident,
            actor=actor,
            kind=EntryKind.REPORTED,
            text=_("報告を受け付けました。情報セキュリティ担当が確認します。"),
            for_reporter=True,
        )
        _tell_infosec(incident)
    return incident


@dataclass(frozen=True)
class MailReport:
    incident: Incident
    drill: bool


def report_suspicious_mail(*, actor: Any, subject: str, sender: str, note: str = "") -> MailReport:
    """A suspicious mail from the 「不審なメールを報告」 action. The drills app is asked
    (`security.signals.suspicious_mail_reported`) whether it was one of its drill mails:
    then the report is closed as "訓練メールの報告" — reporting is what a drill rewards."""
    now = timezone.now()
    with transaction.atomic():
        incident = _create(
            actor,
            {
                "category": Category.SUSPICIOUS_MAIL,
                "mail_subject": subject,
                "mail_sender": sender,
                "description": note or _("不審なメールを受け取りました。"),
                "reported_at": now,
            },
        )
        _entry(
            incident,
            actor=actor,
            kind=EntryKind.REPORTED,
            text=_("不審なメールの報告を受け付けました。"),
            for_reporter=True,
        )
        staff = _staff_of(actor)
        drill = False
        if staff is not None:
            # A receiver that fails must not lose the report: a robust send in a savepoint
            # that is rolled back if any receiver failed (its writes may be half done).
            savepoint = transaction.savepoint()
            responses = signals.suspicious_mail_reported.send_robust(
                sender=Incident,
                staff=staff,
                reported_at=now,
                incident_id=incident.pk,
                mail_subject=subject,
                mail_sender=sender,
            )
            failed = any(isinstance(response, Exception) for _r, response in responses)
            if failed:
                transaction.savepoint_rollback(savepoint)
            else:
                transaction.savepoint_commit(savepoint)
            for receiver, response in responses:
                if isinstance(response, Exception):
                    logger.error(
                        "suspicious_mail_reported receiver %r failed: %r", receiver, response
                    )
            # A drill's credit rolled back with a failed receiver: infosec looks at it instead.
            drill = not failed and signals.claimed_as_drill(
                cast(list[tuple[object, object]], responses)
            )
        if drill:
            _close(
                incident,
                actor=None,
                outcome=Outcome.DRILL_REPORT,
                message=_("訓練メールでした。報告ありがとうございます。"),
            )
        else:
            _tell_infosec(incident)
    return MailReport(incident, drill)


def _check_open(incident: Incident) -> None:
    if incident.status == Status.CLOSED:
        raise ValidationError(_("完了したインシデントは変更できません。"))


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def triage(*, actor: Any, incident: Incident, values: Mapping[str, Any]) -> Incident:
    with transaction.atomic():
        incident = _lock(incident)
        _check_open(incident)
        before = {f: getattr(incident, f) for f in TRIAGE_FIELDS}
        save_audited(
            actor=actor,
            obj=incident,
            creating=False,
            fields=(*TRIAGE_FIELDS, "status"),
            values={
                **{k: values[k] for k in TRIAGE_FIELDS},
                "status": Status.IN_PROGRESS,
            },
        )
        changed = [
            str(getattr(Incident._meta.get_field(f), "verbose_name", f))
            for f in TRIAGE_FIELDS
            if before[f] != getattr(incident, f)
        ]
        if changed:
            _entry(
                incident,
                actor=actor,
                kind=EntryKind.TRIAGE,
                text=_("評価を記録しました（%(fields)s）：重大度 %(severity)s、影響人数 %(people)s")
                % {
                    "fields": "、".join(changed),
                    "severity": incident.get_severity_display() or "—",
                    "people": incident.people_affected
                    if incident.people_affected is not None
                    else "—",
                },
                for_reporter=False,
            )
    return incident


def add_entry(*, actor: Any, incident: Incident, text: str, for_reporter: bool) -> TimelineEntry:
    with transaction.atomic():
        incident = _lock(incident)
        _check_open(incident)
        entry = _entry(
            incident,
            actor=actor,
            kind=EntryKind.ACTION if for_reporter else EntryKind.NOTE,
            text=text,
            for_reporter=for_reporter,
        )
        if incident.status == Status.REPORTED:
            incident.status = Status.IN_PROGRESS
            incident.save(update_fields=["status"])
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=entry,
            changes={"incident": incident.pk, "for_reporter": for_reporter, "length": len(text)},
        )
        if for_reporter:
            _tell_reporter(incident, text)
    return entry


def _close(incident: Incident, *, actor: Any, outcome: str, message: str) -> None:
    before = incident.status
    incident.status = Status.CLOSED
    incident.outcome = outcome
    incident.closed_at = timezone.now()
    incident.save(update_fields=["status", "outcome", "closed_at"])
    _entry(incident, actor=actor, kind=EntryKind.CLOSED, text=message, for_reporter=True)
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=incident,
        changes={"status": [before, Status.CLOSED], "outcome": outcome},
    )


def close(*, actor: Any, incident: Incident, outcome: str, message: str) -> Incident:
    if outcome not in Outcome.values:
        raise ValidationError(_("結果を選んでください。"))
    with transaction.atomic():
        incident = _lock(incident)
        _check_open(incident)
        text = message or _("対応を完了しました。")
        _close(incident, actor=actor, outcome=outcome, message=text)
        _tell_reporter(incident, text)
    return incident


@dataclass(frozen=True)
class LessonDraft:
    title: str
    body: str
    question: str
    explanation: str
    choices: Sequence[tuple[str, bool]]


def draft_lesson(*, actor: Any, incident: Incident, draft: LessonDraft) -> Any:
    """A lesson and a question for the bank, both inactive (a draft infosec reviews and
    activates in the bank). Returns the lesson."""
    from yakuba.awareness.models import Choice, Lesson, Question, QuestionKind

    correct = [c for c in draft.choices if c[1]]
    if len(draft.choices) < 2 or len(correct) != 1:
        raise ValidationError(_("選択肢は2つ以上、正解はちょうど1つにしてください。"))
    topic = TOPIC_OF.get(Category(incident.category), TOPIC_OF[Category.OTHER])
    with transaction.atomic():
        incident = _lock(incident)
        n = Lesson.objects.filter(code__startswith=f"INC-{incident.pk}-").count() + 1
        code = f"INC-{incident.pk}-{n}"
        lesson = save_audited(
            actor=actor,
            obj=Lesson(),
            creating=True,
            fields=("code", "topic", "title", "body", "source", "active"),
            values={
                "code": code,
                "topic": topic,
                "title": draft.title,
                "body": draft.body,
                "source": _("本市のインシデント事例（匿名化）"),
                "active": False,
            },
        )
        question = save_audited(
            actor=actor,
            obj=Question(),
            creating=True,
            fields=("code", "lesson", "topic", "kind", "text", "explanation", "source", "active"),
            values={
                "code": f"{code}-Q1",
                "lesson": lesson,
                "topic": topic,
                "kind": QuestionKind.SINGLE,
                "text": draft.question,
                "explanation": draft.explanation,
                "source": _("本市のインシデント事例（匿名化）"),
                "active": False,
            },
        )
        for order, (text, is_correct) in enumerate(draft.choices, start=1):
            choice = Choice(question=question, order=order, text=text, correct=is_correct)
            choice.full_clean()
            choice.save()
        _entry(
            incident,
            actor=actor,
            kind=EntryKind.LESSON,
            text=_("匿名化した教材の下書き（%(code)s）を問題バンクに作成しました。")
            % {"code": code},
            for_reporter=False,
        )
    return lesson

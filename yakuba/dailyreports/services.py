"""Morning-report writes: set-up, reports (draft/submit/late), health checks, blockers.

Each public function runs in a transaction and records what it changed in the audit
trail. Health values never go into the trail or into notices: only that a check exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.text import search_key
from yakuba.dailyreports import window as win
from yakuba.dailyreports.models import (
    DEFAULT_QUESTIONS,
    Blocker,
    BlockerStatus,
    HealthCheck,
    Question,
    QuestionKind,
    Report,
    ReportSource,
    ReportStatus,
    ReportWindow,
)
from yakuba.notifications.services import notify
from yakuba.org.models import Staff, Unit

WINDOW_FIELDS = (
    "enabled",
    "opens_at",
    "closes_at",
    "reminder_minutes",
    "workdays",
    "work_on_holidays",
    "health_check",
    "fever_threshold",
    "digest_in_app",
    "digest_email",
    "remind_email",
    "remind_chat",
    "escalate_after_days",
    "health_retention_days",
)


def get_window(unit: Unit) -> ReportWindow | None:
    return ReportWindow.objects.filter(unit=unit).first()


@transaction.atomic
def ensure_window(unit: Unit, *, actor: Any = None) -> ReportWindow:
    """The unit's set-up, created with the default questions on first use."""
    window, created = ReportWindow.objects.get_or_create(unit=unit)
    if created:
        Question.objects.bulk_create(
            Question(window=window, kind=kind, text=text, required=required, position=i)
            for i, (kind, text, required) in enumerate(DEFAULT_QUESTIONS)
        )
        record(AuditAction.CREATE, actor=actor, obj=window)
    return window


@transaction.atomic
def save_window(
    *,
    actor: Any,
    window: ReportWindow,
    values: Mapping[str, Any],
    channels: Iterable[Any],
    questions: Iterable[Mapping[str, Any]],
) -> ReportWindow:
    """Update the set-up. `questions`: dicts with id (None = new), text, kind, position,
    required, active, delete."""
    stored = ReportWindow.objects.get(pk=window.pk)
    changes: dict[str, Any] = {}
    for name in WINDOW_FIELDS:
        old, new = getattr(stored, name), values.get(name, getattr(stored, name))
        if old != new:
            changes[name] = [str(old), str(new)]
        setattr(window, name, new)
    window.full_clean()
    window.save()
    old_channels = set(window.channels.values_list("pk", flat=True))
    window.channels.set(list(channels))
    if set(window.channels.values_list("pk", flat=True)) != old_channels:
        changes["channels"] = "(changed)"
    for q in questions:
        if q.get("id"):
            question = window.questions.get(pk=q["id"])
            if q.get("delete"):
                question.delete()
                changes[f"question {question.pk}"] = "deleted"
                continue
        elif q.get("delete") or not q.get("text"):
            continue
        else:
            question = Question(window=window)
        before = (question.text, question.kind, question.position, question.required)
        for field in ("text", "kind", "position", "required", "active"):
            setattr(question, field, q.get(field, getattr(question, field)))
        question.full_clean(exclude=["window"])
        question.save()
        if before != (question.text, question.kind, question.position, question.required):
            changes[f"question {question.pk}"] = question.text
    if changes:
        record(AuditAction.UPDATE, actor=actor, obj=window, changes=changes)
    return window


def unit_heads(unit: Unit) -> list[Any]:
    """Accounts of the unit's heads; if the unit has none, those of the nearest unit above."""
    user_model = get_user_model()
    units = [unit, *reversed(unit.ancestors())]
    for candidate in units:
        heads = list(
            user_model.objects.filter(
                role=Role.UNIT_HEAD, is_active=True, staff__unit=candidate, staff__active=True
            )
        )
        if heads:
            return heads
    return []


def _answers(questions: list[Question], values: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        {"q": q.text, "kind": q.kind, "a": (values.get(str(q.pk)) or "").strip()} for q in questions
    ]


def _check_required(answers: list[dict[str, Any]], questions: list[Question]) -> None:
    required = {q.text for q in questions if q.required}
    missing = [a["q"] for a in answers if a["q"] in required and not a["a"]]
    if missing:
        raise ValidationError(_("必須の質問に答えてください: %(q)s") % {"q": "、".join(missing)})


def _save_health(
    report: Report, window: ReportWindow, health: Mapping[str, Any]
) -> HealthCheck | None:
    temperature: Decimal | None = health.get("temperature")
    symptoms = (health.get("symptoms") or "").strip()
    if temperature is None and not symptoms:
        HealthCheck.objects.filter(report=report).delete()
        return None
    stay_home = bool(symptoms) or (
        temperature is not None and temperature >= window.fever_threshold
    )
    check, _created = HealthCheck.objects.get_or_create(report=report)
    was_alerted = check.stay_home and not _created
    check.temperature, check.symptoms, check.stay_home = temperature, symptoms[:200], stay_home
    check.save()
    if stay_home and not was_alerted:
        # The alert says who and where to look, never the values (they stay in the audited view).
        notify(
            unit_heads(report.unit),
            subject=_("体調確認: %(name)s さんが出勤を控える基準に該当しました")
            % {"name": report.staff.name},
            url=reverse("dailyreports:report_detail", args=[report.pk]),
            purpose=f"health:{report.pk}",
        )
    return check


def _track_blocker(report: Report, today: dt.date) -> None:
    text = report.answer_of(QuestionKind.BLOCKER).strip()
    if not text:
        return
    existing = Blocker.objects.filter(
        owner=report.staff, text=text, status__in=(BlockerStatus.OPEN, BlockerStatus.IN_PROGRESS)
    ).first()
    if existing is not None:
        existing.last_reported_on = report.date
        existing.save(update_fields=["last_reported_on"])
        return
    blocker = Blocker.objects.create(
        unit=report.unit,
        owner=report.staff,
        text=text,
        source_report=report,
        opened_on=report.date,
        last_reported_on=report.date,
    )
    record(AuditAction.CREATE, actor=None, obj=blocker, actor_label="dailyreports")


def _still_editable(report: Report, window: ReportWindow, now: dt.datetime) -> bool:
    """Until the window closes; a late report (sent after the close) until the day ends."""
    if win.is_open_for_edit(window, report.date, now):
        return True
    return report.late and timezone.localdate(now) == report.date


@transaction.atomic
def save_report(
    *,
    actor: Any,
    staff: Staff,
    day: dt.date,
    answers: Mapping[str, str],
    work_place: str,
    plan_done: Iterable[int] = (),
    health: Mapping[str, Any] | None = None,
    submit: bool = True,
    source: str = ReportSource.WEB,
    now: dt.datetime | None = None,
) -> Report:
    """Save a draft or submit. After the window closes a submitted report is final; a first
    submission after the close is accepted and marked late."""
    now = now or timezone.now()
    window = get_window(staff.unit)
    if window is None or not window.enabled:
        raise ValidationError(_("この所属では朝の業務報告を行っていません。"))
    report = Report.objects.select_for_update().filter(staff=staff, date=day).first()
    creating = report is None
    if report is None:
        report = Report(staff=staff, unit=staff.unit, date=day)
    elif report.status == ReportStatus.SUBMITTED and not _still_editable(report, window, now):
        raise PermissionDenied(_("受付時間が終わったため、提出済みの報告は変更できません。"))
    questions = list(window.questions.filter(active=True))
    report.answers = _answers(questions, answers)
    if submit:
        _check_required(report.answers, questions)
    report.work_place = work_place
    ticked = {int(i) for i in plan_done}
    if ticked:
        yesterday_plan = previous_report(staff, day)
        count = len(yesterday_plan.plan_lines) if yesterday_plan else 0
        report.plan_done = sorted(i for i in ticked if 0 <= i < count)
    else:
        report.plan_done = []
    report.search_text = search_key(" ".join(a["a"] for a in report.answers))
    before = None if creating else report.status
    if submit and report.status != ReportStatus.SUBMITTED:
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        report.late = win.is_late(window, day, now)
    report.source = source
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Two submissions raced (double tap, chat + web): the other one won.
        raise ValidationError(_("同時に保存されました。もう一度お試しください。")) from None
    changes: dict[str, Any] = {"status": [before, report.status]}
    if report.late:
        changes["late"] = True
    if window.health_check and health is not None:
        _save_health(report, window, health)
        changes["health"] = "(changed)"
    if report.status == ReportStatus.SUBMITTED:
        _track_blocker(report, day)
    record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor,
        obj=report,
        changes=changes,
    )
    return report


def previous_report(staff: Staff, day: dt.date) -> Report | None:
    """The person's last submitted report before `day` (the plan to tick off)."""
    return (
        Report.objects.filter(staff=staff, date__lt=day, status=ReportStatus.SUBMITTED)
        .order_by("-date")
        .first()
    )


@transaction.atomic
def update_blocker(
    *, actor: Any, blocker: Blocker, status: str, helpers: Iterable[Staff], today: dt.date
) -> Blocker:
    before = (blocker.status, sorted(blocker.helpers.values_list("pk", flat=True)))
    blocker.status = status
    blocker.resolved_on = today if status == BlockerStatus.RESOLVED else None
    blocker.save(update_fields=["status", "resolved_on"])
    blocker.helpers.set(list(helpers))
    after = (blocker.status, sorted(blocker.helpers.values_list("pk", flat=True)))
    if before != after:
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=blocker,
            changes={"status": [before[0], after[0]], "helpers": [before[1], after[1]]},
        )
    return blocker


@transaction.atomic
def resolve_own_blockers(*, actor: Any, staff: Staff, ids: Iterable[int], today: dt.date) -> int:
    """From the report form: the owner ticks carried-over blockers as resolved."""
    ids = list(ids)
    if not ids:
        return 0
    blockers = Blocker.objects.filter(pk__in=ids, owner=staff).exclude(
        status=BlockerStatus.RESOLVED
    )
    count = 0
    for blocker in blockers:
        blocker.status, blocker.resolved_on = BlockerStatus.RESOLVED, today
        blocker.save(update_fields=["status", "resolved_on"])
        record(AuditAction.UPDATE, actor=actor, obj=blocker, changes={"status": "resolved"})
        count += 1
    return count


@transaction.atomic
def escalate_blockers(unit: Unit, today: dt.date) -> list[Blocker]:
    """Open blockers older than the unit's threshold go to the unit above (once)."""
    window = get_window(unit)
    if window is None or unit.parent_id is None:
        return []
    limit = today - dt.timedelta(days=window.escalate_after_days)
    due = list(
        Blocker.objects.filter(
            unit=unit,
            status__in=(BlockerStatus.OPEN, BlockerStatus.IN_PROGRESS),
            opened_on__lte=limit,
            escalated_to__isnull=True,
        ).select_related("owner")
    )
    if not due:
        return []
    parent = unit.parent
    for blocker in due:
        blocker.escalated_to, blocker.escalated_on = parent, today
        blocker.save(update_fields=["escalated_to", "escalated_on"])
        record(
            AuditAction.UPDATE,
            actor=None,
            actor_label="scheduler",
            obj=blocker,
            changes={"escalated_to": [None, str(parent)]},
        )
    notify(
        unit_heads(parent),
        subject=_("%(unit)s の困りごと %(n)s 件が %(days)s 日以上未解決です")
        % {"unit": unit.name, "n": len(due), "days": window.escalate_after_days},
        body="\n".join(f"・{b.owner.name}: {b.text[:80]}" for b in due),
        url=reverse("dailyreports:blockers") + f"?unit={unit.pk}",
        purpose=f"escalate:{unit.pk}:{today}",
    )
    return due


@transaction.atomic
def purge_health_checks(today: dt.date) -> int:
    """Delete health checks older than each unit's retention (default 30 days)."""
    deleted = 0
    for window in ReportWindow.objects.all():
        cutoff = today - dt.timedelta(days=window.health_retention_days)
        n, _detail = HealthCheck.objects.filter(
            report__unit_id=window.unit_id, report__date__lt=cutoff
        ).delete()
        deleted += n
    default_cutoff = today - dt.timedelta(days=30)
    n, _detail = (
        HealthCheck.objects.filter(report__date__lt=default_cutoff)
        .exclude(report__unit__report_window__isnull=False)
        .delete()
    )
    deleted += n
    if deleted:
        record(
            AuditAction.DELETE,
            actor=None,
            actor_label="scheduler",
            object_type="dailyreports.healthcheck",
            object_repr=f"purged {deleted} health checks",
        )
    return deleted

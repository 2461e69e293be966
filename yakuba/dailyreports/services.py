"""Morning-report writes: set-up, reports (draft/submit/late), health checks, blockers.

Each public function runs in one transaction and records what it changed in the audit
trail in the name of whoever acted (a scheduled step: the name of its job, e.g.
"dailyreports.window", from `core.system_actor`). Health values
never go into the trail or into notices: only that a check exists. Reads: `selectors`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.text import check_text, search_key
from yakuba.dailyreports import selectors
from yakuba.dailyreports import window as win
from yakuba.dailyreports.models import (
    DEFAULT_QUESTIONS,
    MAX_ANSWER,
    MAX_SYMPTOMS,
    MAX_TEMPERATURE,
    MIN_TEMPERATURE,
    Blocker,
    BlockerStatus,
    HealthCheck,
    Question,
    QuestionKind,
    Report,
    ReportSource,
    ReportStatus,
    ReportWindow,
    WorkPlace,
)
from yakuba.notifications.selectors import unit_heads
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


@transaction.atomic
def ensure_window(unit: Unit, *, actor: User | None = None) -> ReportWindow:
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
    actor: User,
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
    if window.closes_at <= window.opens_at:
        raise ValidationError(_("締切は受付開始より後にしてください。"))
    channels = list(channels)
    usable = set(window.unit.channels.filter(active=True).values_list("pk", flat=True))
    if any(c.pk not in usable for c in channels):
        raise ValidationError(_("この所属のチャット連携から選んでください。"))
    window.save()
    old_channels = set(window.channels.values_list("pk", flat=True))
    window.channels.set(channels)
    if {c.pk for c in channels} != old_channels:
        changes["channels"] = "(changed)"
    for q in questions:
        if q.get("id"):
            question = window.questions.filter(pk=q["id"]).first()
            if question is None:
                # Another unit's question, or one deleted meanwhile in another tab.
                raise ValidationError(_("質問が見つかりません。画面を開き直してください。"))
            if q.get("delete"):
                changes[f"question {question.pk}"] = "deleted"
                question.delete()
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


def _check_values(
    answers: Mapping[str, str], work_place: str, health: Mapping[str, Any] | None
) -> None:
    """The limits every door (web form, chat command) must meet; the form shows the same
    ones next to its fields."""
    if work_place and work_place not in WorkPlace.values:
        raise ValidationError(_("勤務場所を選び直してください。"))
    for text in answers.values():
        # The same rule as the form's answer fields (core.text): length, no control characters.
        check_text(text or "", max_length=MAX_ANSWER, multiline=True, label=_("回答"))
    if not health:
        return
    temperature = health.get("temperature")
    if temperature is not None and not MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE:
        raise ValidationError(
            _("体温は %(min)s ℃ から %(max)s ℃ の間で入力してください。")
            % {"min": MIN_TEMPERATURE, "max": MAX_TEMPERATURE}
        )
    check_text(health.get("symptoms") or "", max_length=MAX_SYMPTOMS, label=_("症状"))


def _merged_answers(
    questions: list[Question], values: Mapping[str, str], stored: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One answer per active question, with the question's text of the day; a question
    missing from `values` keeps its stored answer."""
    kept = {a["q"]: a["a"] for a in stored}
    return [
        {
            "q": q.text,
            "kind": q.kind,
            "a": (values[str(q.pk)] if str(q.pk) in values else kept.get(q.text, "") or "").strip(),
        }
        for q in questions
    ]


def _check_required(answers: list[dict[str, Any]], questions: list[Question]) -> None:
    required = {q.text for q in questions if q.required}
    missing = [a["q"] for a in answers if a["q"] in required and not a["a"]]
    if missing:
        raise ValidationError(_("必須の質問に答えてください: %(q)s") % {"q": "、".join(missing)})


def _plan_ticks(staff: Staff, day: dt.date, ticked: Iterable[int]) -> list[int]:
    """The ticked lines of the previous plan that exist (anything else is dropped)."""
    ticked = {int(i) for i in ticked}
    if not ticked:
        return []
    previous = selectors.previous_report(staff, day)
    count = len(previous.plan_lines) if previous is not None else 0
    return sorted(i for i in ticked if 0 <= i < count)


def _save_health(report: Report, window: ReportWindow, health: Mapping[str, Any]) -> bool:
    """Store, change or (both values empty) delete the report's health check; alert the
    unit head once when it meets the stay-home rule. Returns whether anything changed."""
    temperature: Decimal | None = health.get("temperature")
    symptoms = (health.get("symptoms") or "").strip()
    existing = HealthCheck.objects.filter(report=report).first()
    if temperature is None and not symptoms:
        if existing is None:
            return False
        existing.delete()
        return True
    stay_home = bool(symptoms) or (
        temperature is not None and temperature >= window.fever_threshold
    )
    if existing is not None and (existing.temperature, existing.symptoms, existing.stay_home) == (
        temperature,
        symptoms,
        stay_home,
    ):
        return False
    was_alerted = existing is not None and existing.stay_home
    check = existing or HealthCheck(report=report)
    check.temperature, check.symptoms, check.stay_home = temperature, symptoms, stay_home
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
    return True


def _track_blocker(
    actor: User | None, report: Report, origin: Mapping[str, str] | None = None
) -> None:
    """Today's blocker answer opens a blocker, or carries on the same open one."""
    via = {"origin": dict(origin)} if origin else {}
    text = report.answer_of(QuestionKind.BLOCKER).strip()
    if not text:
        return
    existing = selectors.open_blocker_with_text(report.staff, text)
    if existing is not None:
        if existing.last_reported_on != report.date:
            before = existing.last_reported_on
            existing.last_reported_on = report.date
            existing.save(update_fields=["last_reported_on"])
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=existing,
                changes={"last_reported_on": [str(before), str(report.date)], **via},
            )
        return
    blocker = Blocker.objects.create(
        unit=report.unit,
        owner=report.staff,
        text=text,
        source_report=report,
        opened_on=report.date,
        last_reported_on=report.date,
    )
    record(AuditAction.CREATE, actor=actor, obj=blocker, changes={"report": report.pk, **via})


def _resolve_carried(actor: User | None, staff: Staff, ids: Iterable[int], today: dt.date) -> None:
    """The owner ticks carried-over blockers as resolved (others' or unknown ids: ignored)."""
    ids = [int(i) for i in ids]
    if not ids:
        return
    for blocker in (
        Blocker.objects.select_for_update()
        .filter(pk__in=ids, owner=staff)
        .exclude(status=BlockerStatus.RESOLVED)
        .order_by("pk")
    ):
        before = blocker.status
        blocker.status, blocker.resolved_on = BlockerStatus.RESOLVED, today
        blocker.save(update_fields=["status", "resolved_on"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=blocker,
            changes={"status": [before, blocker.status]},
        )


@transaction.atomic
def save_report(
    *,
    actor: User | None,
    staff: Staff,
    day: dt.date,
    answers: Mapping[str, str],
    work_place: str = "",
    submit: bool = True,
    plan_done: Iterable[int] | None = None,
    resolved_blockers: Iterable[int] = (),
    health: Mapping[str, Any] | None = None,
    source: str = ReportSource.WEB,
    origin: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """A person's report for `day` from any door (web form, Slack, Mattermost): save a
    draft or submit it, together with the health check, yesterday's plan ticked off,
    today's blocker opened or carried on, and carried-over blockers resolved. One
    transaction: bad input or a failure anywhere leaves nothing written.

    * `answers`: question id → text; a question left out keeps its stored answer (a chat
      command may give only some).
    * `work_place`: "" keeps the stored place (a new report: the roster's, else office).
    * `plan_done`: indexes of the previous plan's lines; None keeps the stored ticks.
    * `health`: None keeps the stored check; empty values delete it.

    After the window closes a submitted report is final; a first submission after the
    close is accepted and marked late. Every change is audited in the name of `actor`;
    `origin` (a chat command's sender and place, see `chat.chat_origin`) goes with it.
    """
    now = now or timezone.now()
    if getattr(actor, "is_authenticated", False) and getattr(actor, "staff", None) != staff:
        raise PermissionDenied("a morning report is written by its own author only")
    window = selectors.get_window(staff.unit)
    if window is None or not window.enabled:
        raise ValidationError(_("この所属では朝の業務報告を行っていません。"))
    _check_values(answers, work_place, health)
    report = Report.objects.select_for_update().filter(staff=staff, date=day).first()
    creating = report is None
    if report is None:
        report = Report(
            staff=staff,
            unit=staff.unit,
            date=day,
            work_place=selectors.default_work_place(staff, day),
        )
    elif not win.can_change(window, report, now):
        raise ValidationError(_("受付時間が終わったため、提出済みの報告は変更できません。"))
    questions = selectors.active_questions(window)
    report.answers = _merged_answers(questions, answers, report.answers)
    if submit:
        _check_required(report.answers, questions)
    if work_place:
        report.work_place = work_place
    if plan_done is not None:
        report.plan_done = _plan_ticks(staff, day, plan_done)
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
    changes: dict[str, Any] = {"status": [before, report.status], "source": source}
    if origin:
        changes["origin"] = dict(origin)
    if report.late:
        changes["late"] = True
    if window.health_check and health is not None and _save_health(report, window, health):
        changes["health"] = "(changed)"
    record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor,
        obj=report,
        changes=changes,
    )
    if report.status == ReportStatus.SUBMITTED:
        _track_blocker(actor, report, origin)
    _resolve_carried(actor, staff, resolved_blockers, day)
    return report


@transaction.atomic
def update_blocker(
    *, actor: User, blocker: Blocker, status: str, helpers: Iterable[Staff], today: dt.date
) -> Blocker:
    """A unit head sets a blocker's status and who helps (people of the blocker's unit)."""
    if status not in BlockerStatus.values:
        raise ValidationError(_("状態を選び直してください。"))
    helpers = list(helpers)
    allowed = set(
        selectors.possible_helpers(blocker.unit)
        .filter(pk__in=[h.pk for h in helpers])
        .values_list("pk", flat=True)
    )
    if any(h.pk not in allowed for h in helpers):
        raise ValidationError(_("手伝える人はこの所属の職員から選んでください。"))
    blocker = Blocker.objects.select_for_update().get(pk=blocker.pk)
    before = (blocker.status, sorted(blocker.helpers.values_list("pk", flat=True)))
    if status == BlockerStatus.RESOLVED:
        blocker.resolved_on = blocker.resolved_on or today
    else:
        blocker.resolved_on = None
    blocker.status = status
    blocker.save(update_fields=["status", "resolved_on"])
    blocker.helpers.set(helpers)
    after = (blocker.status, sorted(h.pk for h in helpers))
    if before != after:
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=blocker,
            changes={"status": [before[0], after[0]], "helpers": [before[1], after[1]]},
        )
    return blocker


@transaction.atomic
def escalate_blockers(unit: Unit, today: dt.date) -> list[Blocker]:
    """Open blockers older than the unit's threshold go to the unit above (once)."""
    window = selectors.get_window(unit)
    if window is None or unit.parent_id is None:
        return []
    limit = today - dt.timedelta(days=window.escalate_after_days)
    due = list(
        Blocker.objects.filter(
            unit=unit,
            status__in=selectors.OPEN_STATUSES,
            opened_on__lte=limit,
            escalated_to__isnull=True,
        ).select_related("owner")
    )
    if not due:
        return []
    parent = unit.parent
    assert parent is not None  # parent_id checked above
    for blocker in due:
        blocker.escalated_to, blocker.escalated_on = parent, today
        blocker.save(update_fields=["escalated_to", "escalated_on"])
        record(
            AuditAction.UPDATE,
            actor=None,
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
            object_type="dailyreports.healthcheck",
            object_repr=f"purged {deleted} health checks",
        )
    return deleted

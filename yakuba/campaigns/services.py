"""Writes: courses and campaigns (infosec), launching, and taking an assignment (everyone).

Every write runs in one transaction and lands in the audit trail. Launching resolves the
audience once and fixes the people (one assignment per person, unique); a second launch
of the same campaign changes nothing. Each answer is stored with the attempt and sent to
the spaced repetition (`security.signals.question_answered`) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.awareness.models import Lesson, Question
from yakuba.campaigns import content
from yakuba.campaigns.models import (
    Answer,
    Assignment,
    Attempt,
    Campaign,
    CampaignSettings,
    CampaignStatus,
    Course,
)
from yakuba.org.models import Staff
from yakuba.security import signals
from yakuba.rosters.audience import Audience, describe, resolve

COURSE_FIELDS = (
    "title",
    "description",
    "pass_percent",
    "required_for_telework",
    "validity_days",
    "active",
)
CAMPAIGN_FIELDS = ("title", "description", "course", "starts_on", "due_on")
SETTINGS_FIELDS = (
    "remind_days_before",
    "remind_hour",
    "overdue_reminders",
    "send_email",
    "post_to_chat",
)
# A self-enrolled required course may be taken again this long before its pass expires.
RENEW_BEFORE = dt.timedelta(days=30)


def _require_manage(actor: Any) -> None:
    if actor is not None and not actor.can(Capability.MANAGE_AWARENESS):
        raise PermissionDenied(f"missing capability {Capability.MANAGE_AWARENESS}")


def _codes(items: Iterable[Lesson | Question]) -> list[str]:
    return [i.code for i in items]


# --- courses and campaigns (infosec) ---------------------------------------------------


def save_course(
    *,
    actor: Any,
    course: Course | None,
    values: Mapping[str, Any],
    items: Sequence[Lesson | Question],
) -> Course:
    _require_manage(actor)
    creating = course is None
    with transaction.atomic():
        obj = course or Course(created_by=actor if getattr(actor, "pk", None) else None)
        before = [] if creating else [s.code for s in content.items_of(course=obj)]
        saved: Course = save_audited(
            actor=actor, obj=obj, creating=creating, fields=COURSE_FIELDS, values=values
        )
        after = _codes(items)
        if before != after:
            # An attempt in progress walks the steps by position: changing them under it
            # would show people the wrong step.
            if Attempt.objects.filter(assignment__course=saved, finished_at__isnull=True).exists():
                raise ValidationError(
                    _(
                        "受講中の人がいるため、レッスン・問題は変更できません。"
                        "新しい研修として作成してください。"
                    )
                )
            content.replace_items(items, course=saved)
            record(AuditAction.UPDATE, actor=actor, obj=saved, changes={"items": [before, after]})
    return saved


def save_campaign(
    *,
    actor: Any,
    campaign: Campaign | None,
    values: Mapping[str, Any],
    audience: Audience,
    items: Sequence[Lesson | Question],
) -> Campaign:
    """Create or edit a draft. A launched campaign's content and people are fixed."""
    _require_manage(actor)
    creating = campaign is None
    with transaction.atomic():
        if campaign is not None:
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if campaign.launched:
                raise ValidationError(_("開始したキャンペーンは変更できません。"))
        obj = campaign or Campaign(created_by=actor if getattr(actor, "pk", None) else None)
        before_items = [] if creating else [s.code for s in content.items_of(campaign=obj)]
        before_audience = {} if creating else obj.audience
        saved: Campaign = save_audited(
            actor=actor,
            obj=obj,
            creating=creating,
            fields=CAMPAIGN_FIELDS,
            values={**values, "audience": audience.to_json(), "audience_text": describe(audience)},
        )
        after_items = [] if saved.course_id else _codes(items)
        changes: dict[str, Any] = {}
        if before_items != after_items:
            content.replace_items([] if saved.course_id else items, campaign=saved)
            changes["items"] = [before_items, after_items]
        if before_audience != saved.audience:
            changes["audience"] = [before_audience, saved.audience]
        if changes:
            record(AuditAction.UPDATE, actor=actor, obj=saved, changes=changes)
    return saved


def launch(*, actor: Any, campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Fix the people (one assignment each) and start the campaign; returns how many
    people it assigned. Launching twice is refused and changes nothing."""
    from yakuba.campaigns import reminders

    _require_manage(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.launched:
            raise ValidationError(_("このキャンペーンは既に開始しています。"))
        if locked.course_id is None and not locked.items.exists():
            raise ValidationError(_("レッスンか問題がないため、開始できません。"))
        audience = Audience.from_json(locked.audience)
        staff_ids = list(resolve(audience).values_list("pk", flat=True))
        if not staff_ids:
            raise ValidationError(_("対象者がいないため、開始できません。対象を見直してください。"))
        created = Assignment.objects.bulk_create(
            [
                Assignment(
                    campaign=locked,
                    course_id=locked.course_id,
                    staff_id=pk,
                    due_on=locked.due_on,
                    assigned_at=now,
                )
                for pk in staff_ids
            ],
            ignore_conflicts=True,
        )
        locked.status = CampaignStatus.LAUNCHED
        locked.launched_at = now
        locked.audience_text = describe(audience)
        locked.save(update_fields=["status", "launched_at", "audience_text", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={"status": ["draft", "launched"], "assigned": len(staff_ids)},
        )
        if locked.starts_on <= timezone.localdate(now):
            reminders.send_due(locked, timezone.localdate(now))
    return len(created)


def save_settings(*, actor: Any, values: Mapping[str, Any]) -> CampaignSettings:
    _require_manage(actor)
    with transaction.atomic():
        row = CampaignSettings.objects.select_for_update().filter(pk=1).first()
        creating = row is None
        saved: CampaignSettings = save_audited(
            actor=actor,
            obj=row or CampaignSettings(pk=1),
            creating=creating,
            fields=SETTINGS_FIELDS,
            values={**values, "updated_by": actor if getattr(actor, "pk", None) else None},
        )
    return saved


# --- taking an assignment (the person themselves) ---------------------------------------


def enrol(
    *, actor: Any, staff: Staff, course: Course, now: dt.datetime | None = None
) -> Assignment:
    """The person's own assignment of a required course (made once; later calls return it)."""
    if not course.required_for_telework or not course.active:
        raise ValidationError(_("この研修は自分で受講を始められません。"))
    now = now or timezone.now()
    with transaction.atomic():
        existing = Assignment.objects.filter(campaign=None, course=course, staff=staff).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    course=course, staff=staff, assigned_at=now, due_on=None
                )
        except IntegrityError:  # a second click won the race: the same enrolment
            return Assignment.objects.get(campaign=None, course=course, staff=staff)
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=assignment,
            changes={"course": course.title, "self_enrolled": True},
        )
    return assignment


def may_start(assignment: Assignment, today: dt.date) -> bool:
    """Not completed yet (retakes until passed); a self-enrolled required course also
    when its pass is about to expire, so the person can renew it."""
    if assignment.campaign_id is not None and assignment.campaign.starts_on > today:  # type: ignore[union-attr]
        return False
    if assignment.completed_at is None:
        return True
    course = assignment.course
    if assignment.campaign_id is None and course is not None:
        last = (
            Attempt.objects.filter(assignment=assignment, passed=True)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        expires = (last or assignment.completed_at) + dt.timedelta(days=course.validity_days)
        return timezone.now() >= expires - RENEW_BEFORE
    return False


def start_attempt(*, actor: Any, assignment: Assignment, now: dt.datetime | None = None) -> Attempt:
    """The attempt in progress, or a new one when the person may (re)take it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("campaign", "course")
            .get(pk=assignment.pk)
        )
        current = locked.attempts.filter(finished_at__isnull=True).first()
        if current is not None:
            return current
        if not may_start(locked, timezone.localdate(now)):
            raise ValidationError(_("この研修は修了しています。"))
        number = locked.attempts.count() + 1
        attempt = Attempt.objects.create(assignment=locked, number=number, started_at=now)
        if locked.started_at is None:
            locked.started_at = now
            locked.save(update_fields=["started_at"])
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=attempt,
            changes={"assignment": locked.pk, "number": number},
        )
    return attempt


def _open_attempt(assignment: Assignment) -> Attempt:
    attempt = (
        Attempt.objects.select_for_update()
        .filter(assignment=assignment, finished_at__isnull=True)
        .first()
    )
    if attempt is None:
        raise ValidationError(_("受講中ではありません。「始める」から受講してください。"))
    return attempt


def _finish(attempt: Attempt, steps: Sequence[content.Step], now: dt.datetime, actor: Any) -> None:
    assignment = attempt.assignment
    answers = list(attempt.answers.values_list("correct", flat=True))
    attempt.total = sum(1 for s in steps if s.question is not None)
    attempt.correct = sum(1 for ok in answers if ok)
    attempt.percent = round(100 * attempt.correct / attempt.total) if attempt.total else 100
    course = assignment.course
    attempt.passed = None if course is None else attempt.percent >= course.pass_percent
    attempt.finished_at = now
    attempt.save(update_fields=["total", "correct", "percent", "passed", "finished_at"])
    fields = []
    if assignment.best_percent is None or attempt.percent > assignment.best_percent:
        assignment.best_percent = attempt.percent
        fields.append("best_percent")
    if attempt.passed is not False:
        # Passed (a course) or gone through (a campaign's own set): completed, and for a
        # renewal the completion moves to now.
        assignment.completed_at = now
        fields.append("completed_at")
    if fields:
        assignment.save(update_fields=fields)
    record(
        AuditAction.UPDATE,
        obj=attempt,
        actor=actor,
        changes={
            "finished": True,
            "percent": attempt.percent,
            "passed": attempt.passed,
            "completed": attempt.passed is not False,
        },
    )


def _step_at(attempt: Attempt, steps: Sequence[content.Step]) -> content.Step:
    if attempt.position >= len(steps):
        raise ValidationError(_("この回はもう終わっています。"))
    return steps[attempt.position]


def read_lesson(*, actor: Any, assignment: Assignment, now: dt.datetime | None = None) -> Attempt:
    """The person read the lesson shown: on to the next step (the last one finishes)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _open_attempt(assignment)
        steps = content.steps_for(attempt.assignment)
        step = _step_at(attempt, steps)
        if step.lesson is None:
            raise ValidationError(_("今の項目は問題です。答えを選んでください。"))
        attempt.position += 1
        attempt.save(update_fields=["position"])
        if attempt.position >= len(steps):
            _finish(attempt, steps, now, actor)
    return attempt


def answer(
    *,
    actor: Any,
    assignment: Assignment,
    question_id: int,
    chosen: Iterable[int],
    now: dt.datetime | None = None,
) -> Answer:
    """Record the answer to the question shown now and move on; the same answer sent
    twice (a double tap, a reload) is recorded once."""
    now = now or timezone.now()
    picked = set(chosen)
    with transaction.atomic():
        attempt = _open_attempt(assignment)
        previous = attempt.answers.filter(question_id=question_id).first()
        if previous is not None:
            return previous
        steps = content.steps_for(attempt.assignment)
        step = _step_at(attempt, steps)
        question = step.question
        if question is None or question.pk != question_id:
            raise ValidationError(
                _("この問題は今の項目ではありません。ページを開き直してください。")
            )
        valid = {c.pk for c in question.choices.all()}
        if not picked or not picked <= valid:
            raise ValidationError(_("答えを選んでください。"))
        if question.kind != "multiple" and len(picked) != 1:
            raise ValidationError(_("答えを1つ選んでください。"))
        correct = content.is_correct(question, picked)
        given = Answer.objects.create(
            attempt=attempt,
            question=question,
            chosen=sorted(picked),
            correct=correct,
            answered_at=now,
        )
        attempt.position += 1
        attempt.save(update_fields=["position"])
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=given,
            changes={"question": question.code, "correct": correct},
        )
        signals.question_answered.send(
            sender=Answer,
            staff_id=attempt.assignment.staff_id,
            question_id=question.pk,
            correct=correct,
            answered_at=now,
        )
        if attempt.position >= len(steps):
            _finish(attempt, steps, now, actor)
    return given

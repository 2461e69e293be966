"""Writes of training sessions: each in one transaction, audited.

**The waiting list.** Every change to who holds a seat of a session — a registration, a
cancellation, a change of capacity — locks the session row first (``select_for_update``),
so on PostgreSQL concurrent registrations are serialised per session and exactly
``capacity`` people are registered, the rest waitlisted in the order their locks were
granted (SQLite serialises writers anyway). Whenever a seat is free, `_fill_seats`
promotes the first people waiting (smallest position) in the same transaction and notifies
each once (in-app and e-mail).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.core.conf import setting
from yakuba.meetings import selectors as meeting_selectors
from yakuba.notifications.services import EMAIL, IN_APP, notify
from yakuba.org.models import Staff
from yakuba.training.models import (
    ACTIVE_STATUSES,
    AttendanceSource,
    Feedback,
    Registration,
    RegistrationStatus,
    SessionStatus,
    TrainingSession,
)

R = RegistrationStatus


def _staff_of(actor: User) -> Staff:
    staff = getattr(actor, "staff", None)
    if staff is None:
        raise PermissionDenied("no staff record")
    return staff


def may_manage(actor: User, session: TrainingSession) -> bool:
    """HR and the information division manage every session; an instructor their own."""
    if actor.can(Capability.MANAGE_TRAINING):
        return True
    staff = getattr(actor, "staff", None)
    return staff is not None and session.instructor_id == staff.pk


def _local(session: TrainingSession) -> str:
    return date_format(timezone.localtime(session.starts_at), "Y-m-d H:i")


def _locked(session_id: int) -> TrainingSession:
    return TrainingSession.objects.select_for_update().select_related("course").get(pk=session_id)


def _fill_seats(session: TrainingSession) -> list[Registration]:
    """Promote the first waiting people into free seats (the session row is locked)."""
    taken = Registration.objects.filter(session=session, status=R.REGISTERED).count()
    free = session.capacity - taken
    if free <= 0 or session.status != SessionStatus.SCHEDULED:
        return []
    now = timezone.now()
    if session.starts_at <= now:
        return []
    promoted = list(
        Registration.objects.filter(session=session, status=R.WAITLISTED)
        .select_related("staff__user")
        .order_by("waitlist_position", "pk")[:free]
    )
    for reg in promoted:
        reg.status = R.REGISTERED
        reg.waitlist_position = None
        reg.promoted_at = now
        reg.save(update_fields=["status", "waitlist_position", "promoted_at"])
        record(
            AuditAction.UPDATE,
            actor=None,
            obj=reg,
            changes={"status": [R.WAITLISTED, R.REGISTERED], "promoted": True},
        )
    users = [r.staff.user for r in promoted if r.staff.user is not None]
    if users:
        notify(
            users,
            subject=_("研修のキャンセル待ちから繰り上がりました：%(course)s")
            % {"course": session.course.title},
            body=_("%(at)s の「%(course)s」に参加できるようになりました。")
            % {"at": _local(session), "course": session.course.title},
            url=reverse("training:session_detail", args=[session.pk]),
            channels=(IN_APP, EMAIL),
            purpose="training.promoted",
        )
    return promoted


def register(*, actor: User, session: TrainingSession) -> Registration:
    """Register the actor (a seat if one is free, else the end of the waiting list)."""
    staff = _staff_of(actor)
    with transaction.atomic():
        locked = _locked(session.pk)
        if locked.status != SessionStatus.SCHEDULED or not locked.course.active:
            raise ValidationError(_("この研修会は受け付けていません。"))
        now = timezone.now()
        if locked.starts_at <= now:
            raise ValidationError(_("開始時刻を過ぎたため申し込めません。"))
        reg = Registration.objects.filter(session=locked, staff=staff).first()
        if reg is not None and reg.status in ACTIVE_STATUSES:
            return reg  # a second click changes nothing
        if reg is not None and reg.status != R.CANCELLED:
            raise ValidationError(_("この研修会の出欠は確定しています。"))
        taken = Registration.objects.filter(session=locked, status=R.REGISTERED).count()
        waiting = Registration.objects.filter(session=locked, status=R.WAITLISTED).exists()
        if taken < locked.capacity and not waiting:
            status, position = R.REGISTERED, None
        else:
            last = Registration.objects.filter(session=locked).aggregate(m=Max("waitlist_position"))
            status, position = R.WAITLISTED, (last["m"] or 0) + 1
        if reg is None:
            reg = Registration(session=locked, staff=staff)
        reg.status, reg.waitlist_position = status, position
        reg.registered_at, reg.cancelled_at, reg.promoted_at = now, None, None
        reg.reminded_at = None
        reg.save()
        record(AuditAction.CREATE, actor=actor, obj=reg, changes={"status": status})
    return reg


def cancel(*, actor: User, registration: Registration) -> Registration:
    """Cancel one's own registration (or a manager's for someone); the first waiting moves up."""
    staff = getattr(actor, "staff", None)
    own = staff is not None and registration.staff_id == staff.pk
    if not own and not may_manage(actor, registration.session):
        raise PermissionDenied("not your registration")
    with transaction.atomic():
        locked = _locked(registration.session_id)
        reg = Registration.objects.select_for_update().get(pk=registration.pk)
        if reg.status not in ACTIVE_STATUSES:
            return reg
        if locked.starts_at <= timezone.now():
            raise ValidationError(_("開始時刻を過ぎたため取り消せません。"))
        before = reg.status
        reg.status, reg.waitlist_position, reg.cancelled_at = R.CANCELLED, None, timezone.now()
        reg.save(update_fields=["status", "waitlist_position", "cancelled_at"])
        record(AuditAction.UPDATE, actor=actor, obj=reg, changes={"status": [before, R.CANCELLED]})
        if before == R.REGISTERED:
            _fill_seats(locked)
    return reg


SESSION_FIELDS = ("course", "starts_at", "ends_at", "place", "meeting", "capacity", "instructor")


def save_session(
    *, actor: User, session: TrainingSession, values: Mapping[str, Any], creating: bool
) -> TrainingSession:
    """Create or change a session; a larger capacity promotes people waiting."""
    if not actor.can(Capability.MANAGE_TRAINING):
        raise PermissionDenied("manage_training")
    if values["ends_at"] <= values["starts_at"]:
        raise ValidationError({"ends_at": _("終了は開始より後にしてください。")})
    if not values.get("place") and not values.get("meeting"):
        raise ValidationError({"place": _("会場かオンライン会議のどちらかを指定してください。")})
    with transaction.atomic():
        if not creating:
            _locked(session.pk)
            # Lowering the capacity below the people already holding a seat is refused
            # rather than silently moving the latest of them to the waiting list: a seat
            # someone was promised is taken away only by cancelling them, visibly.
            taken = Registration.objects.filter(session=session, status=R.REGISTERED).count()
            if values["capacity"] < taken:
                raise ValidationError(
                    {
                        "capacity": _(
                            "すでに %(n)d 人が申し込んでいるため、定員を %(n)d 人より少なくは"
                            "できません。減らすときは、先に申込者の申し込みを取り消してください。"
                        )
                        % {"n": taken}
                    }
                )
        save_audited(
            actor=actor, obj=session, creating=creating, fields=SESSION_FIELDS, values=values
        )
        if not creating:
            _fill_seats(_locked(session.pk))
    return session


def cancel_session(*, actor: User, session: TrainingSession) -> None:
    if not actor.can(Capability.MANAGE_TRAINING):
        raise PermissionDenied("manage_training")
    with transaction.atomic():
        locked = _locked(session.pk)
        if locked.status == SessionStatus.CANCELLED:
            return
        locked.status = SessionStatus.CANCELLED
        locked.save(update_fields=["status"])
        regs = list(
            Registration.objects.filter(session=locked, status__in=ACTIVE_STATUSES).select_related(
                "staff__user"
            )
        )
        Registration.objects.filter(pk__in=[r.pk for r in regs]).update(
            status=R.CANCELLED, waitlist_position=None, cancelled_at=timezone.now()
        )
        record(AuditAction.UPDATE, actor=actor, obj=locked, changes={"status": "cancelled"})
        users = [r.staff.user for r in regs if r.staff.user is not None]
        if users:
            notify(
                users,
                subject=_("研修会が中止になりました：%(course)s") % {"course": locked.course.title},
                body=_("%(at)s の「%(course)s」は中止になりました。")
                % {"at": _local(locked), "course": locked.course.title},
                url=reverse("training:catalogue"),
                channels=(IN_APP, EMAIL),
                purpose="training.cancelled",
            )


# --- attendance -----------------------------------------------------------------------


def attended_share() -> float:
    """Share of the session a person must have been connected to count as attended."""
    return float(setting("TRAINING_ATTENDED_SHARE", 0.75))


def _check_attendance_open(session: TrainingSession) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("中止した研修会の出欠は記録できません。"))
    if session.starts_at > timezone.now():
        raise ValidationError(_("開始前の研修会の出欠は記録できません。"))


def attendance_from_meeting(*, actor: User, session: TrainingSession) -> dict[str, int]:
    """Attended/absent of every registered person from the online meeting's presence.

    A person counts as attended when connected for at least `attended_share()` (75 %) of
    the meeting's scheduled time (several connections added up): a short drop or joining a
    few minutes late still counts, leaving after the first half does not. People marked by
    hand are left as they are.
    """
    if not may_manage(actor, session):
        raise PermissionDenied("not the organiser")
    _check_attendance_open(session)
    meeting = session.meeting
    if meeting is None:
        raise ValidationError(_("この研修会にはオンライン会議がありません。"))
    length = max((meeting.end - meeting.start).total_seconds(), 1.0)
    present = {
        row.staff.pk: row.attendance.present_s / length
        for row in meeting_selectors.attendance(meeting)
        if row.staff is not None
    }
    threshold = attended_share()
    counts = {"attended": 0, "absent": 0}
    with transaction.atomic():
        _locked(session.pk)
        regs = Registration.objects.select_for_update().filter(
            session=session, status__in=(R.REGISTERED, R.ATTENDED, R.ABSENT)
        )
        for reg in regs:
            if reg.attendance_source == AttendanceSource.MANUAL:
                counts["attended" if reg.status == R.ATTENDED else "absent"] += 1
                continue
            share = min(present.get(reg.staff_id, 0.0), 1.0)
            reg.status = R.ATTENDED if share >= threshold else R.ABSENT
            reg.present_share = round(share, 3)
            reg.attendance_source = AttendanceSource.MEETING
            reg.save(update_fields=["status", "present_share", "attendance_source"])
            counts["attended" if reg.status == R.ATTENDED else "absent"] += 1
        session.attendance_taken_at = timezone.now()
        session.save(update_fields=["attendance_taken_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=session,
            changes={"attendance": "meeting", **counts, "threshold": threshold},
        )
    return counts


def mark_attendance(
    *, actor: User, session: TrainingSession, marks: Mapping[int, str]
) -> dict[str, int]:
    """Mark registrations attended/absent by hand ({registration id: status})."""
    if not may_manage(actor, session):
        raise PermissionDenied("not the organiser")
    _check_attendance_open(session)
    if any(v not in (R.ATTENDED, R.ABSENT) for v in marks.values()):
        raise ValidationError(_("出欠は「出席」か「欠席」を選んでください。"))
    counts = {"attended": 0, "absent": 0}
    with transaction.atomic():
        _locked(session.pk)
        regs = Registration.objects.select_for_update().filter(
            session=session,
            pk__in=list(marks),
            status__in=(R.REGISTERED, R.ATTENDED, R.ABSENT),
        )
        changes: dict[str, Any] = {}
        for reg in regs:
            new = marks[reg.pk]
            counts["attended" if new == R.ATTENDED else "absent"] += 1
            if reg.status == new and reg.attendance_source == AttendanceSource.MANUAL:
                continue
            changes[str(reg.pk)] = [reg.status, new]
            reg.status, reg.attendance_source = new, AttendanceSource.MANUAL
            reg.save(update_fields=["status", "attendance_source"])
        session.attendance_taken_at = timezone.now()
        session.save(update_fields=["attendance_taken_at"])
        record(AuditAction.UPDATE, actor=actor, obj=session, changes={"attendance": changes})
    return counts


def submit_feedback(
    *, actor: User, registration: Registration, rating: int, comment: str
) -> Feedback:
    """The short form after a session one attended; once per registration."""
    staff = _staff_of(actor)
    if registration.staff_id != staff.pk:
        raise PermissionDenied("not your registration")
    if registration.status != R.ATTENDED:
        raise ValidationError(_("アンケートは出席した研修会についてお願いしています。"))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("満足度は1〜5で選んでください。")})
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        if Feedback.objects.filter(registration=registration).exists():
            raise ValidationError(_("この研修会のアンケートは回答済みです。"))
        fb = Feedback(registration=registration, rating=rating, comment=comment.strip())
        fb.full_clean()
        fb.save()
        record(AuditAction.CREATE, actor=actor, obj=fb, changes={"rating": rating})
    return fb

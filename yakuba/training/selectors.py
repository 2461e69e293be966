"""Reads of training sessions, scoped to the user, and the required-course computation.

Everyone signed in sees the catalogue and every session (they are the office's offer, not
personal data) and their own registrations and record. Registrations of others: the
organisers (MANAGE_TRAINING, or the session's instructor). Coverage: HR office-wide, a
unit head their own unit and the units below it (`units_for_coverage`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from yakuba.accounts.roles import OFFICE_WIDE_ROLES, Capability
from yakuba.org.models import Staff, StaffChange, StaffChangeKind, Unit
from yakuba.org.selectors import scope_root
from yakuba.training.models import (
    ACTIVE_STATUSES,
    Registration,
    RegistrationStatus,
    Requirement,
    SessionStatus,
    TrainingCourse,
    TrainingSession,
)

R = RegistrationStatus


def _staff(user: Any) -> Staff | None:
    return getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None


def visible_sessions(user: Any) -> QuerySet[TrainingSession]:
    if not getattr(user, "is_authenticated", False):
        return TrainingSession.objects.none()
    return TrainingSession.objects.select_related("course", "instructor", "meeting")


def courses(user: Any) -> QuerySet[TrainingCourse]:
    if not getattr(user, "is_authenticated", False):
        return TrainingCourse.objects.none()
    return TrainingCourse.objects.all()


def with_counts(qs: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return qs.annotate(
        registered=Count("registrations", filter=Q(registrations__status=R.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=R.WAITLISTED)),
    )


def catalogue(user: Any, now: dt.datetime | None = None) -> list[TrainingCourse]:
    """Active courses, each with its upcoming scheduled sessions (seats taken, waiting)."""
    now = now or timezone.now()
    upcoming = with_counts(
        TrainingSession.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now)
        .select_related("instructor", "meeting")
        .order_by("starts_at", "pk")
    )
    return list(
        courses(user)
        .filter(active=True)
        .prefetch_related(Prefetch("sessions", queryset=upcoming, to_attr="upcoming"))
    )


def my_registrations(user: Any) -> QuerySet[Registration]:
    staff = _staff(user)
    if staff is None:
        return Registration.objects.none()
    return (
        Registration.objects.filter(staff=staff)
        .select_related("session__course", "session__meeting", "feedback")
        .order_by("-session__starts_at")
    )


def my_registration(user: Any, session: TrainingSession) -> Registration | None:
    staff = _staff(user)
    if staff is None:
        return None
    return Registration.objects.filter(session=session, staff=staff).first()


def waitlist_rank(reg: Registration) -> int | None:
    """1 for the first person waiting."""
    if reg.status != R.WAITLISTED or reg.waitlist_position is None:
        return None
    return (
        Registration.objects.filter(
            session_id=reg.session_id,
            status=R.WAITLISTED,
            waitlist_position__lt=reg.waitlist_position,
        ).count()
        + 1
    )


def managed_sessions(user: Any) -> QuerySet[TrainingSession]:
    """Sessions whose registrations and attendance the user may see and mark."""
    if not getattr(user, "is_authenticated", False):
        return TrainingSession.objects.none()
    qs = TrainingSession.objects.select_related("course", "instructor", "meeting")
    if user.can(Capability.MANAGE_TRAINING):
        return qs
    staff = _staff(user)
    return qs.filter(instructor=staff) if staff is not None else qs.none()


def my_registration_for_feedback(user: Any) -> QuerySet[Registration]:
    staff = _staff(user)
    if staff is None:
        return Registration.objects.none()
    return Registration.objects.filter(staff=staff, status=R.ATTENDED).select_related(
        "session__course"
    )


def managed_registrations(user: Any) -> QuerySet[Registration]:
    """Registrations of the sessions the user organises (see `managed_sessions`)."""
    return Registration.objects.filter(session__in=managed_sessions(user)).select_related(
        "session", "staff"
    )


def roster(session: TrainingSession) -> list[Registration]:
    """Everyone who registered; the waiting each with `rank` (1 = the next to move up)."""
    rows = list(
        session.registrations.select_related("staff__unit", "feedback").order_by(
            "status", "waitlist_position", "registered_at", "pk"
        )
    )
    rank = 0
    for r in rows:
        if r.status == R.WAITLISTED:
            rank += 1
        r.rank = rank if r.status == R.WAITLISTED else None  # type: ignore[attr-defined]
    return rows


def feedback_summary(course: TrainingCourse) -> dict[str, Any]:
    regs = Registration.objects.filter(session__course=course, feedback__isnull=False)
    agg = regs.aggregate(avg=Avg("feedback__rating"), n=Count("pk"))
    by_rating = dict(
        regs.values_list("feedback__rating").annotate(n=Count("pk")).order_by("feedback__rating")
    )
    comments = list(
        regs.exclude(feedback__comment="")
        .order_by("-feedback__created_at")
        .values_list("feedback__comment", flat=True)[:50]
    )
    return {
        "average": agg["avg"],
        "count": agg["n"],
        "by_rating": [(r, by_rating.get(r, 0)) for r in range(5, 0, -1)],
        "comments": comments,
    }


# --- required courses ---------------------------------------------------------------


DONE, DUE, OVERDUE, NO_DEADLINE = "done", "due", "overdue", "open"


@dataclass
class Need:
    requirement: Requirement
    due: dt.date | None
    attended_on: dt.date | None

    @property
    def state(self) -> str:
        if self.attended_on is not None:
            return DONE
        if self.due is None:
            return NO_DEADLINE
        return OVERDUE if self.due < timezone.localdate() else DUE


@dataclass
class Person:
    staff: Staff
    role: str
    joined: dt.date | None


def joined_dates(staff_ids: Iterable[int]) -> dict[int, dt.date]:
    """The latest applied 採用 (join) of each person — "new hires" are counted from it."""
    rows = StaffChange.objects.filter(
        staff_id__in=list(staff_ids),
        kind=StaffChangeKind.JOIN,
        applied_at__isnull=False,
        cancelled_at__isnull=True,
    ).values_list("staff_id", "effective_date")
    out: dict[int, dt.date] = {}
    for sid, day in rows:
        if sid not in out or day > out[sid]:
            out[sid] = day
    return out


def applies(req: Requirement, person: Person, today: dt.date) -> bool:
    if req.role and person.role != req.role:
        return False
    if req.employment_type and person.staff.employment_type != req.employment_type:
        return False
    if req.new_hires_within_days is not None:
        if person.joined is None:
            return False
        if (today - person.joined).days > req.new_hires_within_days:
            return False
    return True


def due_date(req: Requirement, person: Person) -> dt.date | None:
    if req.due_date is not None:
        return req.due_date
    if req.due_within_days is None:
        return None
    start = person.joined if req.new_hires_within_days is not None else None
    start = start or timezone.localdate(req.created_at)
    return start + dt.timedelta(days=req.due_within_days)


def attended_courses(staff_ids: Iterable[int]) -> dict[int, dict[int, dt.date]]:
    """staff id → course id → the last day they attended a session of it."""
    out: dict[int, dict[int, dt.date]] = defaultdict(dict)
    rows = Registration.objects.filter(staff_id__in=list(staff_ids), status=R.ATTENDED).values_list(
        "staff_id", "session__course_id", "session__starts_at"
    )
    for sid, cid, at in rows:
        day = timezone.localdate(at)
        if cid not in out[sid] or day > out[sid][cid]:
            out[sid][cid] = day
    return out


def needs_of(people: list[Person], today: dt.date | None = None) -> dict[int, list[Need]]:
    """Each person's required courses with due date and whether (when) they attended."""
    today = today or timezone.localdate()
    reqs = list(
        Requirement.objects.filter(active=True, course__active=True).select_related("course")
    )
    ids = [p.staff.pk for p in people]
    attended = attended_courses(ids)
    out: dict[int, list[Need]] = {}
    for p in people:
        needs: dict[int, Need] = {}
        for req in reqs:
            if not applies(req, p, today):
                continue
            need = Need(req, due_date(req, p), attended.get(p.staff.pk, {}).get(req.course_id))
            # Several requirements of one course: the earliest due date counts.
            old = needs.get(req.course_id)
            if old is None or (need.due is not None and (old.due is None or need.due < old.due)):
                needs[req.course_id] = need
        out[p.staff.pk] = sorted(needs.values(), key=lambda n: n.due or dt.date.max)
    return out


def people(staff: Iterable[Staff]) -> list[Person]:
    staff = list(staff)
    joined = joined_dates(s.pk for s in staff)
    return [Person(s, s.user.role if s.user_id and s.user else "", joined.get(s.pk)) for s in staff]


def my_record(user: Any) -> dict[str, Any]:
    staff = _staff(user)
    if staff is None:
        return {"needs": [], "attended": []}
    person = people([staff])[0]
    attended = list(
        Registration.objects.filter(staff=staff, status=R.ATTENDED)
        .select_related("session__course", "feedback")
        .order_by("-session__starts_at")
    )
    return {"needs": needs_of([person])[staff.pk], "attended": attended}


# --- coverage -------------------------------------------------------------------------


def units_for_coverage(user: Any) -> QuerySet[Unit]:
    if not getattr(user, "is_authenticated", False) or not user.can(
        Capability.VIEW_TRAINING_COVERAGE
    ):
        return Unit.objects.none()
    if user.role in OFFICE_WIDE_ROLES:
        return Unit.objects.all()
    root = scope_root(user)
    if root is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=root.path)


def coverage_root(user: Any) -> Unit | None:
    """Where the coverage page opens: the user's own unit (HR: the top of the tree)."""
    units = units_for_coverage(user)
    root = scope_root(user)
    if (
        root is not None
        and units.filter(pk=root.pk).exists()
        and user.role not in OFFICE_WIDE_ROLES
    ):
        return root
    return units.filter(parent__isnull=True).order_by("sort_order", "code").first()


@dataclass
class CoverageRow:
    staff: Staff
    needs: list[Need]

    @property
    def overdue(self) -> int:
        return sum(1 for n in self.needs if n.state == OVERDUE)

    @property
    def done(self) -> int:
        return sum(1 for n in self.needs if n.state == DONE)


def coverage(unit: Unit) -> dict[str, Any]:
    """Every active person in the unit and its subtree with their required courses."""
    staff = list(
        Staff.objects.filter(unit__path__startswith=unit.path, active=True)
        .select_related("unit", "user")
        .order_by("unit__path", "staff_number")
    )
    persons = people(staff)
    needs = needs_of(persons)
    rows = [CoverageRow(p.staff, needs[p.staff.pk]) for p in persons]
    courses_seen: dict[int, TrainingCourse] = {}
    for row in rows:
        for n in row.needs:
            courses_seen[n.requirement.course_id] = n.requirement.course
    by_course = []
    for cid, course in sorted(courses_seen.items(), key=lambda kv: kv[1].title):
        states = [n.state for r in rows for n in r.needs if n.requirement.course_id == cid]
        by_course.append(
            {
                "course": course,
                "required": len(states),
                "done": states.count(DONE),
                "overdue": states.count(OVERDUE),
            }
        )
    return {"rows": rows, "by_course": by_course}


def upcoming_for_reminder(now: dt.datetime, within: dt.timedelta) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + within
    )


def active_registrations(session: TrainingSession) -> QuerySet[Registration]:
    return session.registrations.filter(status__in=ACTIVE_STATUSES)

"""Permission-scoped reads for meetings.

* manage: the organiser, and unit heads/HR whose scope holds the meeting's unit;
* view: those, the host and every invitee;
* a catch-up is seen only by its person (the organiser sees only whether it was
  acknowledged, on the re-contact list).

Below the scoped reads are the reads the pages and the services compute with for a
meeting the caller already holds (attendance, agenda spans, catch-up contents, the raw
events and who they are, the platform secrets): none of them writes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.roles import Capability
from yakuba.meetings import catchup as catchup_mod
from yakuba.meetings import intervals
from yakuba.meetings.models import (
    AgendaItem,
    AttendanceEvent,
    AttendanceSource,
    CatchUp,
    JitsiEndpoint,
    Meeting,
    Platform,
    PresenceInterval,
    ZoomAccount,
)
from yakuba.notifications import crypto
from yakuba.org import selectors as org_selectors
from yakuba.org.models import Staff, Unit


def _staff(user: Any) -> Any:
    return getattr(user, "staff", None)


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    q = Q(organiser=user)
    staff = _staff(user)
    if staff is not None:
        q |= Q(invitees=staff) | Q(host=staff)
    if user.can(Capability.MANAGE_MEETINGS):
        q |= Q(unit__in=org_selectors.visible_units(user))
    return Meeting.objects.filter(q).distinct().select_related("unit", "organiser", "host")


def can_manage(user: Any, meeting: Meeting) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if meeting.organiser_id == user.pk:
        return True
    return user.can(Capability.MANAGE_MEETINGS) and (
        org_selectors.visible_units(user).filter(pk=meeting.unit_id).exists()
    )


def can_view(user: Any, meeting: Meeting) -> bool:
    if can_manage(user, meeting):
        return True
    staff = _staff(user)
    if staff is None:
        return False
    return meeting.host_id == staff.pk or meeting.invitees.filter(pk=staff.pk).exists()


def my_catchups(user: Any) -> QuerySet[CatchUp]:
    staff = _staff(user)
    if staff is None:
        return CatchUp.objects.none()
    return CatchUp.objects.filter(staff=staff, sent_at__isnull=False).select_related("meeting")


# --- lists for the pages -----------------------------------------------------------------


def catchups_of(meeting: Meeting) -> list[CatchUp]:
    """The catch-ups sent for `meeting`, unacknowledged first (for its manager's re-contact
    list: the caller has checked `can_manage`)."""
    return list(
        CatchUp.objects.filter(meeting=meeting, sent_at__isnull=False)
        .select_related("staff__unit", "staff__user")
        .order_by("acknowledged_at", "staff__staff_number")
    )


def my_catchup_for(user: Any, meeting: Meeting) -> CatchUp | None:
    return my_catchups(user).filter(meeting=meeting).first()


def zoom_accounts() -> QuerySet[ZoomAccount]:
    return ZoomAccount.objects.all()


def jitsi_endpoints() -> QuerySet[JitsiEndpoint]:
    return JitsiEndpoint.objects.all()


def jitsi_token_known(token: str) -> bool:
    return JitsiEndpoint.objects.filter(token_hash=JitsiEndpoint.hash_token(token)).exists()


# --- invitees --------------------------------------------------------------------------


def resolve_invitees(meeting: Meeting) -> list[Staff]:
    """Invited people plus the active staff of invited units (and their sub-units)."""
    return resolve_people(meeting.invited_staff.all(), meeting.invited_units.all())


def resolve_people(staff: Iterable[Staff], units: Iterable[Unit]) -> list[Staff]:
    """These people plus the active staff of these units (and their sub-units)."""
    people = {s.pk: s for s in staff}
    for unit in units:
        for s in Staff.objects.filter(unit__path__startswith=unit.path, active=True):
            people.setdefault(s.pk, s)
    return list(people.values())


# --- platform secrets ---------------------------------------------------------------------

# Webhook senders retry within seconds: the account and its decrypted secret are kept for
# a short while per process (a changed or removed account takes effect within the TTL).
_ACCOUNT_TTL_S = 30.0
_account_cache: dict[str, tuple[float, str]] = {}


def zoom_secret_for(key: str) -> str | None:
    """The webhook secret of the Zoom account `key` (None when there is no such account)."""
    now = time.monotonic()
    hit = _account_cache.get(key)
    if hit is not None and now - hit[0] < _ACCOUNT_TTL_S:
        return hit[1]
    encrypted = (
        ZoomAccount.objects.filter(key=key).values_list("secret_encrypted", flat=True).first()
    )
    if encrypted is None:
        _account_cache.pop(key, None)
        return None
    secret = crypto.decrypt(encrypted) or ""
    if len(_account_cache) > 100:
        _account_cache.clear()
    _account_cache[key] = (now, secret)
    return secret


def forget_zoom_account(key: str) -> None:
    """Drop `key` from this process's cache (an account just created is usable at once)."""
    _account_cache.pop(key, None)


# --- raw events and who they are ----------------------------------------------------------

# Raw events this long before the start or after the end still belong to the meeting.
EVENT_MARGIN = dt.timedelta(hours=6)
EVENT_SOURCES = (AttendanceSource.ZOOM, AttendanceSource.JITSI)


def attendance_events(meeting: Meeting) -> QuerySet[AttendanceEvent]:
    """The Zoom/Jitsi events of `meeting`: its (normalised) ID, around its time."""
    if not meeting.platform_meeting_id:
        return AttendanceEvent.objects.none()
    return AttendanceEvent.objects.filter(
        room=meeting.platform_meeting_id,
        source__in=EVENT_SOURCES,
        at__gte=meeting.start - EVENT_MARGIN,
        at__lte=meeting.end + EVENT_MARGIN,
    )


def presence_fingerprint(meeting: Meeting) -> str:
    """Count and last id of the meeting's raw events: equal to the stored
    `presence_fingerprint` when the stored presence is derived from all of them."""
    stats = attendance_events(meeting).aggregate(n=Count("pk"), last=Max("pk"))
    return f"{stats['n']}:{stats['last']}"


def presence_behind(meeting: Meeting) -> bool:
    """Whether raw events arrived that the stored presence does not reflect yet."""
    if not meeting.platform_meeting_id and not meeting.presence_fingerprint:
        return False
    return presence_fingerprint(meeting) != meeting.presence_fingerprint


def meetings_for_room(room: str, at: dt.datetime | None) -> QuerySet[Meeting]:
    """Meetings an incoming event for `room` at `at` belongs to (see `attendance_events`)."""
    meetings = Meeting.objects.filter(platform_meeting_id=room)
    if at is not None:
        meetings = meetings.filter(start__lte=at + EVENT_MARGIN, end__gte=at - EVENT_MARGIN)
    return meetings


@dataclass
class StaffMatcher:
    """Who a platform participant is: by e-mail (staff record or account), else by a name
    only one active member of staff has."""

    by_email: dict[str, Staff]
    by_name: dict[str, Staff]

    @classmethod
    def build(cls) -> StaffMatcher:
        by_email: dict[str, Staff] = {}
        names: dict[str, list[Staff]] = defaultdict(list)
        for s in Staff.objects.filter(active=True).select_related("user"):
            for address in (s.email, getattr(s.user, "email", "") if s.user_id else ""):
                if address:
                    by_email.setdefault(address.strip().lower(), s)
            names["".join(s.name.split())].append(s)
        return cls(by_email, {k: v[0] for k, v in names.items() if len(v) == 1})

    def match(self, name: str, email: str) -> Staff | None:
        if email and email.strip().lower() in self.by_email:
            return self.by_email[email.strip().lower()]
        return self.by_name.get("".join(name.split()))


# --- attendance per person -------------------------------------------------------------


@dataclass
class PersonAttendance:
    label: str
    staff: Staff | None
    invited: bool
    attendance: intervals.Attendance
    sources: set[str] = field(default_factory=set)


def attendance(meeting: Meeting) -> list[PersonAttendance]:
    """Invitees first (in staff-number order), then uninvited staff, then guests."""
    start, end = intervals.ts(meeting.start), intervals.ts(meeting.end)
    by_staff: dict[int, list[intervals.Interval]] = defaultdict(list)
    guests: dict[str, list[intervals.Interval]] = defaultdict(list)
    sources: dict[Any, set[str]] = defaultdict(set)
    staff_objs: dict[int, Staff] = {}
    for p in meeting.presence.select_related("staff"):
        if p.join is None:
            continue
        span = (intervals.ts(p.join), intervals.ts(p.leave) if p.leave else end)
        if p.staff_id and p.staff is not None:
            by_staff[p.staff_id].append(span)
            staff_objs[p.staff_id] = p.staff
            sources[p.staff_id].add(p.source)
        else:
            label = p.guest_name or p.guest_email
            guests[label].append(span)
            sources[label].add(p.source)
    threshold = float(meeting.drop_threshold_s)
    # When nobody was connected (a restarted meeting) nobody missed anything.
    everyone = [span for spans in (*by_staff.values(), *guests.values()) for span in spans]
    idle = intervals.complement(everyone, start, end) if everyone else []
    invitees = list(meeting.invitees.order_by("staff_number"))
    invited_ids = {s.pk for s in invitees}
    rows = [
        PersonAttendance(
            s.name,
            s,
            True,
            intervals.classify(by_staff.get(s.pk, []), start, end, threshold, idle),
            sources.get(s.pk, set()),
        )
        for s in invitees
    ]
    for pk, spans in by_staff.items():
        if pk not in invited_ids:
            s = staff_objs[pk]
            rows.append(
                PersonAttendance(
                    s.name,
                    s,
                    False,
                    intervals.classify(spans, start, end, threshold, idle),
                    sources[pk],
                )
            )
    for label, spans in sorted(guests.items()):
        rows.append(
            PersonAttendance(
                label,
                None,
                False,
                intervals.classify(spans, start, end, threshold, idle),
                sources[label],
            )
        )
    return rows


# --- agenda and catch-ups -----------------------------------------------------------------


def agenda_spans(meeting: Meeting) -> list[tuple[AgendaItem, float, float]]:
    """Each agenda item with its start (stamped, else planned) and the next item's start."""
    start, end = intervals.ts(meeting.start), intervals.ts(meeting.end)
    items = list(meeting.agenda.select_related("presenter"))
    starts: list[float] = []
    cursor = start
    for item in items:
        at = intervals.ts(item.started_at) if item.started_at else cursor
        starts.append(at)
        cursor = at + item.planned_minutes * 60
    spans = []
    for i, item in enumerate(items):
        until = starts[i + 1] if i + 1 < len(items) else max(end, starts[i])
        spans.append((item, starts[i], max(until, starts[i])))
    return spans


def _iso(t: float | None) -> str | None:
    return intervals.to_dt(t).isoformat() if t is not None else None


def build_catchup_inputs(meeting: Meeting) -> tuple[list[catchup_mod.Item], dict[str, dict]]:
    items: list[catchup_mod.Item] = []
    details: dict[str, dict] = {}
    for item, s, e in agenda_spans(meeting):
        key = f"a{item.pk}"
        items.append(catchup_mod.Item(key, "agenda", s, e))
        details[key] = {
            "text": item.title,
            "presenter": item.presenter.name if item.presenter is not None else "",
        }
    for entry in meeting.minutes.select_related("owner"):
        key = f"m{entry.pk}"
        items.append(
            catchup_mod.Item(key, entry.kind, intervals.ts(entry.at), None, entry.owner_id)
        )
        details[key] = {
            "text": entry.text,
            "owner": entry.owner.name if entry.owner is not None else "",
            "due": entry.due.isoformat() if entry.due else "",
        }
    return items, details


def catchup_content(
    person: PersonAttendance, items: list[catchup_mod.Item], details: dict[str, dict]
) -> dict[str, Any]:
    att = person.attendance
    chosen = catchup_mod.select(att.absences, items, person.staff.pk if person.staff else None)
    return {
        "absences": [[_iso(s), _iso(e)] for s, e in att.absences],
        "absent_entirely": att.absent_entirely,
        "late": att.late,
        "left_early": att.left_early,
        "drops": att.long_drops,
        "items": [
            {
                "key": c.item.key,
                "kind": c.item.kind,
                "at": _iso(c.item.at),
                "until": _iso(c.item.until),
                "missed": c.missed,
                "assigned": c.assigned,
                "missed_from": _iso(c.missed_from),
                "missed_to": _iso(c.missed_to),
                **details[c.item.key],
            }
            for c in chosen
        ],
    }


def _local(iso: str | None) -> str:
    if not iso:
        return ""
    return timezone.localtime(dt.datetime.fromisoformat(iso)).strftime("%H:%M")


def catchup_text(meeting: Meeting, content: dict[str, Any]) -> str:
    labels = {
        "agenda": _("議題"),
        "note": _("メモ"),
        "decision": _("決定事項"),
        "action": _("対応事項"),
    }
    lines = [
        _("%(title)s（%(date)s）で、参加できなかった時間の内容です。")
        % {"title": meeting.title, "date": timezone.localtime(meeting.start).strftime("%Y-%m-%d")}
    ]
    for s, e in content["absences"]:
        lines.append(_("不在: %(from)s〜%(to)s") % {"from": _local(s), "to": _local(e)})
    for item in content["items"]:
        mark = _("［担当］") if item["assigned"] else ""
        lines.append(f"{_local(item['at'])} {labels.get(item['kind'], '')}{mark}: {item['text']}")
    lines.append(_("内容を確認したら「確認しました」を押してください。"))
    return "\n".join(lines)


# --- the evidence report (evaluation) ------------------------------------------------------


@dataclass(frozen=True)
class ConnectionFact:
    """How one staff member was connected to one online meeting (no name: counts only)."""

    meeting_id: int
    staff_id: int
    present_s: float
    drops: int
    long_drops: int


@dataclass(frozen=True)
class MeetingFacts:
    meetings: int
    connections: list[ConnectionFact]
    # (staff id, acknowledged?) for every catch-up sent
    catchups: list[tuple[int, bool]]


def period_facts(start: dt.date, end: dt.date) -> MeetingFacts:
    """The online meetings that started between two dates: each staff member's connection
    (drops: reconnections; long drops: gaps ≥ the meeting's threshold) and the catch-ups
    sent and acknowledged — three queries whatever the number of meetings or people."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    meetings = {
        m["pk"]: m
        for m in Meeting.objects.filter(start__gte=since, start__lt=until)
        .exclude(platform=Platform.IN_PERSON)
        .values("pk", "start", "end", "drop_threshold_s")
    }
    spans: dict[int, dict[Any, list[intervals.Interval]]] = defaultdict(lambda: defaultdict(list))
    for meeting_id, staff_id, join, leave in PresenceInterval.objects.filter(
        meeting__start__gte=since, meeting__start__lt=until, join__isnull=False
    ).values_list("meeting_id", "staff_id", "join", "leave"):
        m = meetings.get(meeting_id)
        if m is None or join is None:
            continue
        end_s = intervals.ts(leave) if leave else intervals.ts(m["end"])
        spans[meeting_id][staff_id].append((intervals.ts(join), end_s))
    facts: list[ConnectionFact] = []
    for meeting_id in sorted(spans):
        m = meetings[meeting_id]
        start_s, end_s = intervals.ts(m["start"]), intervals.ts(m["end"])
        everyone = [s for people in spans[meeting_id].values() for s in people]
        idle = intervals.complement(everyone, start_s, end_s) if everyone else []
        for staff_id, own in sorted(spans[meeting_id].items(), key=lambda kv: kv[0] or 0):
            if staff_id is None:
                continue  # guests
            att = intervals.classify(own, start_s, end_s, float(m["drop_threshold_s"]), idle)
            if att.present_s > 0:
                facts.append(
                    ConnectionFact(meeting_id, staff_id, att.present_s, att.drops, att.long_drops)
                )
    catchups = [
        (staff_id, acknowledged is not None)
        for staff_id, acknowledged in CatchUp.objects.filter(
            meeting__start__gte=since, meeting__start__lt=until, sent_at__isnull=False
        )
        .order_by("pk")
        .values_list("staff_id", "acknowledged_at")
    ]
    return MeetingFacts(meetings=len(meetings), connections=facts, catchups=catchups)

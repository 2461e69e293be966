"""Writes for meetings: every change runs in a transaction and is recorded in the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record, save_audited
from yakuba.core.text import check_text
from yakuba.meetings import catchup as catchup_mod
from yakuba.meetings import intervals, teams
from yakuba.meetings.models import (
    AgendaItem,
    AttendanceEvent,
    AttendanceSource,
    CatchUp,
    EntryKind,
    JitsiEndpoint,
    Meeting,
    MeetingStatus,
    MinutesEntry,
    PresenceInterval,
    ZoomAccount,
)
from yakuba.notifications import crypto
from yakuba.notifications.services import EMAIL, IN_APP, notify
from yakuba.org.models import Staff, Unit

MEETING_FIELDS = (
    "title",
    "start",
    "end",
    "platform",
    "join_url",
    "platform_meeting_id",
    "host",
    "drop_threshold_s",
)
# Raw events this long before the start or after the end still belong to the meeting.
EVENT_MARGIN = dt.timedelta(hours=6)


# --- meetings, agenda, minutes -------------------------------------------------------


def resolve_invitees(meeting: Meeting) -> list[Staff]:
    """Invited people plus the active staff of invited units (and their sub-units)."""
    people = {s.pk: s for s in meeting.invited_staff.all()}
    for unit in meeting.invited_units.all():
        for s in Staff.objects.filter(unit__path__startswith=unit.path, active=True):
            people.setdefault(s.pk, s)
    return list(people.values())


def save_meeting(
    *,
    actor: Any,
    meeting: Meeting,
    creating: bool,
    values: dict[str, Any],
    invited_staff: Iterable[Staff],
    invited_units: Iterable[Unit],
) -> Meeting:
    with transaction.atomic():
        if creating:
            meeting.organiser = actor
            staff = getattr(actor, "staff", None)
            if staff is None:
                raise ValidationError(_("職員として登録されていないため会議を作成できません。"))
            meeting.unit = staff.unit
        if values["end"] <= values["start"]:
            raise ValidationError(_("終了は開始より後にしてください。"))
        save_audited(
            actor=actor,
            obj=meeting,
            creating=creating,
            fields=MEETING_FIELDS,
            values=values,
            m2m={"invited_staff": invited_staff, "invited_units": invited_units},
        )
        before = sorted(meeting.invitees.values_list("pk", flat=True))
        resolved = resolve_invitees(meeting)
        meeting.invitees.set(resolved)
        after = sorted(s.pk for s in resolved)
        if before != after:
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=meeting,
                changes={"invitees": [len(before), len(after)]},
            )
    return meeting


def add_agenda_item(
    *, actor: Any, meeting: Meeting, title: str, planned_minutes: int, presenter: Staff | None
) -> AgendaItem:
    with transaction.atomic():
        last = meeting.agenda.aggregate(m=Max("order"))["m"] or 0
        item = AgendaItem(meeting=meeting, order=last + 1)
        save_audited(
            actor=actor,
            obj=item,
            creating=True,
            fields=("title", "planned_minutes", "presenter", "order"),
            values={"title": title, "planned_minutes": planned_minutes, "presenter": presenter},
        )
    return item


def next_item(*, actor: Any, meeting: Meeting, now: dt.datetime | None = None) -> AgendaItem | None:
    """Stamp the start of the next agenda item not yet started ("次の議題")."""
    now = now or timezone.now()
    with transaction.atomic():
        item = meeting.agenda.select_for_update().filter(started_at__isnull=True).first()
        if item is None:
            return None
        item.started_at = now
        item.save(update_fields=["started_at"])
        Meeting.objects.filter(pk=meeting.pk).update(current_item=item)
        meeting.current_item = item
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=item,
            changes={"started_at": [None, now.isoformat()]},
        )
    return item


def add_entry(
    *,
    actor: Any,
    meeting: Meeting,
    kind: str,
    text: str,
    at: dt.datetime | None = None,
    owner: Staff | None = None,
    due: dt.date | None = None,
) -> MinutesEntry:
    with transaction.atomic():
        entry = MinutesEntry(meeting=meeting, author=actor, agenda_item=meeting.current_item)
        if kind != EntryKind.ACTION:
            owner, due = None, None
        save_audited(
            actor=actor,
            obj=entry,
            creating=True,
            fields=("kind", "text", "at", "owner", "due"),
            values={
                "kind": kind,
                "text": text,
                "at": at or timezone.now(),
                "owner": owner,
                "due": due,
            },
        )
    return entry


def delete_entry(*, actor: Any, entry: MinutesEntry) -> None:
    with transaction.atomic():
        record(AuditAction.DELETE, actor=actor, obj=entry)
        entry.delete()


# --- platform set-up -----------------------------------------------------------------


def create_zoom_account(*, actor: Any, name: str, key: str, secret: str) -> ZoomAccount:
    with transaction.atomic():
        account = ZoomAccount(name=name, key=key, secret_encrypted=crypto.encrypt(secret))
        account.full_clean()
        account.save()
        record(AuditAction.CREATE, actor=actor, obj=account, changes={"secret": "(set)"})
    # A new account is usable at once in this process, even if its key was cached before.
    _account_cache.pop(key, None)
    return account


def zoom_secret(account: ZoomAccount) -> str:
    return crypto.decrypt(account.secret_encrypted) or ""


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


def create_jitsi_endpoint(*, actor: Any, name: str, token: str) -> JitsiEndpoint:
    with transaction.atomic():
        endpoint = JitsiEndpoint.objects.create(
            name=name, token_hash=JitsiEndpoint.hash_token(token)
        )
        record(AuditAction.CREATE, actor=actor, obj=endpoint, changes={"token": "(set)"})
    return endpoint


# --- attendance ----------------------------------------------------------------------


def store_event(
    *, source: str, event: str, room: str, person_key: str, at: Any, payload: Any, dedup: str
) -> bool:
    """Keep a raw event; False when it was already stored (a redelivery).

    One ``INSERT … ON CONFLICT (dedup_key) DO NOTHING``: no transaction of its own, and
    concurrent redeliveries cannot both be stored.
    """
    obj = AttendanceEvent(
        source=source,
        event=event,
        room=room,
        person_key=person_key,
        at=at,
        payload=payload,
        dedup_key=dedup,
        received_at=timezone.now(),
    )
    fields = [f for f in AttendanceEvent._meta.concrete_fields if not f.primary_key]
    conn = connections[AttendanceEvent.objects.db]
    values = [f.get_db_prep_save(getattr(obj, f.attname), conn) for f in fields]
    qn = conn.ops.quote_name
    # Identifiers come from the model, values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO NOTHING".format(  # noqa: S608
        qn(AttendanceEvent._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        qn("dedup_key"),
    )
    with conn.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.rowcount == 1


@dataclass
class _Matcher:
    by_email: dict[str, Staff]
    by_name: dict[str, Staff]

    @classmethod
    def build(cls) -> _Matcher:
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


def _event_sources(meeting: Meeting) -> list[str]:
    return [AttendanceSource.ZOOM, AttendanceSource.JITSI]


def _events(meeting: Meeting) -> QuerySet[AttendanceEvent]:
    if not meeting.platform_meeting_id:
        return AttendanceEvent.objects.none()
    return AttendanceEvent.objects.filter(
        room=meeting.platform_meeting_id,
        source__in=_event_sources(meeting),
        at__gte=meeting.start - EVENT_MARGIN,
        at__lte=meeting.end + EVENT_MARGIN,
    )


def refresh_presence(meeting: Meeting, *, force: bool = False) -> bool:
    """Derive Zoom/Jitsi presence from the raw events when new ones arrived (by their own
    times, so arrival order and redeliveries do not matter). True when rebuilt."""
    stats = _events(meeting).aggregate(n=Count("pk"), last=Max("pk"))
    fingerprint = f"{stats['n']}:{stats['last']}"
    if not force and fingerprint == meeting.presence_fingerprint:
        return False
    start, end = intervals.ts(meeting.start), intervals.ts(meeting.end)
    people: dict[tuple[str, str], dict[str, Any]] = {}
    for source, key, event, at, payload in _events(meeting).values_list(
        "source", "person_key", "event", "at", "payload"
    ):
        person = people.setdefault(
            (source, key), {"points": [], "name": "", "email": payload.get("email", "")}
        )
        person["name"] = person["name"] or payload.get("name", "")
        person["points"].append((intervals.ts(at), event))
    matcher = _Matcher.build()
    rows = []
    for (source, key), person in people.items():
        staff = matcher.match(person["name"], person["email"])
        for s, e in intervals.pair(person["points"], start, end):
            rows.append(
                PresenceInterval(
                    meeting=meeting,
                    staff=staff,
                    guest_name="" if staff else person["name"][:200],
                    guest_email="" if staff else person["email"][:200],
                    connection_key=key,
                    join=intervals.to_dt(s),
                    leave=intervals.to_dt(e),
                    source=source,
                )
            )
    with transaction.atomic():
        meeting.presence.filter(source__in=_event_sources(meeting)).delete()
        PresenceInterval.objects.bulk_create(rows, batch_size=500)
        Meeting.objects.filter(pk=meeting.pk).update(presence_fingerprint=fingerprint)
        meeting.presence_fingerprint = fingerprint
    return True


def import_teams_report(*, actor: Any, meeting: Meeting, data: bytes, filename: str = "") -> int:
    """Add the connections of one Teams attendance report; the same file twice is refused."""
    tz = ZoneInfo(settings.TIME_ZONE)
    try:
        connections = teams.parse(data, tz)
    except teams.ReportError as exc:
        raise ValidationError(_("Teams の出席レポートとして読めませんでした。")) from exc
    for c in connections:
        # Saved with bulk_create (no save guard): the file's names meet the rule here.
        check_text(c.name, max_length=200, label=_("出席者の名前"))
        check_text(c.email, max_length=200, label=_("出席者のメールアドレス"))
    digest = hashlib.sha256(f"teams:{meeting.pk}:".encode() + data).hexdigest()
    matcher = _Matcher.build()
    with transaction.atomic():
        stored = store_event(
            source=AttendanceSource.TEAMS,
            event="report",
            room=str(meeting.pk),
            person_key="",
            at=timezone.now(),
            payload={"filename": filename[:200], "connections": len(connections)},
            dedup=digest,
        )
        if not stored:
            raise ValidationError(_("このレポートは取り込み済みです。"))
        rows = []
        for c in connections:
            staff = None if (c.external and not c.email) else matcher.match(c.name, c.email)
            rows.append(
                PresenceInterval(
                    meeting=meeting,
                    staff=staff,
                    guest_name="" if staff else c.name,
                    guest_email="" if staff else c.email,
                    connection_key=(c.email or c.name).lower()[:200],
                    join=c.join,
                    leave=c.leave,
                    source=AttendanceSource.TEAMS,
                )
            )
        PresenceInterval.objects.bulk_create(rows)
        record(
            AuditAction.IMPORT,
            actor=actor,
            obj=meeting,
            changes={"teams_report": filename[:100], "connections": len(rows)},
        )
    return len(rows)


def mark_manual(
    *, actor: Any, meeting: Meeting, staff: Staff, join: dt.datetime, leave: dt.datetime
) -> PresenceInterval:
    if leave <= join:
        raise ValidationError(_("退出は入室より後にしてください。"))
    with transaction.atomic():
        interval = PresenceInterval.objects.create(
            meeting=meeting,
            staff=staff,
            join=join,
            leave=leave,
            source=AttendanceSource.MANUAL,
            connection_key=f"manual:{staff.pk}",
        )
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=meeting,
            object_repr=f"{meeting} / {staff.name}",
            changes={"presence": [join.isoformat(), leave.isoformat()]},
        )
    return interval


# --- attendance per person, catch-up -------------------------------------------------


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
        if p.staff_id:
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
            "presenter": item.presenter.name if item.presenter_id else "",
        }
    for entry in meeting.minutes.select_related("owner"):
        key = f"m{entry.pk}"
        items.append(
            catchup_mod.Item(key, entry.kind, intervals.ts(entry.at), None, entry.owner_id)
        )
        details[key] = {
            "text": entry.text,
            "owner": entry.owner.name if entry.owner_id else "",
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


def finalise(*, actor: Any, meeting: Meeting) -> None:
    """ "議事録を確定": freeze the minutes and compute and send the catch-ups in the background."""
    from yakuba.meetings.tasks import send_catchups

    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == MeetingStatus.FINALISED:
            raise ValidationError(_("議事録は確定済みです。"))
        locked.status = MeetingStatus.FINALISED
        locked.finalised_at = timezone.now()
        locked.save(update_fields=["status", "finalised_at"])
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=locked,
            changes={"status": [MeetingStatus.SCHEDULED, MeetingStatus.FINALISED]},
        )
        meeting.status, meeting.finalised_at = locked.status, locked.finalised_at
        transaction.on_commit(lambda: send_catchups.enqueue(meeting.pk))


def compute_and_send_catchups(meeting_id: int) -> int:
    """Write each absent invitee's catch-up and notify them (in-app and e-mail). Idempotent:
    a catch-up already sent is not sent again."""
    meeting = Meeting.objects.get(pk=meeting_id)
    refresh_presence(meeting)
    items, details = build_catchup_inputs(meeting)
    sent = 0
    for person in attendance(meeting):
        if not person.invited or person.staff is None or not person.attendance.needs_catchup:
            continue
        content = catchup_content(person, items, details)
        with transaction.atomic():
            obj, _created = CatchUp.objects.select_for_update().get_or_create(
                meeting=meeting, staff=person.staff, defaults={"content": content}
            )
            if obj.sent_at is not None:
                continue
            obj.content = content
            obj.sent_at = timezone.now()
            obj.save(update_fields=["content", "sent_at"])
            record(
                AuditAction.CREATE,
                obj=obj,
                actor_label="system",
                changes={"items": len(content["items"])},
            )
            user = person.staff.user
            if user is not None and user.is_active:
                notify(
                    [user],
                    subject=_("「%(title)s」の欠席・中断分の共有") % {"title": meeting.title},
                    body=catchup_text(meeting, content),
                    url=reverse("meetings:catchup_detail", args=[obj.pk]),
                    channels=(IN_APP, EMAIL),
                    purpose=f"catchup:{obj.pk}",
                )
            sent += 1
    return sent


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


def acknowledge(*, actor: Any, catchup: CatchUp) -> CatchUp:
    with transaction.atomic():
        locked = CatchUp.objects.select_for_update().get(pk=catchup.pk)
        if locked.acknowledged_at is None:
            locked.acknowledged_at = timezone.now()
            locked.save(update_fields=["acknowledged_at"])
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=locked,
                changes={"acknowledged_at": [None, locked.acknowledged_at.isoformat()]},
            )
    return locked

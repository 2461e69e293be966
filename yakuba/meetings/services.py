"""Writes for meetings: every change runs in a transaction and is recorded in the audit trail.

The reads they compute with (attendance, agenda spans, catch-up contents, who a platform
participant is) live in `selectors`. Jobs of the system record the job's name as the
actor, so the trail says which one acted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.models import User
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import Entry, record, record_many, save_audited
from yakuba.core.conf import setting
from yakuba.core.faults import pause
from yakuba.core.system_actor import acting_as
from yakuba.core.text import check_text
from yakuba.meetings import intervals, selectors, teams, zoom
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
from yakuba.org import selectors as org_selectors
from yakuba.org.models import Staff, Unit
from yakuba.org.signals import Placement

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
# The system job the audit trail names for the catch-ups (`core.system_actor`).
CATCHUPS_ACTOR = "meetings.catchups"
# Fields the derived presence depends on (which events, clipped to which times): a change
# re-derives it.
PRESENCE_FIELDS = ("platform_meeting_id", "start", "end")


# --- meetings, agenda, minutes -------------------------------------------------------


def large_invitation_limit() -> int:
    """More invitees than this in one meeting need a unit head or an organiser role."""
    return int(setting("MEETING_LARGE_INVITATION_LIMIT", 30))


def _check_invitation_size(
    *, actor: User, meeting: Meeting, creating: bool, before: set[int], after: set[int]
) -> None:
    """Refuse adding people to a meeting of more than the limit unless the actor manages
    meetings (unit heads, HR) for the meeting's unit. Keeping or shrinking a large list
    that such a person made is allowed to its organiser (they can still edit the rest)."""
    limit = large_invitation_limit()
    if len(after) <= limit or not (after - before):
        return
    if actor is not None and actor.can(Capability.MANAGE_MEETINGS):
        in_scope = org_selectors.visible_units(actor).filter(pk=meeting.unit_id).exists()
        if creating or in_scope:
            return
    raise ValidationError(
        _(
            "%(limit)d 人を超える招待（今回 %(count)d 人）は、所属長または会議を管理する役割の"
            "人だけができます。招待する人を減らすか、所属長に依頼してください。保存していません。"
        )
        % {"limit": limit, "count": len(after)}
    )


def save_meeting(
    *,
    actor: User,
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
        if "platform_meeting_id" in values:
            values = {
                **values,
                "platform_meeting_id": zoom.normalise_meeting_id(values["platform_meeting_id"]),
            }
        before_presence = [getattr(meeting, f, None) for f in PRESENCE_FIELDS]
        if not creating:
            before_presence = list(
                Meeting.objects.filter(pk=meeting.pk).values_list(*PRESENCE_FIELDS).get()
            )
        invited_staff, invited_units = list(invited_staff), list(invited_units)
        # Checked before anything is written: a refused invitation leaves no trace.
        _check_invitation_size(
            actor=actor,
            meeting=meeting,
            creating=creating,
            before=set(meeting.invitees.values_list("pk", flat=True)) if meeting.pk else set(),
            after={s.pk for s in selectors.resolve_people(invited_staff, invited_units)},
        )
        save_audited(
            actor=actor,
            obj=meeting,
            creating=creating,
            fields=MEETING_FIELDS,
            values=values,
            m2m={"invited_staff": invited_staff, "invited_units": invited_units},
        )
        before = sorted(meeting.invitees.values_list("pk", flat=True))
        resolved = selectors.resolve_invitees(meeting)
        meeting.invitees.set(resolved)
        after = sorted(s.pk for s in resolved)
        if before != after:
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=meeting,
                changes={"invitees": [len(before), len(after)]},
            )
        if creating or before_presence != [getattr(meeting, f) for f in PRESENCE_FIELDS]:
            # Forget what the stored presence was derived from, so it is rebuilt even when
            # the same events remain the meeting's.
            Meeting.objects.filter(pk=meeting.pk).update(presence_fingerprint="")
            meeting.presence_fingerprint = ""
            pk = meeting.pk
            transaction.on_commit(lambda: _enqueue_presence(pk))
    return meeting


def add_agenda_item(
    *, actor: User, meeting: Meeting, title: str, planned_minutes: int, presenter: Staff | None
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


def next_item(
    *, actor: User, meeting: Meeting, now: dt.datetime | None = None
) -> AgendaItem | None:
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


def set_agenda_times(
    *, actor: User, meeting: Meeting, times: Mapping[int, dt.datetime | None]
) -> int:
    """Set the actual start of each agenda item afterwards (`times`: item id → start, None
    to fall back to the planned minutes). Every item of the meeting must be given; a new
    time must lie within the meeting and the times must follow the agenda's order.
    All or nothing; each changed item is audited. Returns the number changed."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == MeetingStatus.FINALISED:
            raise ValidationError(_("議事録は確定済みです。"))
        items = list(locked.agenda.select_for_update().order_by("order", "pk"))
        if set(times) != {item.pk for item in items}:
            raise ValidationError(_("議題が変わりました。画面を開き直してから入力してください。"))
        errors: dict[str, str] = {}
        previous: tuple[AgendaItem, dt.datetime] | None = None  # the last item given a time
        for item in items:
            at = times[item.pk]
            if at is None:
                continue
            if at != item.started_at and not locked.start <= at <= locked.end:
                errors[f"item_{item.pk}"] = _(
                    "会議の時間（%(start)s〜%(end)s）の中の時刻にしてください。"
                ) % {
                    "start": timezone.localtime(locked.start).strftime("%H:%M"),
                    "end": timezone.localtime(locked.end).strftime("%H:%M"),
                }
            elif previous is not None and at <= previous[1]:
                errors[f"item_{item.pk}"] = _(
                    "前の議題「%(title)s」（%(at)s）より後の時刻にしてください。"
                ) % {
                    "title": previous[0].title,
                    "at": timezone.localtime(previous[1]).strftime("%H:%M:%S"),
                }
            previous = (item, at)
        if errors:
            raise ValidationError(errors)
        changed = 0
        for item in items:
            at = times[item.pk]
            if at == item.started_at:
                continue
            record(
                AuditAction.UPDATE,
                actor=actor,
                obj=item,
                changes={
                    "started_at": [
                        item.started_at.isoformat() if item.started_at else None,
                        at.isoformat() if at else None,
                    ]
                },
            )
            item.started_at = at
            item.save(update_fields=["started_at"])
            changed += 1
    return changed


def add_entry(
    *,
    actor: User,
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


def delete_entry(*, actor: User, entry: MinutesEntry) -> None:
    with transaction.atomic():
        record(AuditAction.DELETE, actor=actor, obj=entry)
        entry.delete()


# --- platform set-up -----------------------------------------------------------------


def create_zoom_account(*, actor: User | None, name: str, key: str, secret: str) -> ZoomAccount:
    with transaction.atomic():
        account = ZoomAccount(name=name, key=key, secret_encrypted=crypto.encrypt(secret))
        account.full_clean()
        account.save()
        record(AuditAction.CREATE, actor=actor, obj=account, changes={"secret": "(set)"})
    # A new account is usable at once in this process, even if its key was cached before.
    selectors.forget_zoom_account(key)
    return account


def create_jitsi_endpoint(*, actor: User | None, name: str, token: str) -> JitsiEndpoint:
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
        ", ".join(qn(f.column) for f in fields if f.column),  # every concrete field has one
        ", ".join(["%s"] * len(fields)),
        qn("dedup_key"),
    )
    with conn.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.rowcount == 1


def refresh_presence(meeting: Meeting, *, force: bool = False) -> bool:
    """Derive Zoom/Jitsi presence from the raw events when new ones arrived (by their own
    times, so arrival order and redeliveries do not matter). True when rebuilt.

    Runs in the task worker (after webhook deliveries, `refresh_meeting_presence`), when
    the catch-ups are computed, or on the organiser's request: never while a page is read.
    The meeting row is locked so two rebuilds at once cannot both insert their rows.
    """
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        fingerprint = selectors.presence_fingerprint(locked)
        if not force and fingerprint == locked.presence_fingerprint:
            meeting.presence_fingerprint = fingerprint
            return False
        start, end = intervals.ts(locked.start), intervals.ts(locked.end)
        people: dict[tuple[str, str], dict[str, Any]] = {}
        for source, key, event, at, payload in selectors.attendance_events(locked).values_list(
            "source", "person_key", "event", "at", "payload"
        ):
            person = people.setdefault(
                (source, key), {"points": [], "name": "", "email": payload.get("email", "")}
            )
            person["name"] = person["name"] or payload.get("name", "")
            if at is not None:  # always set on stored events (see selectors.attendance_events)
                person["points"].append((intervals.ts(at), event))
        matcher = selectors.StaffMatcher.build()
        rows = []
        for (source, key), person in people.items():
            staff = matcher.match(person["name"], person["email"])
            for s, e in intervals.pair(person["points"], start, end):
                rows.append(
                    PresenceInterval(
                        meeting=locked,
                        staff=staff,
                        guest_name="" if staff else person["name"][:200],
                        guest_email="" if staff else person["email"][:200],
                        connection_key=key,
                        join=intervals.to_dt(s),
                        leave=intervals.to_dt(e),
                        source=source,
                    )
                )
        locked.presence.filter(source__in=selectors.EVENT_SOURCES).delete()
        PresenceInterval.objects.bulk_create(rows, batch_size=500)
        Meeting.objects.filter(pk=locked.pk).update(presence_fingerprint=fingerprint)
        meeting.presence_fingerprint = fingerprint
    return True


def refresh_presence_by_request(*, actor: User, meeting: Meeting) -> bool:
    """The organiser's "反映する": rebuild now instead of waiting for the worker (audited,
    as a change the organiser caused). True when something changed."""
    rebuilt = refresh_presence(meeting)
    if rebuilt:
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=meeting,
            changes={"presence": "(rebuilt)", "events": meeting.presence_fingerprint},
        )
    return rebuilt


# A burst of deliveries (everyone joining at 10:00) asks for one rebuild per room and web
# process every PRESENCE_DELAY: the rebuild is deferred by that much, so it sees every
# event stored before it was asked for; an event stored after the deadline asks again.
PRESENCE_DELAY = dt.timedelta(seconds=5)
_presence_asked: dict[str, float] = {}


def _enqueue_presence(meeting_id: int, *, deferred: bool = False) -> None:
    from yakuba.meetings.tasks import refresh_meeting_presence

    task = refresh_meeting_presence
    if deferred and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + PRESENCE_DELAY)
    task.enqueue(meeting_id)


def presence_changed(room: str, at: dt.datetime | None) -> int:
    """A new raw event for `room` was stored: have the presence of its meetings re-derived
    in the task worker. Returns how many rebuilds were asked for."""
    from yakuba.meetings.tasks import refresh_meeting_presence

    defer = refresh_meeting_presence.get_backend().supports_defer
    now = time.monotonic()
    if defer and _presence_asked.get(room, 0.0) > now:
        return 0  # a rebuild that will run after this event was stored is already waiting
    ids = list(selectors.meetings_for_room(room, at).values_list("pk", flat=True))
    for pk in ids:
        _enqueue_presence(pk, deferred=True)
    if defer:
        if len(_presence_asked) > 1000:
            _presence_asked.clear()
        # A little short of the deferral, so the waiting rebuild surely runs after `now`.
        _presence_asked[room] = now + PRESENCE_DELAY.total_seconds() - 0.5
    return len(ids)


def import_teams_report(*, actor: User, meeting: Meeting, data: bytes, filename: str = "") -> int:
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
    matcher = selectors.StaffMatcher.build()
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
    *, actor: User, meeting: Meeting, staff: Staff, join: dt.datetime, leave: dt.datetime
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


def finalise(*, actor: User, meeting: Meeting) -> None:
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
    a catch-up already sent is not sent again. Marks the meeting's catch-ups as prepared
    (the re-contact list says "being prepared" until then). Recorded in the audit trail as
    done by the system job `CATCHUPS_ACTOR`, however it is started."""
    with acting_as(CATCHUPS_ACTOR):
        return _compute_and_send_catchups(meeting_id)


def _compute_and_send_catchups(meeting_id: int) -> int:
    meeting = Meeting.objects.get(pk=meeting_id)
    refresh_presence(meeting)
    items, details = selectors.build_catchup_inputs(meeting)
    sent = 0
    for person in selectors.attendance(meeting):
        if not person.invited or person.staff is None or not person.attendance.needs_catchup:
            continue
        content = selectors.catchup_content(person, items, details)
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
                changes={"items": len(content["items"])},
            )
            user = person.staff.user
            if user is not None and user.is_active:
                notify(
                    [user],
                    subject=_("「%(title)s」の欠席・中断分の共有") % {"title": meeting.title},
                    body=selectors.catchup_text(meeting, content),
                    url=reverse("meetings:catchup_detail", args=[obj.pk]),
                    channels=(IN_APP, EMAIL),
                    purpose=f"catchup:{obj.pk}",
                )
            sent += 1
        pause("meetings.catchup_sent")
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.catchups_prepared_at is None:
            locked.catchups_prepared_at = timezone.now()
            locked.save(update_fields=["catchups_prepared_at"])
            record(
                AuditAction.UPDATE,
                obj=locked,
                changes={
                    "catchups_prepared_at": [None, locked.catchups_prepared_at.isoformat()],
                    "catchups": CatchUp.objects.filter(meeting=locked).count(),
                },
            )
    return sent


def acknowledge(*, actor: User, catchup: CatchUp) -> CatchUp:
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


# --- invitations that follow people's units ------------------------------------------------


@transaction.atomic
def follow_placements(
    *, actor: User | None, placements: Iterable[Placement], effective_date: dt.date
) -> int:
    """Future meetings follow the people whose unit or service just changed (a move, a
    join, a return, a leave; `org.signals.staff_placed`, in the transaction that applied
    them): a meeting starting after now and not before the effective date that invites a
    unit now invites the people of that unit, and no longer those who left it — unless
    they are invited by name. Past and ongoing meetings keep their invitees (and so their
    attendance and catch-ups). One audit entry per meeting changed; returns how many."""
    people = {p.staff_id: p for p in placements}
    if not people:
        return 0
    tz = timezone.get_default_timezone()
    midnight = timezone.make_aware(dt.datetime.combine(effective_date, dt.time()), tz)
    cutoff = max(timezone.now(), midnight)
    new_units = {p.after_unit_id for p in people.values() if p.after_unit_id is not None}
    unit_paths = dict(Unit.objects.filter(pk__in=new_units).values_list("pk", "path"))
    # The units whose invitation covers a new unit: it and every unit above it.
    covering: set[str] = set()
    for path in unit_paths.values():
        parts = path.strip("/").split("/")
        covering.update("/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    invited_units = Meeting.invited_units.through.objects
    invitees = Meeting.invitees.through.objects
    candidates = set(
        Meeting.objects.filter(start__gt=cutoff, status=MeetingStatus.SCHEDULED)
        .filter(
            Q(pk__in=invited_units.filter(unit__path__in=covering).values("meeting_id"))
            | Q(pk__in=invitees.filter(staff_id__in=list(people)).values("meeting_id"))
        )
        .values_list("pk", flat=True)
    )
    if not candidates:
        return 0
    # Locked in id order, as save_meeting's edits lock them one by one.
    meetings = list(Meeting.objects.select_for_update().filter(pk__in=candidates).order_by("pk"))
    by_meeting_units: dict[int, list[str]] = {}
    for meeting_id, path in invited_units.filter(meeting_id__in=candidates).values_list(
        "meeting_id", "unit__path"
    ):
        by_meeting_units.setdefault(meeting_id, []).append(path)
    named = set(
        Meeting.invited_staff.through.objects.filter(
            meeting_id__in=candidates, staff_id__in=list(people)
        ).values_list("meeting_id", "staff_id")
    )
    current = set(
        invitees.filter(meeting_id__in=candidates, staff_id__in=list(people)).values_list(
            "meeting_id", "staff_id"
        )
    )
    add: list[tuple[int, int]] = []
    remove: list[tuple[int, int]] = []
    entries: list[Entry] = []
    for meeting in meetings:
        paths = by_meeting_units.get(meeting.pk, [])
        added, removed = [], []
        for staff_id, placed in people.items():
            unit_path = unit_paths.get(placed.after_unit_id or 0, "")
            should = (meeting.pk, staff_id) in named or (
                placed.after_active
                and bool(unit_path)
                and any(unit_path.startswith(p) for p in paths)
            )
            invited = (meeting.pk, staff_id) in current
            if should and not invited:
                added.append(staff_id)
            elif invited and not should:
                removed.append(staff_id)
        if not (added or removed):
            continue
        add.extend((meeting.pk, s) for s in added)
        remove.extend((meeting.pk, s) for s in removed)
        entries.append(
            Entry(
                AuditAction.UPDATE,
                "meetings.meeting",
                str(meeting.pk),
                str(meeting)[:200],
                {
                    "invitees_added": added,
                    "invitees_removed": removed,
                    "reason": "personnel change",
                    "effective_date": effective_date.isoformat(),
                },
            )
        )
    invitees.bulk_create(
        [Meeting.invitees.through(meeting_id=m, staff_id=s) for m, s in add], batch_size=500
    )
    for meeting_id, staff_id in remove:
        invitees.filter(meeting_id=meeting_id, staff_id=staff_id).delete()
    record_many(entries, actor=actor)
    return len(entries)


def on_staff_placed(
    sender: object,
    *,
    actor: User | None,
    placements: list[Placement],
    effective_date: dt.date,
    **kwargs: Any,
) -> None:
    """Receiver of `org.signals.staff_placed` (connected in MeetingsConfig.ready)."""
    follow_placements(actor=actor, placements=placements, effective_date=effective_date)

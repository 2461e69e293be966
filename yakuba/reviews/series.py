"""Recurring meetings of the meetings app as `MeetingSeries`, with their measured cost.

`series_occurrences` reads the meetings of a period in a fixed number of queries (meetings,
invitees, presence, minutes, staff positions) and turns them into `meeting_costs`
occurrences; `refresh_meeting_series` groups them by organiser and normalised title, keeps
the groups of at least REVIEWS_SERIES_MIN_MEETINGS meetings and writes their figures
(one transaction, one audit entry). A series that no longer meets is kept (its reviews
refer to it) but marked inactive.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.conf import setting
from yakuba.core.system_actor import acting_as
from yakuba.meetings import intervals
from yakuba.meetings.models import EntryKind, Meeting, MinutesEntry, PresenceInterval
from yakuba.org.models import Staff, Unit
from yakuba.org.positions import level_of
from yakuba.reviews import meeting_costs
from yakuba.reviews.models import HourlyRate, MeetingSeries, department_of

# Meetings looked at (days back from now) and how many make a recurring meeting.
WINDOW_DAYS = 365
MIN_MEETINGS = 2
# The system job the audit trail names for a refresh nobody asked for (`core.system_actor`).
SERIES_ACTOR = "reviews.meeting_series"


def current_rates() -> dict[str, int]:
    """Yen per hour by position level: the planning unit's rates over the defaults."""
    rates = dict(meeting_costs.DEFAULT_RATES)
    rates.update(dict(HourlyRate.objects.values_list("level", "yen_per_hour")))
    return rates


@dataclass
class Group:
    key: str
    organiser_id: int
    occurrences: list[meeting_costs.Occurrence]
    meeting_ids: list[int]
    title: str
    unit_id: int


def series_occurrences(since: dt.datetime, until: dt.datetime) -> dict[str, Group]:
    """Every meeting that ended in [since, until), grouped by series key (6 queries)."""
    meetings = list(
        Meeting.objects.filter(end__gte=since, end__lt=until)
        .order_by("start", "pk")
        .values("pk", "title", "organiser_id", "unit_id", "start", "end", "drop_threshold_s")
    )
    # The same period as a join condition, not a list of ids (a year of a large office's
    # meetings would outgrow SQLite's limit on query parameters).
    period = {"meeting__end__gte": since, "meeting__end__lt": until}
    invited: dict[int, set[int]] = defaultdict(set)
    for meeting_id, staff_id in Meeting.invitees.through.objects.filter(**period).values_list(
        "meeting_id", "staff_id"
    ):
        invited[meeting_id].add(staff_id)
    spans: dict[int, dict[Any, list[intervals.Interval]]] = defaultdict(lambda: defaultdict(list))
    for meeting_id, staff_id, guest, join, leave, end in PresenceInterval.objects.filter(
        join__isnull=False, **period
    ).values_list("meeting_id", "staff_id", "guest_name", "join", "leave", "meeting__end"):
        if join is None:
            continue
        who = staff_id if staff_id is not None else f"guest:{guest}"
        spans[meeting_id][who].append((intervals.ts(join), intervals.ts(leave or end)))
    kinds: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for meeting_id, kind in MinutesEntry.objects.filter(
        kind__in=(EntryKind.DECISION, EntryKind.ACTION), **period
    ).values_list("meeting_id", "kind"):
        kinds[meeting_id][kind] += 1
    people = set().union(*invited.values()) if invited else set()
    people |= {who for by in spans.values() for who in by if isinstance(who, int)}
    levels = {
        pk: level_of(position)
        for pk, position in Staff.objects.filter(pk__in=people).values_list("pk", "position")
    }
    groups: dict[str, Group] = {}
    for m in meetings:
        occurrence = _occurrence(m, invited[m["pk"]], spans.get(m["pk"], {}), kinds, levels)
        key = meeting_costs.series_key(m["title"], m["organiser_id"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(key, m["organiser_id"], [], [], m["title"], m["unit_id"])
        group.occurrences.append(occurrence)
        group.meeting_ids.append(m["pk"])
        group.title, group.unit_id = m["title"], m["unit_id"]  # the newest one's
    return groups


def _occurrence(
    m: Mapping[str, Any],
    invitees: set[int],
    by_person: dict[Any, list[intervals.Interval]],
    kinds: dict[int, dict[str, int]],
    levels: dict[int, str],
) -> meeting_costs.Occurrence:
    start, end = intervals.ts(m["start"]), intervals.ts(m["end"])
    everyone = [span for own in by_person.values() for span in own]
    idle = intervals.complement(everyone, start, end) if everyone else []
    attendees = []
    for who, own in by_person.items():
        if not isinstance(who, int):
            continue  # guests cost the office nothing here
        att = intervals.classify(own, start, end, float(m["drop_threshold_s"]), idle)
        if att.present_s <= 0:
            continue
        dropped = att.left_early or att.long_drops > 0
        attendees.append(meeting_costs.Attendee(who, levels.get(who, "1"), att.present_s, dropped))
    return meeting_costs.Occurrence(
        meeting_id=m["pk"],
        start=m["start"],
        scheduled_minutes=(m["end"] - m["start"]).total_seconds() / 60,
        invited_levels={pk: levels.get(pk, "1") for pk in invitees},
        attendees=tuple(sorted(attendees, key=lambda a: a.staff_id)),
        attendance_recorded=bool(by_person),
        decisions=kinds.get(m["pk"], {}).get(EntryKind.DECISION, 0),
        actions=kinds.get(m["pk"], {}).get(EntryKind.ACTION, 0),
    )


@dataclass(frozen=True)
class RefreshResult:
    series: int
    created: int
    deactivated: int
    meetings: int


FIGURE_FIELDS = (
    "occurrences",
    "meetings_per_year",
    "avg_minutes",
    "avg_participants",
    "cost_per_meeting_yen",
    "cost_per_year_yen",
    "attendance_rate",
    "drop_rate",
    "decisions_recorded_share",
    "last_meeting_at",
)


def refresh_meeting_series(*, actor: Any = None, now: dt.datetime | None = None) -> RefreshResult:
    """Regroup the meetings of the last WINDOW_DAYS into series and store their figures.
    Without an actor, recorded as the system job `SERIES_ACTOR` (the nightly refresh)."""
    if actor is None:
        with acting_as(SERIES_ACTOR):
            return _refresh(None, now or timezone.now())
    return _refresh(actor, now or timezone.now())


def _refresh(actor: Any, now: dt.datetime) -> RefreshResult:
    window = int(setting("REVIEWS_SERIES_WINDOW_DAYS", WINDOW_DAYS))
    least = int(setting("REVIEWS_SERIES_MIN_MEETINGS", MIN_MEETINGS))
    groups = {
        k: g
        for k, g in series_occurrences(now - dt.timedelta(days=window), now).items()
        if len(g.occurrences) >= least
    }
    rates = current_rates()
    units = Unit.objects.in_bulk({g.unit_id for g in groups.values()})
    departments = {pk: department_of(unit) for pk, unit in units.items()}
    created = 0
    with transaction.atomic():
        existing = MeetingSeries.objects.select_for_update().in_bulk(list(groups), field_name="key")
        for key, group in groups.items():
            figures = meeting_costs.series_figures(group.occurrences, rates)
            series = existing.get(key) or MeetingSeries(key=key, organiser_id=group.organiser_id)
            created += series.pk is None
            series.title = group.title[:200]
            series.unit_id = group.unit_id
            department = departments.get(group.unit_id)
            series.department_id = department.pk if department is not None else None
            series.active = True
            for name in FIGURE_FIELDS:
                setattr(series, name, getattr(figures, name))
            series.refreshed_at = now
            series.save()
            series.meetings.set(group.meeting_ids)
        deactivated = (
            MeetingSeries.objects.filter(active=True)
            .exclude(key__in=list(groups))
            .update(active=False, refreshed_at=now)
        )
        record(
            AuditAction.UPDATE,
            actor=actor,
            object_type="reviews.meetingseries",
            object_repr="定例会議の集計",
            changes={
                "series": len(groups),
                "created": created,
                "deactivated": deactivated,
                "meetings": sum(len(g.meeting_ids) for g in groups.values()),
                "rates": rates,
            },
        )
    return RefreshResult(
        series=len(groups),
        created=created,
        deactivated=deactivated,
        meetings=sum(len(g.meeting_ids) for g in groups.values()),
    )

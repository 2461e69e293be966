"""Reads for connection quality: the settings in force, a person's own figures and the
anonymous summary by unit.

* a person's figures and nudges: that person only;
* the summary by unit: the information division (VIEW_CONNECTION_QUALITY), without names
  unless MEETINGS_QUALITY_SHOW_NAMES is on; small units merged or left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from yakuba.core.conf import setting
from yakuba.meetings import intervals
from yakuba.meetings import selectors as meeting_selectors
from yakuba.meetings.models import (
    ConnectionNudge,
    ConnectionQualitySettings,
    Meeting,
    Platform,
)
from yakuba.meetings.quality import scoring
from yakuba.org.models import Staff

# Settings (MEETINGS_QUALITY_<NAME>, or the environment variable of the same name).
DEFAULTS: dict[str, Any] = {
    "DROPS_PER_HOUR": scoring.DEFAULT_DROPS_PER_HOUR,
    "MIN_HOURS": scoring.DEFAULT_MIN_HOURS,
    "MIN_GAP_SECONDS": scoring.DEFAULT_MIN_GAP_S,
    "WINDOW_DAYS": scoring.DEFAULT_WINDOW_DAYS,
    "NUDGE_EVERY_DAYS": 14,
    "NUDGES_ENABLED": True,
    "NUDGE_EMAIL": True,
    "NUDGE_HOUR": 9,  # the daily run starts at this local hour
    "MIN_GROUP_SIZE": scoring.DEFAULT_MIN_GROUP,
    "SHOW_NAMES": False,
}


def conf(name: str) -> Any:
    return setting(f"MEETINGS_QUALITY_{name}", DEFAULTS[name])


@dataclass(frozen=True)
class Config:
    thresholds: scoring.Thresholds
    window_days: int
    nudge_every_days: int
    nudges_enabled: bool

    def since(self, now: dt.datetime) -> dt.datetime:
        return now - dt.timedelta(days=self.window_days)


def config() -> Config:
    """The stored settings if the information division changed them, else the defaults."""
    row = ConnectionQualitySettings.objects.filter(pk=1).first()
    min_gap = float(conf("MIN_GAP_SECONDS"))
    if row is None:
        return Config(
            scoring.Thresholds(float(conf("DROPS_PER_HOUR")), float(conf("MIN_HOURS")), min_gap),
            int(conf("WINDOW_DAYS")),
            int(conf("NUDGE_EVERY_DAYS")),
            bool(conf("NUDGES_ENABLED")),
        )
    return Config(
        scoring.Thresholds(row.drops_per_hour, row.min_hours, min_gap),
        row.window_days,
        row.nudge_every_days,
        row.nudges_enabled,
    )


def settings_row() -> ConnectionQualitySettings | None:
    return ConnectionQualitySettings.objects.filter(pk=1).select_related("updated_by").first()


def _meetings(since: dt.datetime, until: dt.datetime) -> QuerySet[Meeting]:
    """Online meetings that ended inside the window and have someone's presence recorded."""
    return (
        Meeting.objects.filter(start__gte=since, end__lte=until, presence__staff__isnull=False)
        .exclude(platform=Platform.IN_PERSON)
        .distinct()
        .order_by("-start", "-pk")
    )


def _attended(
    since: dt.datetime, until: dt.datetime, staff: Staff | None = None
) -> Iterator[tuple[Meeting, int, intervals.Attendance]]:
    """(meeting, staff id, attendance) for everyone connected in each meeting of the
    window (only `staff` when given), newest meeting first."""
    meetings = _meetings(since, until)
    if staff is not None:
        meetings = meetings.filter(presence__staff=staff)
    for meeting in meetings:
        for person in meeting_selectors.attendance(meeting):
            if person.staff is None or person.attendance.present_s <= 0:
                continue
            if staff is None or person.staff.pk == staff.pk:
                yield meeting, person.staff.pk, person.attendance


def records(
    *, since: dt.datetime, until: dt.datetime, staff: Staff | None = None
) -> list[scoring.MeetingRecord]:
    return [
        scoring.MeetingRecord.from_attendance(pk, meeting.pk, att)
        for meeting, pk, att in _attended(since, until, staff)
    ]


def everyone(
    cfg: Config, now: dt.datetime | None = None
) -> tuple[dict[int, scoring.PersonQuality], dt.datetime]:
    now = now or timezone.now()
    recs = records(since=cfg.since(now), until=now)
    return scoring.per_person(recs, min_gap_s=cfg.thresholds.min_gap_s), now


@dataclass
class MeetingLine:
    meeting: Meeting
    connected_minutes: int
    drops: int
    gaps: list[str]  # "10:17–10:26" for each drop


@dataclass
class Mine:
    config: Config
    person: scoring.PersonQuality
    lines: list[MeetingLine]
    above: bool
    measured: bool
    last_nudge: ConnectionNudge | None
    since: dt.datetime


def _hm(t: float) -> str:
    return timezone.localtime(intervals.to_dt(t)).strftime("%H:%M")


def mine(user: Any, now: dt.datetime | None = None) -> Mine | None:
    """The signed-in person's own figures and meetings; None without a staff record."""
    staff = getattr(user, "staff", None)
    if staff is None:
        return None
    cfg = config()
    now = now or timezone.now()
    since = cfg.since(now)
    min_gap = cfg.thresholds.min_gap_s
    recs: list[scoring.MeetingRecord] = []
    lines: list[MeetingLine] = []
    for meeting, pk, att in _attended(since, now, staff):
        record = scoring.MeetingRecord.from_attendance(pk, meeting.pk, att)
        recs.append(record)
        gaps = [f"{_hm(s)}–{_hm(e)}" for s, e in att.internal if e - s > min_gap]
        lines.append(MeetingLine(meeting, round(att.present_s / 60), record.drops(min_gap), gaps))
    person = scoring.per_person(recs, min_gap_s=min_gap).get(
        staff.pk, scoring.PersonQuality(staff.pk)
    )
    return Mine(
        config=cfg,
        person=person,
        lines=lines,
        above=person.above(cfg.thresholds),
        measured=person.measured(cfg.thresholds),
        last_nudge=my_nudges(user).first(),
        since=since,
    )


def my_nudges(user: Any) -> QuerySet[ConnectionNudge]:
    staff = getattr(user, "staff", None)
    if staff is None:
        return ConnectionNudge.objects.none()
    return ConnectionNudge.objects.filter(staff=staff)


@dataclass
class UnitLine:
    unit: Any
    group: scoring.Group
    names: list[str]  # people above the threshold, only with SHOW_NAMES


@dataclass
class UnitSummary:
    config: Config
    summary: scoring.Summary
    lines: list[UnitLine]
    show_names: bool
    since: dt.datetime


def unit_summary(now: dt.datetime | None = None) -> UnitSummary:
    """By each measured person's current unit (active staff only)."""
    cfg = config()
    people, now = everyone(cfg, now)
    staff = {
        s.pk: s
        for s in Staff.objects.filter(pk__in=people.keys(), active=True).select_related("unit")
    }
    units = {s.unit_id: s.unit for s in staff.values()}
    summary = scoring.by_unit(
        people.values(),
        {pk: s.unit_id for pk, s in staff.items()},
        cfg.thresholds,
        min_group=int(conf("MIN_GROUP_SIZE")),
    )
    show_names = bool(conf("SHOW_NAMES"))
    lines = [
        UnitLine(
            units[g.key],  # type: ignore[index]
            g,
            sorted(staff[pk].name for pk in g.members if people[pk].above(cfg.thresholds))
            if show_names
            else [],
        )
        for g in summary.rows
    ]
    lines.sort(key=lambda line: (line.unit.code, line.unit.pk))
    return UnitSummary(
        config=cfg, summary=summary, lines=lines, show_names=show_names, since=cfg.since(now)
    )

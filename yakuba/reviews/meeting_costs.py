"""What a recurring meeting costs, measured — plain functions, no database.

A series is the meetings of one organiser under one normalised title (「第3回 DX推進本部
幹事会（4月）」 and 「DX推進本部幹事会」 are the same series). For each meeting:

* **cost** = for every member of staff who attended, the hours they were present ×
  the hourly staff-cost rate of their position level (係員級 … 課長級以上,
  `yakuba.org.positions`). Guests cost the office nothing here. A meeting whose
  attendance was never recorded is priced as planned: every invitee × its scheduled
  duration (and counted in ``planned_only``);
* **attendance rate** = invitees who came ÷ invitees (meetings with attendance recorded);
* **drop rate** = attendees who left early or were away mid-meeting for at least the
  meeting's threshold ÷ attendees;
* **decisions recorded** = meetings whose minutes hold a decision (決定事項) or an action
  (対応事項) ÷ meetings.

Per year: the average cost of a meeting × meetings a year, estimated as 365 ÷ the median
number of days between two meetings of the series (52.1 for a weekly meeting).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import statistics
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from yakuba.org.positions import (
    LEVEL_CHIEF,
    LEVEL_DEPUTY,
    LEVEL_MANAGER,
    LEVEL_SENIOR,
    LEVEL_STAFF,
)

# Yen per hour of staff time by position level, until the planning unit sets its own
# (HourlyRate): salary, allowances and the employer's social insurance of a municipal
# employee of that level, divided by about 1,900 working hours a year.
DEFAULT_RATES: dict[str, int] = {
    LEVEL_STAFF: 3000,
    LEVEL_SENIOR: 3700,
    LEVEL_CHIEF: 4400,
    LEVEL_DEPUTY: 5000,
    LEVEL_MANAGER: 5800,
}

# Numbers that name an occurrence, not the meeting: 第3回, 4月, 4月分, 12/5, 2026年度,
# 令和8年度, R8, (第2四半期) …
_OCCURRENCE_PARTS = re.compile(
    r"第\s*\d+\s*回|\d{1,2}\s*月\s*(分|度)?|\d{1,2}\s*/\s*\d{1,2}|\d{4}\s*年(度)?"
    r"|(令和|平成)\s*(\d+|元)\s*年(度)?|\br\d{1,2}\b|第\s*\d\s*四半期|\d{1,2}\s*日"
)
_IGNORED = re.compile(r"[\s()（）\[\]【】「」『』〈〉<>・･\-‐－―ー_:：,，、.。/／]+")


def normalise_title(title: str) -> str:
    """The part of a meeting's title that stays the same from one occurrence to the next."""
    text = unicodedata.normalize("NFKC", title or "").lower()
    text = _OCCURRENCE_PARTS.sub(" ", text)
    text = _IGNORED.sub("", text)
    text = re.sub(r"(定例|定期)$", "", text)
    return text or unicodedata.normalize("NFKC", title or "").strip().lower()


def series_key(title: str, organiser_id: int) -> str:
    """The series a meeting belongs to (unique, at most 200 characters)."""
    key = f"{organiser_id}:{normalise_title(title)}"
    if len(key) > 200:
        key = key[:150] + ":" + hashlib.sha256(key.encode()).hexdigest()[:40]
    return key


@dataclass(frozen=True)
class Attendee:
    """One member of staff who attended one meeting."""

    staff_id: int
    level: str
    present_s: float
    dropped: bool  # left early or away mid-meeting for at least the threshold


@dataclass(frozen=True)
class Occurrence:
    meeting_id: int
    start: dt.datetime
    scheduled_minutes: float
    invited_levels: Mapping[int, str]  # staff id → position level of every invitee
    attendees: Sequence[Attendee]
    attendance_recorded: bool
    decisions: int = 0
    actions: int = 0


@dataclass(frozen=True)
class SeriesFigures:
    occurrences: int
    planned_only: int  # meetings priced as planned (no attendance recorded)
    meetings_per_year: Decimal | None
    avg_minutes: Decimal | None
    avg_participants: Decimal | None
    person_hours_per_meeting: Decimal | None
    cost_per_meeting_yen: int | None
    cost_per_year_yen: int | None
    attendance_rate: Decimal | None
    drop_rate: Decimal | None
    decisions_recorded_share: Decimal | None
    last_meeting_at: dt.datetime | None


def _rate(rates: Mapping[str, int], level: str) -> Decimal:
    return Decimal(rates.get(level, DEFAULT_RATES.get(level, DEFAULT_RATES[LEVEL_STAFF])))


def _yen(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _one(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def person_hours(occurrence: Occurrence) -> Decimal:
    if occurrence.attendance_recorded:
        seconds = sum(Decimal(str(a.present_s)) for a in occurrence.attendees)
        return seconds / Decimal(3600)
    minutes = Decimal(str(occurrence.scheduled_minutes))
    return minutes * len(occurrence.invited_levels) / Decimal(60)


def occurrence_cost(occurrence: Occurrence, rates: Mapping[str, int]) -> Decimal:
    """Yen (unrounded) of one meeting: measured presence, else invitees × scheduled time."""
    if occurrence.attendance_recorded:
        return sum(
            (Decimal(str(a.present_s)) / Decimal(3600) * _rate(rates, a.level))
            for a in occurrence.attendees
        ) or Decimal(0)
    hours = Decimal(str(occurrence.scheduled_minutes)) / Decimal(60)
    return sum(
        (hours * _rate(rates, level) for level in occurrence.invited_levels.values()),
        Decimal(0),
    )


def meetings_per_year(starts: Iterable[dt.datetime]) -> Decimal | None:
    """365 ÷ the median days between two meetings (one meeting: 1 a year; none: None)."""
    ordered = sorted(starts)
    if not ordered:
        return None
    if len(ordered) == 1:
        return Decimal(1)
    gaps = [(b - a).total_seconds() / 86400 for a, b in itertools.pairwise(ordered)]
    median = max(1.0, float(statistics.median(gaps)))
    return _one(Decimal(365) / Decimal(str(median)))


def series_figures(occurrences: Sequence[Occurrence], rates: Mapping[str, int]) -> SeriesFigures:
    """The measured figures of one series (see the module's description)."""
    n = len(occurrences)
    if not n:
        return SeriesFigures(0, 0, None, None, None, None, None, None, None, None, None, None)
    costs = [occurrence_cost(o, rates) for o in occurrences]
    cost_each = sum(costs, Decimal(0)) / n
    per_year = meetings_per_year(o.start for o in occurrences)
    recorded = [o for o in occurrences if o.attendance_recorded]
    invited = sum(len(o.invited_levels) for o in recorded)
    came = sum(sum(1 for a in o.attendees if a.staff_id in o.invited_levels) for o in recorded)
    attendees = sum(len(o.attendees) for o in recorded)
    dropped = sum(sum(1 for a in o.attendees if a.dropped) for o in recorded)
    participants = [
        len(o.attendees) if o.attendance_recorded else len(o.invited_levels) for o in occurrences
    ]
    return SeriesFigures(
        occurrences=n,
        planned_only=n - len(recorded),
        meetings_per_year=per_year,
        avg_minutes=_one(
            sum((Decimal(str(o.scheduled_minutes)) for o in occurrences), Decimal(0)) / n
        ),
        avg_participants=_one(Decimal(sum(participants)) / n),
        person_hours_per_meeting=_one(sum((person_hours(o) for o in occurrences), Decimal(0)) / n),
        cost_per_meeting_yen=_yen(cost_each),
        cost_per_year_yen=_yen(cost_each * per_year) if per_year is not None else None,
        attendance_rate=_share(came, invited),
        drop_rate=_share(dropped, attendees),
        decisions_recorded_share=_share(sum(1 for o in occurrences if o.decisions or o.actions), n),
        last_meeting_at=max(o.start for o in occurrences),
    )

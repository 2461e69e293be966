"""The monthly licence report: use per licence, peak concurrency per platform, and how
many licences are needed (peak + margin) against how many are held.

Everything is computed in Asia/Tokyo days (the office's TIME_ZONE).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from yakuba.licences import concurrency, selectors
from yakuba.licences.models import MEASURED_PLATFORMS, Licence, LicencePlatform
from yakuba.org.models import Staff

DEFAULT_MARGIN_MIN = 1
DEFAULT_MARGIN_PERCENT = 10


def default_margin() -> tuple[int, int]:
    """(at least this many spare licences, or this % of the peak rounded up)."""
    return (
        int(getattr(settings, "LICENCE_MARGIN_MIN", DEFAULT_MARGIN_MIN)),
        int(getattr(settings, "LICENCE_MARGIN_PERCENT", DEFAULT_MARGIN_PERCENT)),
    )


def margin_for(peak: int, minimum: int, percent: int) -> int:
    """Spare licences on top of the peak: the larger of `minimum` and `percent`% of it."""
    if peak <= 0:
        return 0
    return max(minimum, math.ceil(peak * percent / 100))


def last_complete_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_days(month: dt.date) -> list[dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((nxt - first).days)]


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _local(ts: float | None) -> dt.datetime | None:
    if ts is None:
        return None
    return timezone.localtime(dt.datetime.fromtimestamp(ts, tz=dt.UTC))


@dataclass
class LicenceUse:
    licence: Licence
    holders: list[Staff]  # everyone who held it during the month, in order
    meetings: int = 0
    seconds: float = 0.0
    peak: int = 0  # most meetings its holders hosted at once

    @property
    def hours(self) -> float:
        return round(self.seconds / 3600, 1)

    @property
    def idle(self) -> bool:
        return self.meetings == 0


@dataclass
class UnlicensedHost:
    staff: Staff | None  # None: meetings without a recorded host
    meetings: int = 0
    seconds: float = 0.0

    @property
    def hours(self) -> float:
        return round(self.seconds / 3600, 1)


@dataclass
class DayPeak:
    date: dt.date
    peak: int
    at: dt.datetime | None


@dataclass
class PlatformSummary:
    platform: str
    measured: bool  # meetings on this platform are recorded in Yakuba
    licences: list[LicenceUse]
    meetings: int
    seconds: float
    actual_meetings: int  # of which with actual times from the platform
    peak: int
    peak_at: dt.datetime | None
    days: list[DayPeak]
    margin: int
    unlicensed: list[UnlicensedHost] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(LicencePlatform(self.platform).label)

    @property
    def held(self) -> int:
        return len(self.licences)

    @property
    def needed(self) -> int:
        return self.peak + self.margin

    @property
    def surplus(self) -> int:
        """Licences that could go (negative: too few for the peak plus margin)."""
        return self.held - self.needed

    @property
    def shortfall(self) -> int:
        return max(0, -self.surplus)

    @property
    def hours(self) -> float:
        return round(self.seconds / 3600, 1)

    @property
    def days_at_peak(self) -> int:
        return sum(1 for d in self.days if self.peak and d.peak == self.peak)

    @property
    def idle(self) -> list[LicenceUse]:
        return [u for u in self.licences if u.idle]

    @property
    def cancellable(self) -> list[LicenceUse]:
        """Idle licences that can go while keeping `needed`: the dearest first."""
        room = max(0, self.surplus)
        ranked = sorted(self.idle, key=lambda u: (-u.licence.monthly_cost, u.licence.name))
        return ranked[:room]

    @property
    def monthly_cost(self) -> int:
        return sum(u.licence.monthly_cost for u in self.licences)

    @property
    def idle_cost(self) -> int:
        return sum(u.licence.monthly_cost for u in self.idle)

    @property
    def saving(self) -> int:
        return sum(u.licence.monthly_cost for u in self.cancellable)


@dataclass
class LicenceReport:
    month: dt.date
    margin_min: int
    margin_percent: int
    platforms: list[PlatformSummary]

    @property
    def first(self) -> dt.date:
        return self.month

    @property
    def last(self) -> dt.date:
        return month_days(self.month)[-1]

    @property
    def licences(self) -> list[LicenceUse]:
        return [u for p in self.platforms for u in p.licences]

    @property
    def saving(self) -> int:
        return sum(p.saving for p in self.platforms)

    @property
    def monthly_cost(self) -> int:
        return sum(p.monthly_cost for p in self.platforms)


def _holders_on(
    licence: Licence, first: dt.date, end: dt.date
) -> list[tuple[int, dt.date, dt.date]]:
    """(staff id, from, until-exclusive) of the licence's holders, cut to ``[first, end)``."""
    out = []
    for a in sorted(licence.assignments.all(), key=lambda a: (a.start_on, a.pk)):
        s = max(a.start_on, first, licence.valid_from)
        e = min(a.end_on or end, end)
        if licence.valid_to is not None:
            e = min(e, licence.valid_to + dt.timedelta(days=1))
        if e > s:
            out.append((a.staff_id, s, e))
    return out


def build(
    user: Any,
    month: dt.date,
    *,
    margin_min: int | None = None,
    margin_percent: int | None = None,
) -> LicenceReport:
    default_min, default_pct = default_margin()
    margin_min = default_min if margin_min is None else margin_min
    margin_percent = default_pct if margin_percent is None else margin_percent
    days = month_days(month)
    first, end_day = days[0], days[-1] + dt.timedelta(days=1)
    start_dt, end_dt = _midnight(first), _midnight(end_day)
    t0, t1 = start_dt.timestamp(), end_dt.timestamp()
    day_bounds = [
        (_midnight(d).timestamp(), _midnight(d + dt.timedelta(days=1)).timestamp()) for d in days
    ]

    licences = selectors.licences_valid_between(user, first, days[-1])
    by_platform: dict[str, list[Licence]] = defaultdict(list)
    for lic in licences:
        by_platform[lic.platform].append(lic)
    spans = selectors.meeting_spans(
        user, {p for p in by_platform if p in MEASURED_PLATFORMS}, start_dt, end_dt
    )
    holder_periods = {lic.pk: _holders_on(lic, first, end_day) for lic in licences}
    staff_ids = {sid for periods in holder_periods.values() for sid, _s, _e in periods}
    staff_ids |= {s.host_id for s in spans if s.host_id is not None}
    staff = {s.pk: s for s in Staff.objects.filter(pk__in=staff_ids).select_related("unit")}

    platforms = []
    for platform in sorted(by_platform, key=lambda p: list(LicencePlatform.values).index(p)):
        plats = by_platform[platform]
        uses = {
            lic.pk: LicenceUse(
                licence=lic,
                holders=list(dict.fromkeys(staff[sid] for sid, _s, _e in holder_periods[lic.pk])),
            )
            for lic in plats
        }
        per_licence: dict[int, list[tuple[float, float]]] = defaultdict(list)
        unlicensed: dict[int | None, UnlicensedHost] = {}
        intervals: list[tuple[float, float]] = []
        actual = 0
        for span in spans:
            if span.platform != platform:
                continue
            clipped = concurrency.clip([(span.start.timestamp(), span.end.timestamp())], t0, t1)
            if not clipped:
                continue
            interval = clipped[0]
            intervals.append(interval)
            actual += span.actual
            on = timezone.localtime(span.start).date()
            on = min(max(on, first), days[-1])
            owner = next(
                (
                    lic
                    for lic in plats
                    if any(
                        sid == span.host_id and s <= on < e for sid, s, e in holder_periods[lic.pk]
                    )
                ),
                None,
            )
            seconds = interval[1] - interval[0]
            if owner is not None:
                use = uses[owner.pk]
                use.meetings += 1
                use.seconds += seconds
                per_licence[owner.pk].append(interval)
            else:
                host = unlicensed.setdefault(
                    span.host_id,
                    UnlicensedHost(staff=staff.get(span.host_id) if span.host_id else None),
                )
                host.meetings += 1
                host.seconds += seconds
        for pk, ivs in per_licence.items():
            uses[pk].peak = concurrency.peak(ivs).count
        office = concurrency.peak(intervals)
        daily = concurrency.daily_peaks(intervals, day_bounds)
        platforms.append(
            PlatformSummary(
                platform=platform,
                measured=platform in MEASURED_PLATFORMS,
                licences=sorted(uses.values(), key=lambda u: (u.idle, u.licence.name)),
                meetings=len(intervals),
                seconds=sum(e - s for s, e in intervals),
                actual_meetings=actual,
                peak=office.count,
                peak_at=_local(office.at),
                days=[DayPeak(d, p.count, _local(p.at)) for d, p in zip(days, daily, strict=True)],
                margin=margin_for(office.count, margin_min, margin_percent),
                unlicensed=sorted(
                    unlicensed.values(),
                    key=lambda h: (-h.meetings, h.staff.staff_number if h.staff else ""),
                ),
            )
        )
    return LicenceReport(
        month=first, margin_min=margin_min, margin_percent=margin_percent, platforms=platforms
    )

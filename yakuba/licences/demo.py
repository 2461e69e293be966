"""Demo licences: six Zoom host licences, two of them idle, and a month of Zoom meetings.

The meeting records are what a Zoom account sync would leave behind: past meetings of
four licence holders in different divisions (with actual times for some of them), a few
meetings hosted by two people who hold no licence, and three days on which three
meetings ran at once. The report for last month then reads: peak 3, needed 4 (peak + 1),
held 6, two idle licences that can go.

Called by `manage.py seed_licences_demo` (run by `make run` after the meetings demo);
never by a production start.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.licences import services
from yakuba.licences.concurrency import peak
from yakuba.licences.models import LicenceKind, LicencePlatform
from yakuba.licences.report import last_complete_month
from yakuba.meetings.models import Meeting, Platform, PresenceInterval
from yakuba.org.models import Staff

HEAD = accounts.HEAD
SYNC_USER = accounts.ZOOM_SYNC
MONTHLY_COST = 2200  # a Zoom Pro host licence, yen per month (annual contract ÷ 12)
MAX_AT_ONCE = 3
DIVISIONS = ("情報政策課", "人事課", "税務課", "福祉課", "子育て支援課", "企画課", "財政課")
TITLES = (
    "係内打合せ",
    "定例会議",
    "業者との打合せ",
    "県との協議",
    "オンライン研修",
    "住民説明会の準備",
    "システム更新の進捗確認",
)


def _local(day: dt.date, hh: int, mm: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


def _people() -> list[Staff]:
    """The licence holders and hosts: demo-head first, then one person per division."""
    head = User.objects.select_related("staff").get(username=HEAD).staff
    chosen = [head]
    for name in DIVISIONS:
        person = (
            Staff.objects.filter(unit__name=name, active=True, user__isnull=True)
            .exclude(pk__in=[s.pk for s in chosen])
            .order_by("staff_number")
            .first()
        )
        if person is not None:
            chosen.append(person)
    others = (
        Staff.objects.filter(active=True, user__isnull=True)
        .exclude(pk__in=[s.pk for s in chosen])
        .order_by("staff_number")
    )
    for person in others:
        if len(chosen) >= 8:
            break
        chosen.append(person)
    return chosen


def _sync_user() -> User:
    user = User.objects.filter(username=SYNC_USER).first()
    if user is None:
        user = User.objects.create_user(SYNC_USER, password=None, role="staff")
    return user


class _Planner:
    """Adds meetings only where the host is free and at most MAX_AT_ONCE run at once."""

    def __init__(self, first: dt.datetime, last: dt.datetime) -> None:
        existing = Meeting.objects.filter(
            platform=Platform.ZOOM, start__lt=last, end__gt=first
        ).values_list("host_id", "start", "end")
        self.spans: list[tuple[int | None, float, float]] = [
            (h, s.timestamp(), e.timestamp()) for h, s, e in existing
        ]

    def fits(self, host: Staff, start: dt.datetime, end: dt.datetime) -> bool:
        s, e = start.timestamp(), end.timestamp()
        overlapping = [(a, b) for h, a, b in self.spans if a < e and b > s]
        if any(h == host.pk and a < e and b > s for h, a, b in self.spans):
            return False
        return peak([*overlapping, (s, e)]).count <= MAX_AT_ONCE

    def add(self, host: Staff, start: dt.datetime, end: dt.datetime) -> None:
        self.spans.append((host.pk, start.timestamp(), end.timestamp()))


def _weekdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@transaction.atomic
def seed_licences_demo(seed: int = 6) -> dict[str, int]:
    rng = random.Random(seed)
    people = _people()
    a, b, c, d, idle_holder, former, u1, u2 = (people + people)[:8]
    today = timezone.localdate()
    month = last_complete_month(today)
    contract = (
        month.replace(month=4) if month.month >= 4 else month.replace(year=month.year - 1, month=4)
    )

    # The ledger: 01–04 in use, 05 held by someone who never hosts, 06 handed back.
    licences = []
    for i, holder in enumerate([a, b, c, d, idle_holder, former], start=1):
        licences.append(
            services.save_licence(
                actor=None,
                licence=None,
                values={
                    "platform": LicencePlatform.ZOOM,
                    "name": f"Zoom ホスト{i:02d}（zoom-host{i:02d}@city.example.lg.jp）",
                    "kind": LicenceKind.HOST,
                    "monthly_cost": MONTHLY_COST,
                    "valid_from": contract,
                    "valid_to": None,
                    "notes": "年間契約（4月更新）" if i < 6 else "前任者の異動後、未割り当て",
                },
                holder=holder,
                holder_from=contract,
            )
        )
    services.reassign(None, licences[5], None, month - dt.timedelta(days=20))

    organiser = _sync_user()
    first = _local(month, 0, 0)
    last = _local(today, 0, 0)
    planner = _Planner(first, last)
    made = 0

    def meeting(host: Staff, day: dt.date, hh: int, mm: int, minutes: int) -> None:
        nonlocal made
        start = _local(day, hh, mm)
        end = start + dt.timedelta(minutes=minutes)
        if end > last or not planner.fits(host, start, end):
            return
        m = Meeting.objects.create(
            title=f"{host.unit.name} {rng.choice(TITLES)}",
            start=start,
            end=end,
            platform=Platform.ZOOM,
            platform_meeting_id=f"8{rng.randrange(10**9, 10**10)}",
            unit=host.unit,
            organiser=organiser,
            host=host,
            status="finalised",
        )
        planner.add(host, start, end)
        made += 1
        if rng.random() < 0.5:  # actual times from the Zoom sync: a little late, a little over
            late, over = rng.choice([0, 2, 3, 5]), rng.choice([-5, 0, 4, 8])
            PresenceInterval.objects.create(
                meeting=m,
                staff=host,
                join=start + dt.timedelta(minutes=late),
                leave=end + dt.timedelta(minutes=over),
                source="zoom",
            )

    days = _weekdays(month, today - dt.timedelta(days=1))
    last_month_days = [x for x in days if x.month == month.month]
    busiest = set(rng.sample(last_month_days[2:-2], 3)) if len(last_month_days) > 6 else set()
    for day in days:
        wd = day.weekday()
        meeting(a, day, 10, 0, 60)  # the daily section meeting
        if wd in (0, 2, 4):
            meeting(b, day, 13, 30, 60)
        if wd in (1, 3):
            meeting(c, day, 10, 30, 60)
        if rng.random() < 0.5:
            meeting(d, day, 15, 0, rng.choice([30, 60]))
        if rng.random() < 0.3:
            meeting(u1, day, 16, 0, 30)  # starts as d's meeting ends: not at the same time
        if wd == 0:
            meeting(u2, day, 9, 0, 45)
        if day in busiest:  # three at once: 10:30–11:00
            meeting(c, day, 10, 30, 60)
            meeting(b, day, 10, 15, 60)
            meeting(d, day, 10, 45, 45)
    return {"licences": len(licences), "meetings": made}

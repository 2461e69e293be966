"""Historic data for the evidence report: published rosters, morning reports, blockers,
meetings and seat refusals for past periods, built in bulk.

Used by the demo loader (the 2020 state of emergency and the same days of 2021 for the demo
city) and by the benchmark (2,000 staff × 12 months). The rosters the demo city already has
are relative to today; these are past periods by nature. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.core.calendar import is_public_holiday
from yakuba.dailyreports.models import Blocker, Report, ReportStatus, ReportWindow
from yakuba.meetings.models import CatchUp, Meeting, Platform, PresenceInterval
from yakuba.org.models import Staff, Unit, UnitKind
from yakuba.remoteseats.models import SeatRefusal
from yakuba.rosters import eligibility
from yakuba.rosters.models import (
    AccessMethod,
    ActivityKind,
    Assignment,
    RemoteResource,
    RosterPeriod,
    RosterVersion,
    VersionStatus,
    WorkActivity,
)

BATCH = 5000


@dataclass(frozen=True)
class Profile:
    """How a past period went."""

    name: str
    start: dt.date
    end: dt.date
    telework_share: float  # share of eligible people at home on a weekday
    office_cap: bool = False  # emergency: counters short now and then
    report_rate: float = 0.9
    late_rate: float = 0.05
    drop_rate: float = 0.1  # share of connections with a long drop
    ack_rate: float = 0.7  # catch-ups acknowledged
    blockers_per_person_month: float = 0.15
    meetings_per_group_week: int = 1
    mode: str = "normal"


BLOCKER_TEXTS = (
    "自宅から VPN に接続できず、午前中の作業が止まった",
    "VPN端末の予約が取れず在宅勤務に切り替えられない",
    "基幹システムに自宅から入れないため、照会は出勤日にまとめている",
    "決裁の押印のためだけに出勤が必要",
    "申請書類の原本確認が自宅ではできない",
    "担当者への連絡がつかず確認待ち",
    "会議の資料共有がうまくいかず説明に時間がかかった",
    "窓口の応援の人手が足りない",
    "来庁者が多く窓口が混雑した",
    "自宅のルーターが不安定で Web会議が何度も切れる",
    "郵送物の確認が遅れている",
    "電話の取り次ぎができず折り返しが遅れた",
    "印刷が自宅でできず資料作成が翌日になった",
    "業務の進め方について相談先がわからない",
)


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _workday(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def _activities() -> dict[str, Any]:
    acts = list(WorkActivity.objects.select_related("counter").prefetch_related("resources"))
    office = next(a for a in acts if a.kind == ActivityKind.OFFICE)
    vpn = next(
        (
            a
            for a in acts
            if a.kind == ActivityKind.TELEWORK and a.access_method == AccessMethod.VPN
        ),
        None,
    )
    other = [
        a for a in acts if a.kind == ActivityKind.TELEWORK and a.access_method != AccessMethod.VPN
    ]
    standalone = WorkActivity.objects.filter(code="tw-standalone").first()
    if standalone is None:
        standalone = WorkActivity.objects.create(
            code="tw-standalone",
            name="在宅（貸出端末のみ）",
            kind=ActivityKind.TELEWORK,
            access_method=AccessMethod.STANDALONE,
            symbol="単",
            colour="yellow",
            sort_order=22,
            active=False,  # used in 2020, retired since
        )
    counters = [a for a in acts if a.kind == ActivityKind.COUNTER and a.counter_id]
    return {
        "office": office,
        "vpn": vpn,
        "lgwan": other[0] if other else None,
        "standalone": standalone,
        "counters": counters,
    }


def _group_of(units: dict[int, Unit]) -> dict[int, int]:
    """Unit id → the id of its division (課), for meetings per division."""
    by_path = {u.path: u for u in units.values()}
    out: dict[int, int] = {}
    for u in units.values():
        parts = [p for p in u.path.split("/") if p]
        out[u.pk] = u.pk
        for depth in range(len(parts), 0, -1):
            a = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if a is not None and a.kind == UnitKind.DIVISION:
                out[u.pk] = a.pk
                break
    return out


@transaction.atomic
def build(profiles: Sequence[Profile], *, actor: Any, seed: int = 2020) -> dict[str, int]:
    """Published rosters, reports, blockers, meetings and seat refusals for each period."""
    rng = random.Random(seed)
    acts = _activities()
    staff = list(Staff.objects.filter(active=True).select_related("unit").order_by("pk"))
    units = {u.pk: u for u in Unit.objects.all()}
    division = _group_of(units)
    judged = eligibility.evaluate_many(staff)
    eligible = [s for s in staff if judged[s.pk].eligible]
    # Counter staff: the people of the counters' units (skills aside), in turn.
    counter_staff: dict[int, list[Staff]] = {}
    taken: set[int] = set()
    saturday = {
        a.pk for a in acts["counters"] if a.counter is not None and a.counter.opens_saturday
    }
    for act in acts["counters"]:
        unit_path = act.counter.unit.path if act.counter else ""
        counter_staff[act.pk] = [
            s for s in staff if s.unit.path.startswith(unit_path) and s.pk not in taken
        ][:3]
        taken.update(s.pk for s in counter_staff[act.pk])
    at_counter = {s.pk for people in counter_staff.values() for s in people}
    vpn_pool = (
        RemoteResource.objects.filter(activities=acts["vpn"]).first() if acts["vpn"] else None
    )
    capacity = vpn_pool.capacity if vpn_pool else 0
    for unit_id in {s.unit_id for s in staff} - set(
        ReportWindow.objects.values_list("unit_id", flat=True)
    ):
        ReportWindow.objects.create(unit_id=unit_id)
    counts = {"assignments": 0, "reports": 0, "blockers": 0, "meetings": 0, "refusals": 0}
    tz = timezone.get_current_timezone()
    for profile in profiles:
        days = _days(profile.start, profile.end)
        period = RosterPeriod.objects.create(
            unit=None,
            name=profile.name,
            start_date=profile.start,
            end_date=profile.end,
            mode=profile.mode,
            created_by=actor,
        )
        published = dt.datetime.combine(
            profile.start - dt.timedelta(days=7), dt.time(17), tzinfo=tz
        )
        version = RosterVersion.objects.create(
            period=period,
            number=1,
            status=VersionStatus.PUBLISHED,
            created_by=actor,
            published_by=actor,
            published_at=published,
            finished_at=published,
            solver_status="FEASIBLE",
        )
        cells: list[Assignment] = []
        violations: list[dict[str, Any]] = []
        refusals: list[SeatRefusal] = []
        worked: list[tuple[Staff, dt.date, str]] = []
        for day in days:
            workday = _workday(day)
            home_today: list[Staff] = []
            if workday:
                want = [
                    s
                    for s in eligible
                    if s.pk not in at_counter and rng.random() < profile.telework_share
                ]
                home_today = want
            vpn_left = capacity
            at_home = {s.pk for s in home_today}
            for s in staff:
                activity = None
                place = "office"
                if day.weekday() == 5 and s.pk in at_counter and not is_public_holiday(day):
                    # Saturday counters: their first two people (one, now and then, in 2020).
                    for act_pk, people in counter_staff.items():
                        if act_pk in saturday and s in people[:2]:
                            alone = profile.office_cap and rng.random() < 0.3
                            if not (alone and s == people[1]):
                                activity = next(a for a in acts["counters"] if a.pk == act_pk)
                                place = "counter"
                elif workday and rng.random() > 0.04:  # leave and sick days
                    activity = acts["office"]
                    if s.pk in at_home:
                        if acts["vpn"] is not None and vpn_left > 0:
                            activity, vpn_left = acts["vpn"], vpn_left - 1
                        elif profile.office_cap:
                            activity = acts["standalone"]
                            if vpn_pool is not None and rng.random() < 0.12:
                                violations.append(
                                    {
                                        "rule": "request_on",
                                        "cost": 2,
                                        "staff_id": s.pk,
                                        "date": day.isoformat(),
                                        "activity": acts["vpn"].name,
                                        "reason": "seats_full",
                                        "resource": vpn_pool.name,
                                        "limit": capacity,
                                    }
                                )
                            if vpn_pool is not None and rng.random() < 0.06:
                                refusals.append(SeatRefusal(resource=vpn_pool, staff=s, date=day))
                        elif acts["lgwan"] is not None:
                            activity = acts["lgwan"]
                        else:
                            activity = acts["standalone"]
                        place = "home"
                    elif s.pk in at_counter:
                        for act_pk, people in counter_staff.items():
                            if s in people:
                                short = profile.office_cap and rng.random() < 0.15
                                if not short:
                                    activity = next(a for a in acts["counters"] if a.pk == act_pk)
                                    place = "counter"
                                break
                if activity is not None:
                    worked.append((s, day, place))
                cells.append(Assignment(version=version, staff=s, date=day, activity=activity))
        for i in range(0, len(cells), BATCH):
            Assignment.objects.bulk_create(cells[i : i + BATCH])
        counts["assignments"] += len(cells)
        version.violations = violations
        version.save(update_fields=["violations"])
        SeatRefusal.objects.bulk_create(refusals, batch_size=BATCH)
        counts["refusals"] += len(refusals)
        # Morning reports on the days worked.
        reports: list[Report] = []
        for s, day, place in worked:
            if rng.random() < profile.report_rate:
                late = rng.random() < profile.late_rate
                submitted = dt.datetime.combine(
                    day, dt.time(9, 5) if late else dt.time(8, 40), tzinfo=tz
                )
                reports.append(
                    Report(
                        staff=s,
                        unit_id=s.unit_id,
                        date=day,
                        status=ReportStatus.SUBMITTED,
                        work_place=place,
                        answers=[],
                        submitted_at=submitted,
                        late=late,
                    )
                )
        for i in range(0, len(reports), BATCH):
            Report.objects.bulk_create(reports[i : i + BATCH])
        counts["reports"] += len(reports)
        # Blockers.
        months = max(1.0, len(days) / 30)
        blockers: list[Blocker] = []
        for s in staff:
            if rng.random() < profile.blockers_per_person_month * months:
                opened = rng.choice(days)
                text = rng.choice(BLOCKER_TEXTS)
                slow = 6 if ("VPN" in text or "押印" in text) and profile.office_cap else 2
                resolved = opened + dt.timedelta(days=rng.randint(0, slow * 2))
                blockers.append(
                    Blocker(
                        unit_id=s.unit_id,
                        owner=s,
                        text=text,
                        opened_on=opened,
                        last_reported_on=min(resolved, profile.end),
                        status="resolved" if resolved <= profile.end else "open",
                        resolved_on=resolved if resolved <= profile.end else None,
                    )
                )
        Blocker.objects.bulk_create(blockers, batch_size=BATCH)
        counts["blockers"] += len(blockers)
        # Meetings: one online meeting a week per division, everyone of it invited.
        members: dict[int, list[Staff]] = {}
        for s in staff:
            members.setdefault(division[s.unit_id], []).append(s)
        mondays = [d for d in days if d.weekday() == 1]
        meetings: list[Meeting] = []
        plan: list[tuple[int, list[Staff]]] = []
        for div_id, people in sorted(members.items()):
            for tuesday in mondays:
                for k in range(profile.meetings_per_group_week):
                    start = dt.datetime.combine(tuesday, dt.time(10 + 2 * k), tzinfo=tz)
                    meetings.append(
                        Meeting(
                            title=f"{units[div_id].name} 定例会議",
                            start=start,
                            end=start + dt.timedelta(hours=1),
                            platform=Platform.ZOOM,
                            unit_id=div_id,
                            organiser=actor,
                            status="finalised",
                            finalised_at=start,
                        )
                    )
                    plan.append((len(meetings) - 1, people[:12]))
        Meeting.objects.bulk_create(meetings, batch_size=1000)
        presence: list[PresenceInterval] = []
        catchups: list[CatchUp] = []
        for index, people in plan:
            m = meetings[index]
            for s in people:
                if rng.random() < 0.08:
                    continue  # absent
                if rng.random() < profile.drop_rate:
                    cut = m.start + dt.timedelta(minutes=rng.randint(10, 40))
                    back = cut + dt.timedelta(minutes=rng.randint(2, 8))
                    presence += [
                        PresenceInterval(
                            meeting=m, staff=s, join=m.start, leave=cut, source="zoom"
                        ),
                        PresenceInterval(meeting=m, staff=s, join=back, leave=m.end, source="zoom"),
                    ]
                    catchups.append(
                        CatchUp(
                            meeting=m,
                            staff=s,
                            sent_at=m.end,
                            acknowledged_at=m.end + dt.timedelta(hours=3)
                            if rng.random() < profile.ack_rate
                            else None,
                        )
                    )
                else:
                    presence.append(
                        PresenceInterval(
                            meeting=m, staff=s, join=m.start, leave=m.end, source="zoom"
                        )
                    )
        for i in range(0, len(presence), BATCH):
            PresenceInterval.objects.bulk_create(presence[i : i + BATCH])
        CatchUp.objects.bulk_create(catchups, batch_size=BATCH)
        counts["meetings"] += len(meetings)
    return counts


def emergency_profiles(year: int = 2020) -> list[Profile]:
    """The 2020 state of emergency (2020-04-07〜05-25) and the same days a year later."""
    return [
        Profile(
            "緊急事態宣言（2020年）",
            dt.date(year, 4, 7),
            dt.date(year, 5, 25),
            telework_share=0.45,
            office_cap=True,
            report_rate=0.78,
            late_rate=0.12,
            drop_rate=0.28,
            ack_rate=0.55,
            blockers_per_person_month=0.35,
            mode="emergency",
        ),
        Profile(
            "1年後（2021年）",
            dt.date(year + 1, 4, 7),
            dt.date(year + 1, 5, 25),
            telework_share=0.08,
            report_rate=0.93,
            late_rate=0.04,
            drop_rate=0.09,
            ack_rate=0.82,
            blockers_per_person_month=0.12,
        ),
    ]

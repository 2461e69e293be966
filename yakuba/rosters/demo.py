"""Demo set-up for rosters in the demo city: activities, counter cover, 5 VPN seats, rules,
teams, requests and leave, and two rosters relative to the day it runs: this month's,
published for the whole office (so every demo account sees its week on the home page),
and next month's for 市民課, a draft for demo-head to review, pin and publish.

Called by `manage.py seed_rosters_demo` (which `make run` runs after `seed_demo`, on the
day it is called). Never called by a production start.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.org.models import Counter, EmploymentType, Staff, Unit
from yakuba.rosters.models import (
    AccessMethod,
    ActivityKind,
    Assignment,
    CoverRule,
    CoverSkill,
    DayType,
    OperatingMode,
    RemoteResource,
    RequestKind,
    RequestStatus,
    RosterPeriod,
    RosterVersion,
    SplitMode,
    StaffRequest,
    StaffWorkProfile,
    TeleworkPolicy,
    VersionStatus,
    WorkActivity,
    WorkRules,
)

COUNTER_COLOURS = ("orange", "pink", "yellow", "purple", "teal", "orange", "pink", "yellow")
# Units whose staff handle My Number / resident records: excluded from telework by policy.
PERSONAL_DATA_UNITS = ("市民課", "税務課", "保険年金課")
SPLIT_TEAM_UNIT = "企画政策課"


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month `day` falls in."""
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def next_month(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    _first, last = month_of(today or timezone.localdate())
    return month_of(last + dt.timedelta(days=1))


def month_label(first: dt.date) -> str:
    return f"{first.year}年{first.month}月"


@transaction.atomic
def seed_setup(*, seed: int = 7) -> dict[str, Any]:
    """Activities, cover, pools, policy, rules, profiles and teams (idempotent: skips if set)."""
    if WorkActivity.objects.exists():
        return {"skipped": True}
    rng = random.Random(seed)
    WorkActivity.objects.create(
        code="office",
        name="庁内勤務",
        kind=ActivityKind.OFFICE,
        symbol="庁",
        colour="blue",
        sort_order=10,
    )
    vpn = WorkActivity.objects.create(
        code="tw-vpn",
        name="在宅（VPN）",
        kind=ActivityKind.TELEWORK,
        access_method=AccessMethod.VPN,
        symbol="在",
        colour="green",
        sort_order=20,
    )
    lgwan = WorkActivity.objects.create(
        code="tw-lgwan",
        name="在宅（LGWAN）",
        kind=ActivityKind.TELEWORK,
        access_method=AccessMethod.LGWAN,
        symbol="L",
        colour="teal",
        sort_order=21,
    )
    WorkActivity.objects.create(
        code="satellite",
        name="サテライト勤務",
        kind=ActivityKind.SATELLITE,
        symbol="サ",
        colour="purple",
        sort_order=30,
    )
    for i, counter in enumerate(
        Counter.objects.filter(active=True)
        .select_related("unit")
        .prefetch_related("required_skills")
        .order_by("code")
    ):
        WorkActivity.objects.create(
            unit=counter.unit,
            code=f"desk-{counter.code.lower()}",
            name=counter.name,
            kind=ActivityKind.COUNTER,
            counter=counter,
            symbol=counter.name[:1],
            colour=COUNTER_COLOURS[i % len(COUNTER_COLOURS)],
            sort_order=1 + i,
        )
        skills = list(counter.required_skills.all())
        for day_type, low, target in [(DayType.WEEKDAY, 2, 3), (DayType.SATURDAY, 2, 2)]:
            if day_type == DayType.SATURDAY and not counter.opens_saturday:
                continue
            rule = CoverRule.objects.create(
                counter=counter, day_type=day_type, min_staff=low, target_staff=target
            )
            if skills:
                CoverSkill.objects.create(rule=rule, skill=skills[0], min_count=1)
    vpn_pool, _ = RemoteResource.objects.get_or_create(name="VPN端末", defaults={"capacity": 5})
    vpn_pool.capacity = 5
    vpn_pool.save()
    vpn_pool.activities.set([vpn])
    lgwan_pool, _ = RemoteResource.objects.get_or_create(
        name="LGWANテレワークID", defaults={"capacity": 20}
    )
    lgwan_pool.activities.set([lgwan])
    TeleworkPolicy.objects.create(
        unit=None,
        allowed_employment_types=[
            EmploymentType.REGULAR,
            EmploymentType.REAPPOINTED,
            EmploymentType.FIXED_TERM,
        ],
        exclude_personal_data_work=True,
        requires_head_approval=True,
        weekly_cap=3,
        min_office_days=1,
    )
    WorkRules.objects.create(
        unit=None,
        max_consecutive_days=6,
        max_weekends=2,
        substitute_window_before=3,
        substitute_window_after=6,
    )
    split_unit = Unit.objects.filter(name=SPLIT_TEAM_UNIT).first()
    if split_unit is not None:
        WorkRules.objects.create(
            unit=split_unit, split_mode=SplitMode.ALTERNATE_WEEK, max_consecutive_days=6
        )
    personal_paths = [u.path for u in Unit.objects.filter(name__in=PERSONAL_DATA_UNITS)]
    profiles = []
    for staff in Staff.objects.filter(active=True).select_related("unit"):
        handles = any(staff.unit.path.startswith(p) for p in personal_paths)
        team = ""
        if split_unit is not None and staff.unit.path.startswith(split_unit.path):
            team = "A" if staff.pk % 2 else "B"
        profiles.append(
            StaffWorkProfile(
                staff=staff,
                handles_personal_data=handles,
                telework_approved=rng.random() < 0.6,
                team=team,
                life_event=rng.choice(["", "", "", "", "childcare", "family_care"]),
            )
        )
    StaffWorkProfile.objects.bulk_create(profiles)
    return {"activities": WorkActivity.objects.count(), "profiles": len(profiles)}


@transaction.atomic
def seed_requests(first: dt.date, last: dt.date, *, seed: int = 11, share: float = 0.35) -> int:
    """Telework wishes, day-off wishes and approved leave for next month."""
    if StaffRequest.objects.filter(date__gte=first, date__lte=last).exists():
        return 0
    rng = random.Random(seed)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5]
    rows = []
    for staff in Staff.objects.filter(active=True).order_by("pk"):
        if rng.random() > share:
            continue
        for day in rng.sample(weekdays, k=min(len(weekdays), rng.randint(1, 4))):
            kind = rng.choice(
                [
                    RequestKind.TELEWORK,
                    RequestKind.TELEWORK,
                    RequestKind.DAY_OFF,
                    RequestKind.ANNUAL_LEAVE,
                ]
            )
            status = (
                RequestStatus.APPROVED
                if kind == RequestKind.ANNUAL_LEAVE
                else RequestStatus.PENDING
            )
            rows.append(
                StaffRequest(
                    staff=staff, date=day, kind=kind, status=status, weight=rng.randint(1, 3)
                )
            )
    StaffRequest.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def solve_now(version: RosterVersion) -> RosterVersion:
    """Run the solving task in this process (the demo seeds before the worker starts)."""
    from yakuba.rosters.tasks import solve_version

    solve_version.call(version.pk)
    version.refresh_from_db()
    return version


def published_today(today: dt.date | None = None) -> bool:
    """Whether demo-staff already has a published roster for today (nothing to add)."""
    return Assignment.objects.filter(
        staff__user__username=accounts.STAFF,
        date=today or timezone.localdate(),
        version__status=VersionStatus.PUBLISHED,
    ).exists()


def _overlapping(unit: Unit | None, first: dt.date, last: dt.date) -> bool:
    return RosterPeriod.objects.filter(
        unit=unit, start_date__lte=last, end_date__gte=first
    ).exists()


def _solved_period(
    *, actor: User, unit: Unit | None, name: str, first: dt.date, last: dt.date, time_limit: int
) -> RosterVersion:
    from yakuba.rosters import services

    period = services.create_period(
        actor=actor,
        unit=unit,
        name=name,
        start=first,
        end=last,
        mode=OperatingMode.NORMAL,
        office_cap=None,
    )
    return solve_now(
        RosterVersion.objects.create(
            period=period, number=1, created_by=actor, time_limit=time_limit
        )
    )


def seed_rosters_demo(*, time_limit: int = 15, today: dt.date | None = None) -> dict[str, Any]:
    """The roster demo, relative to `today` (default: today in Tokyo).

    This month for the whole office, solved and published by HR; next month for 市民課,
    solved by demo-head and left as a draft. Months that already have such a period keep
    it, so running again in a later month adds that month's rosters to an older demo.
    """
    today = today or timezone.localdate()
    this_first, this_last = month_of(today)
    next_first, next_last = next_month(today)
    made: dict[str, Any] = {"setup": seed_setup()}
    made["requests"] = seed_requests(this_first, this_last) + seed_requests(
        next_first, next_last, seed=12
    )
    head = User.objects.filter(username=accounts.HEAD).select_related("staff__unit").first()
    hr = User.objects.filter(username=accounts.HR).first()
    if head is None or hr is None:
        return made
    if not _overlapping(None, this_first, this_last):
        # The whole office, so the week on every demo account's home page is filled in.
        version = _solved_period(
            actor=hr,
            unit=None,
            name=f"{month_label(this_first)}（全庁）",
            first=this_first,
            last=this_last,
            time_limit=time_limit,
        )
        if version.status == VersionStatus.SOLVED:
            from yakuba.rosters.services import publish

            # The whole office shows the 5 VPN seats and the split teams at work.
            version = publish(actor=hr, version=version)
        made["this_month"] = (this_first, version.status)
    shimin = head.staff.unit
    if not _overlapping(shimin, next_first, next_last):
        # demo-head's own unit: a draft to review, pin and publish.
        draft = _solved_period(
            actor=head,
            unit=shimin,
            name=month_label(next_first),
            first=next_first,
            last=next_last,
            time_limit=time_limit,
        )
        made["next_month"] = (next_first, draft.status, shimin.name)
    return made

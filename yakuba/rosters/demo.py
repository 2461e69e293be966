"""Demo set-up for rosters in the demo city: activities, counter cover, 5 VPN seats, rules,
teams, requests and leave for next month, and two rosters (one published, one draft).

Called by `manage.py seed_rosters_demo` (which `make run` runs after `seed_demo`). Never
called by a production start.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.accounts.models import User
from yakuba.org.models import Counter, EmploymentType, Staff, Unit
from yakuba.rosters.models import (
    AccessMethod,
    ActivityKind,
    CoverRule,
    CoverSkill,
    DayType,
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


def next_month(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


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


def seed_rosters_demo(*, time_limit: int = 15) -> dict[str, Any]:
    """The full roster demo: set-up, requests, a published and a draft roster for next month."""
    made: dict[str, Any] = {"setup": seed_setup()}
    first, last = next_month()
    made["requests"] = seed_requests(first, last)
    owner = (
        User.objects.filter(username="demo-head").first()
        or User.objects.filter(role="sysadmin").first()
    )
    shimin = Unit.objects.filter(name="市民課").first()
    if owner is None or shimin is None or RosterPeriod.objects.exists():
        return made
    label = f"{first.year}年{first.month}月"
    published = RosterPeriod.objects.create(
        unit=shimin, name=label, start_date=first, end_date=last, created_by=owner
    )
    version = solve_now(
        RosterVersion.objects.create(
            period=published, number=1, created_by=owner, time_limit=time_limit
        )
    )
    if version.status == VersionStatus.SOLVED:
        from yakuba.rosters.services import publish

        publish(actor=owner, version=version)
    made["published"] = version.status
    planner = User.objects.filter(username="demo-hr").first() or owner
    # HR's whole-office draft shows the 5 VPN seats and the split teams at work.
    draft_period = RosterPeriod.objects.create(
        unit=None, name=f"{label}（全庁）", start_date=first, end_date=last, created_by=planner
    )
    draft = solve_now(
        RosterVersion.objects.create(
            period=draft_period, number=1, created_by=planner, time_limit=time_limit
        )
    )
    made["draft"] = draft.status
    return made

"""A small counter unit ready to plan: activities, cover, a 1-seat VPN pool, five people."""

from __future__ import annotations

import datetime as dt

import pytest

from yakuba.org.models import Staff
from yakuba.rosters.models import (
    AccessMethod,
    ActivityKind,
    CoverRule,
    CoverSkill,
    RemoteResource,
    StaffWorkProfile,
    TeleworkPolicy,
    WorkActivity,
    WorkRules,
)

MONDAY = dt.date(2026, 12, 7)


@pytest.fixture
def roster_setup(org):
    counter = org["counter"]  # 住民票窓口 in 窓口係, needs 住民票, open on Saturdays
    juminhyo = org["skills"]["juminhyo"]
    desk = WorkActivity.objects.create(
        unit=org["madoguchi"],
        code="jumin",
        name="住民票窓口",
        kind=ActivityKind.COUNTER,
        counter=counter,
        symbol="住",
        colour="orange",
    )
    office = WorkActivity.objects.create(
        code="office", name="庁内", kind=ActivityKind.OFFICE, symbol="庁"
    )
    vpn = WorkActivity.objects.create(
        code="vpn",
        name="在宅（VPN）",
        kind=ActivityKind.TELEWORK,
        access_method=AccessMethod.VPN,
        symbol="在",
        colour="green",
    )
    pool = RemoteResource.objects.create(name="VPN端末", capacity=1)
    pool.activities.set([vpn])
    for day_type, low, target in [("weekday", 1, 2), ("saturday", 1, 1)]:
        rule = CoverRule.objects.create(
            counter=counter, day_type=day_type, min_staff=low, target_staff=target
        )
        CoverSkill.objects.create(rule=rule, skill=juminhyo, min_count=1)
    TeleworkPolicy.objects.create(unit=None, exclude_personal_data_work=True, weekly_cap=3)
    WorkRules.objects.create(
        unit=None, max_consecutive_days=6, substitute_window_before=3, substitute_window_after=6
    )
    people = [org["staff"]["1001"], org["staff"]["1002"]]
    for i, (name, kana) in enumerate(
        [
            ("田中 一", "タナカ ハジメ"),
            ("中村 二葉", "ナカムラ フタバ"),
            ("小林 三郎", "コバヤシ サブロウ"),
        ]
    ):
        s = Staff(staff_number=f"150{i}", name=name, name_kana=kana, unit=org["madoguchi"])
        s.save()
        s.skills.set([juminhyo])
        people.append(s)
    for s in people:
        StaffWorkProfile.objects.create(staff=s, telework_approved=True)
    return {"desk": desk, "office": office, "vpn": vpn, "pool": pool, "people": people, "org": org}

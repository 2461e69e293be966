"""Every unmet wish and priced rule says why, from the terms the solver had; the version
page words it in the reader's language, punctuation included."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from conftest import verified_client
from yakuba import planner
from yakuba.planner import codes
from yakuba.planner.index import Index
from yakuba.planner.solver import breakdown
from yakuba.rosters import explain as ex
from yakuba.rosters.models import (
    Assignment,
    RequestKind,
    RequestStatus,
    RosterPeriod,
    RosterVersion,
    SplitMode,
    StaffRequest,
    StaffWorkProfile,
    TeleworkPolicy,
    VersionStatus,
    WorkRules,
)
from yakuba.rosters.solver_io import (
    activity_key,
    build_problem,
    explain_violations,
    period_staff,
    seat_usage,
    staff_key,
)
from yakuba.rosters.tasks import solve_version
from yakuba.rosters.tests.conftest import MONDAY

TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + dt.timedelta(days=i) for i in (1, 2, 3))
SATURDAY = MONDAY + dt.timedelta(days=5)


def week_version(setup, user, **kw) -> RosterVersion:
    period = RosterPeriod.objects.create(
        unit=setup["org"]["shimin"],
        name="12月第2週",
        start_date=MONDAY,
        end_date=MONDAY + dt.timedelta(days=6),
        created_by=user,
    )
    return RosterVersion.objects.create(period=period, number=1, created_by=user, **kw)


def usual_week(setup) -> planner.Roster:
    """Two people at the counter on weekdays, one on Saturday, everybody else of 市民課
    in the office."""
    people = setup["people"]
    desk, office = activity_key(setup["desk"].pk), activity_key(setup["office"].pk)
    roster: dict[str, list[str | None]] = {
        staff_key(s.pk): [office] * 5 + [None, None] for s in period_staff(setup["org"]["shimin"])
    }
    for i in (2, 3):
        roster[staff_key(people[i].pk)] = [
            desk,
            desk,
            desk,
            desk,
            desk,
            desk if i == 2 else None,
            None,
        ]
    return roster


def set_cell(setup, roster, person: int, day: dt.date, activity) -> None:
    act = activity_key(setup[activity].pk) if isinstance(activity, str) else activity
    roster[staff_key(setup["people"][person].pk)][(day - MONDAY).days] = act


def explained(version, roster) -> list[dict]:
    """The stored rows for ``roster`` from the solver's own penalty terms."""
    ctx = build_problem(version)
    ix = Index.build(ctx.problem)
    _obj, _totals, violations = breakdown(ix, ix.from_roster(roster))
    return explain_violations(ctx, violations, roster)


def row_for(rows, rule, person=None, day=None) -> dict:
    found = [
        r
        for r in rows
        if r["rule"] == rule
        and (person is None or r.get("staff_id") == person.pk)
        and (day is None or r.get("date") == day.isoformat())
    ]
    assert len(found) == 1, (rule, rows)
    return found[0]


def both(row) -> tuple[str, str]:
    with translation.override("ja"):
        ja = ex.describe(row)
    with translation.override("en"):
        en = ex.describe(row)
    return ja, en


def wish(person, day, kind=RequestKind.TELEWORK, status=RequestStatus.PENDING):
    StaffRequest.objects.create(staff=person, date=day, kind=kind, status=status, weight=2)


@pytest.mark.django_db
def test_telework_wish_of_someone_handling_personal_data_names_the_condition(
    roster_setup, make_user
) -> None:
    person = roster_setup["people"][4]
    StaffWorkProfile.objects.filter(staff=person).update(handles_personal_data=True)
    wish(person, TUESDAY)
    version = week_version(roster_setup, make_user("unit_head"))
    row = row_for(explained(version, usual_week(roster_setup)), codes.REQUEST_ON, person)
    assert row["reason"] == ex.NOT_ELIGIBLE
    assert [c["code"] for c in row["conditions"]] == ["personal_data"]
    ja, en = both(row)
    assert ja.endswith("在宅勤務の対象外です（個人情報を扱う業務）")
    assert en.endswith("not eligible for telework: Work with personal data")


@pytest.mark.django_db
def test_telework_wish_on_a_day_the_pool_is_full(roster_setup, make_user) -> None:
    people = roster_setup["people"]
    wish(people[4], TUESDAY)
    wish(people[0], TUESDAY)
    version = week_version(roster_setup, make_user("unit_head"))
    roster = usual_week(roster_setup)
    set_cell(roster_setup, roster, 4, TUESDAY, "vpn")  # the only seat
    row = row_for(explained(version, roster), codes.REQUEST_ON, people[0])
    assert (row["reason"], row["resource"]) == (ex.SEATS_FULL, "VPN端末")
    assert both(row)[1].endswith("VPN端末 was full")


@pytest.mark.django_db
def test_telework_wish_of_someone_needed_at_a_counter(roster_setup, make_user) -> None:
    person = roster_setup["people"][3]
    wish(person, WEDNESDAY)
    version = week_version(roster_setup, make_user("unit_head"))
    row = row_for(explained(version, usual_week(roster_setup)), codes.REQUEST_ON, person)
    assert (row["reason"], row["counter"]) == (ex.AT_COUNTER, "住民票窓口")
    ja, en = both(row)
    assert ja.endswith("住民票窓口 に必要でした") and en.endswith("needed at 住民票窓口")


@pytest.mark.django_db
def test_telework_wish_beyond_the_weekly_cap(roster_setup, make_user) -> None:
    TeleworkPolicy.objects.update(weekly_cap=1)
    person = roster_setup["people"][4]
    wish(person, MONDAY)
    wish(person, TUESDAY)
    version = week_version(roster_setup, make_user("unit_head"))
    roster = usual_week(roster_setup)
    set_cell(roster_setup, roster, 4, MONDAY, "vpn")
    row = row_for(explained(version, roster), codes.REQUEST_ON, person)
    assert (row["date"], row["reason"], row["cap"]) == (TUESDAY.isoformat(), ex.WEEKLY_CAP, 1)
    assert both(row)[1].endswith("telework is capped at 1 day a week")


@pytest.mark.django_db
def test_telework_wish_that_would_leave_too_few_office_days(roster_setup, make_user) -> None:
    TeleworkPolicy.objects.update(weekly_cap=5, min_office_days=2)
    person = roster_setup["people"][4]
    for i in range(5):
        wish(person, MONDAY + dt.timedelta(days=i))
    version = week_version(roster_setup, make_user("unit_head"))
    roster = usual_week(roster_setup)
    for day in (MONDAY, TUESDAY, WEDNESDAY):
        set_cell(roster_setup, roster, 4, day, "vpn")
    row = row_for(explained(version, roster), codes.REQUEST_ON, person, THURSDAY)
    assert (row["reason"], row["days"]) == (ex.OFFICE_MIN, 2)
    assert both(row)[0].endswith("出勤は週 2 日以上必要です")


@pytest.mark.django_db
def test_telework_wish_on_a_weekend_and_on_leave(roster_setup, make_user) -> None:
    person = roster_setup["people"][4]
    wish(person, SATURDAY)
    wish(person, TUESDAY)
    wish(person, TUESDAY, RequestKind.ANNUAL_LEAVE, RequestStatus.APPROVED)
    version = week_version(roster_setup, make_user("unit_head"))
    roster = usual_week(roster_setup)
    set_cell(roster_setup, roster, 4, TUESDAY, None)
    rows = explained(version, roster)
    saturday = row_for(rows, codes.REQUEST_ON, person, SATURDAY)
    assert saturday["reason"] == ex.DUTY_DAY
    assert both(saturday)[1].endswith("weekends and holidays are for counter duty only")
    assert row_for(rows, codes.REQUEST_ON, person, TUESDAY)["reason"] == ex.ON_LEAVE


@pytest.mark.django_db
def test_a_wish_for_work_the_person_cannot_do(roster_setup, make_user) -> None:
    version = week_version(roster_setup, make_user("unit_head"))
    ctx = build_problem(version)
    roster = usual_week(roster_setup)
    no_skill = roster_setup["people"][0]  # cannot staff the 住民票 counter
    v = planner.Violation(
        codes.REQUEST_ON, 4, staff_key(no_skill.pk), 1, activity_key(roster_setup["desk"].pk)
    )
    row = ex.explain(ctx, v, roster, seat_usage(ctx, roster))
    assert row["reason"] == ex.NOT_ALLOWED


@pytest.mark.django_db
def test_office_wish_of_a_split_team_not_on_turn(roster_setup, make_user) -> None:
    WorkRules.objects.update(split_mode=SplitMode.ALTERNATE_DAY)
    people = roster_setup["people"]
    StaffWorkProfile.objects.filter(staff=people[3]).update(team="A")
    StaffWorkProfile.objects.filter(staff=people[4]).update(team="B")
    wish(people[4], MONDAY, RequestKind.OFFICE)  # Monday is team A's office day
    version = week_version(roster_setup, make_user("unit_head"))
    roster = usual_week(roster_setup)
    set_cell(roster_setup, roster, 4, MONDAY, "vpn")
    row = row_for(explained(version, roster), codes.REQUEST_OFF, people[4])
    assert row["reason"] == ex.SPLIT_TEAM
    assert both(row)[1].endswith("split teams: not their team's office day")


@pytest.mark.django_db
def test_day_off_wish_on_a_working_day(roster_setup, make_user) -> None:
    person = roster_setup["people"][4]
    wish(person, TUESDAY, RequestKind.DAY_OFF)
    version = week_version(roster_setup, make_user("unit_head"))
    row = row_for(explained(version, usual_week(roster_setup)), codes.REQUEST_OFF, person)
    assert (row["reason"], row["days"]) == (ex.REQUIRED_DAYS, 5)
    assert "a day off needs approved leave" in both(row)[1]


@pytest.mark.django_db
def test_short_counter_with_people_elsewhere_or_too_few_people(roster_setup, make_user) -> None:
    people = roster_setup["people"]
    for p in (people[1], people[3], people[4]):
        wish(p, WEDNESDAY, RequestKind.ANNUAL_LEAVE, RequestStatus.APPROVED)
    version = week_version(roster_setup, make_user("unit_head"))
    roster = usual_week(roster_setup)
    set_cell(roster_setup, roster, 3, TUESDAY, "office")  # one of two at the counter
    for i in (1, 3, 4):
        set_cell(roster_setup, roster, i, WEDNESDAY, None)
    set_cell(roster_setup, roster, 2, WEDNESDAY, "office")  # nobody at the counter
    rows = explained(version, roster)
    tuesday = [r for r in rows if r["rule"] == codes.COVER_UNDER and r["date"] == "2026-12-08"]
    assert [r["reason"] for r in tuesday] == [ex.NEEDED_ELSEWHERE]
    wednesday = {
        r.get("skill", ""): r
        for r in rows
        if r["rule"] == codes.COVER_UNDER and r["date"] == "2026-12-09"
    }
    assert wednesday[""]["reason"] == ex.TOO_FEW
    assert (wednesday[""]["available"], wednesday[""]["need"]) == (1, 2)
    ja, en = both(wednesday[""])
    assert ja == "12/9 住民票窓口：人数が不足 — 対応できる職員が 1 人しかいません（必要 2 人）"
    assert en == "12/9 住民票窓口: understaffed — only 1 person could staff it, 2 needed"
    # The skill line names the skill, not its code.
    assert both(wednesday["住民票"])[1].startswith("12/9 住民票窓口: too few people with 住民票")


@pytest.mark.django_db
def test_uneven_weekend_duty_and_overstaffing(roster_setup, make_user) -> None:
    version = week_version(roster_setup, make_user("unit_head"))
    roster = usual_week(roster_setup)
    set_cell(roster_setup, roster, 4, TUESDAY, "desk")  # three at a counter for two
    rows = explained(version, roster)
    fair = row_for(rows, codes.FAIRNESS)
    assert (fair["detail"], fair["reason"], fair["lo"], fair["hi"]) == (
        "weekend_duty",
        ex.SPREAD,
        0,
        1,
    )
    assert both(fair) == (
        "偏り：週末・休日の勤務 — 1人あたり 0〜1 日",
        "Imbalance: weekend and holiday duty — 0 to 1 days per person",
    )
    assert row_for(rows, codes.COVER_OVER)["reason"] == ex.TRADE_OFF


@pytest.mark.django_db
def test_repair_changes_say_why(roster_setup, make_user) -> None:
    head = make_user("unit_head")
    first = week_version(roster_setup, head, status=VersionStatus.PUBLISHED)
    people = roster_setup["people"]
    before = usual_week(roster_setup)
    ids = {activity_key(a.pk): a.pk for a in (roster_setup["desk"], roster_setup["office"])}
    Assignment.objects.bulk_create(
        Assignment(
            version=first,
            staff_id=int(key[1:]),
            date=MONDAY + dt.timedelta(days=i),
            activity_id=ids.get(act) if act else None,
        )
        for key, row in before.items()
        for i, act in enumerate(row)
    )
    wish(people[3], TUESDAY, RequestKind.SICK, RequestStatus.APPROVED)
    repair = RosterVersion.objects.create(
        period=first.period, number=2, created_by=head, based_on=first, is_repair=True
    )
    after = usual_week(roster_setup)
    set_cell(roster_setup, after, 3, TUESDAY, None)
    set_cell(roster_setup, after, 4, TUESDAY, "desk")
    rows = explained(repair, after)
    assert row_for(rows, codes.STABILITY, people[3])["reason"] == ex.ON_LEAVE
    assert row_for(rows, codes.STABILITY, people[4])["reason"] == ex.AT_COUNTER


def test_every_part_of_the_objective_has_a_label() -> None:
    for lang in ("ja", "en"):
        with translation.override(lang):
            for rule in (*codes.SOFT, ex.AWAY_FROM_OFFICE):
                assert ex.rule_label(rule) != rule
            for name in ("weekend_duty", "telework_days"):
                assert ex.fairness_label(name) != name


def _solved_page(client, make_user, roster_setup, lang: str) -> str:
    """A solved week whose unmet wish cannot be granted (personal data), shown in ``lang``."""
    vpn = roster_setup["vpn"]
    vpn.name = "在宅VPN"  # names are the user's data: keep punctuation out of them here
    vpn.save()
    person = roster_setup["people"][4]
    StaffWorkProfile.objects.filter(staff=person).update(handles_personal_data=True)
    wish(person, TUESDAY)
    head = make_user("unit_head")
    version = week_version(roster_setup, head, time_limit=5)
    solve_version.enqueue(version.pk)
    version.refresh_from_db()
    assert version.status == VersionStatus.SOLVED, version.status
    assert version.violations
    client = verified_client(client, head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    page = client.get(reverse("rosters:version_detail", args=[version.pk])).content.decode()
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", main)


RAW_CODES = (*codes.SOFT, "weekend_duty", "telework_days", ex.AWAY_FROM_OFFICE, "juminhyo")


@pytest.mark.django_db
def test_version_page_in_english_has_english_words_and_punctuation(
    client, make_user, roster_setup
) -> None:
    text = _solved_page(client, make_user, roster_setup, "en")
    assert "not eligible for telework: Work with personal data" in text
    assert "Objective breakdown (lower is better): " in text
    for mark in "：、（）":
        assert mark not in text, (mark, text[max(0, text.find(mark) - 80) : text.find(mark) + 80])
    for code in RAW_CODES:
        assert code not in text, code


@pytest.mark.django_db
def test_version_page_in_japanese(client, make_user, roster_setup) -> None:
    text = _solved_page(client, make_user, roster_setup, "ja")
    assert "在宅勤務の対象外です（個人情報を扱う業務）" in text
    assert "評価値の内訳（小さいほど良い）：" in text
    assert "偏り：週末・休日の勤務" in text
    for code in RAW_CODES:
        assert code not in text, code

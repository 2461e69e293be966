"""The only module that knows both the ORM and `yakuba.planner`.

`build_problem` turns a roster version (its period, unit, staff, rules, requests and
pins) into a planner `Problem`; `write_result` stores a `SolveResult` back as
assignments, atomically. Ids in the problem are "s<pk>" for staff and "a<pk>" for
activities so results map back without lookups by name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from yakuba import planner
from yakuba.core.calendar import is_public_holiday
from yakuba.org.models import Staff, Unit
from yakuba.rosters import eligibility
from yakuba.rosters.explain import explain
from yakuba.rosters.models import (
    ActivityKind,
    Assignment,
    CoverRule,
    OperatingMode,
    RemoteResource,
    RequestKind,
    RequestStatus,
    RosterVersion,
    SplitMode,
    StaffRequest,
    StaffWorkProfile,
    VersionStatus,
    WorkActivity,
    WorkRules,
    day_type_of,
)

COUNTER_UNDER_WEIGHT = 1000
COUNTER_OVER_WEIGHT = 20
SKILL_UNDER_WEIGHT = 500
REPAIR_STABILITY_WEIGHT = 30
WISH_WEIGHT = 4
# Working anywhere but the office costs this much per person-day, so satellite offices and
# telework are used when someone asks or a rule needs it, not at random.
OFFICE_PREFERENCE_WEIGHT = 1
# off_reason of a weekday off that is not leave: the swapped day for weekend duty.
SUBSTITUTE_OFF = "substitute"


def staff_key(pk: int) -> str:
    return f"s{pk}"


def activity_key(pk: int) -> str:
    return f"a{pk}"


def parse_key(key: str) -> int:
    return int(key[1:])


@dataclass
class ProblemContext:
    """The problem plus what is needed to map results back and explain them."""

    problem: planner.Problem
    days: list[dt.date]
    staff: dict[str, Staff]
    activities: dict[str, WorkActivity]
    leave: dict[tuple[str, int], str] = field(default_factory=dict)
    # Per (resource name, day): seats the roster may use after others' use is subtracted.
    seat_limits: dict[tuple[str, int], int] = field(default_factory=dict)
    eligibility: dict[int, eligibility.Eligibility] = field(default_factory=dict)
    duty_days: set[int] = field(default_factory=set)
    # Cover terms that express a preference (office by default), not a shortfall to report.
    preference_activities: set[str] = field(default_factory=set)


def period_staff(unit: Unit | None, *, with_skills: bool = True) -> list[Staff]:
    """Active staff of `unit` and below (None: the whole office)."""
    path = unit.path if unit is not None else "/"
    qs = Staff.objects.filter(unit__path__startswith=path, active=True).select_related("unit")
    if with_skills:  # prefetching costs a query clone per person: only when needed
        qs = qs.prefetch_related("skills")
    return list(qs.order_by("unit__path", "staff_number"))


def period_activities(unit: Unit | None) -> list[WorkActivity]:
    """Office-wide activities plus those of the unit, its ancestors and its subtree."""
    qs = WorkActivity.objects.filter(active=True)
    if unit is not None:
        ancestors = unit.path.strip("/").split("/")
        qs = qs.filter(
            Q(unit__isnull=True) | Q(unit__code__in=ancestors) | Q(unit__path__startswith=unit.path)
        )
    return list(
        qs.select_related("counter", "counter__unit")
        .prefetch_related("counter__required_skills", "resources")
        .order_by("sort_order", "code")
    )


def _rules_for(unit: Unit | None) -> WorkRules:
    from yakuba.org.selectors import nearest_for_unit

    rules, _owner, _inherited = nearest_for_unit(WorkRules.objects.all(), unit)
    return rules or WorkRules()


def _seats_used_elsewhere(
    version: RosterVersion, resource: RemoteResource, days: list[dt.date], staff_ids: set[int]
) -> dict[dt.date, int]:
    """Seats of `resource` taken on each day by other units' published rosters and by
    registered uses outside the roster (`seat_providers`: remoteseats' bookings)."""
    used: dict[dt.date, int] = defaultdict(int)
    activity_ids = [a.pk for a in resource.activities.all()]
    published = (
        Assignment.objects.filter(
            version__status=VersionStatus.PUBLISHED,
            date__in=days,
            activity_id__in=activity_ids,
        )
        .exclude(staff_id__in=staff_ids)
        .values_list("date", flat=True)
    )
    for day in published:
        used[day] += 1
    # Bookings and other uses outside the roster come from the apps that registered them.
    from yakuba.rosters.seat_providers import seats_taken_outside_roster

    for day, seats in seats_taken_outside_roster(resource, days, staff_ids).items():
        used[day] += seats
    return used


def build_problem(version: RosterVersion) -> ProblemContext:
    period = version.period
    days = period.days
    horizon = len(days)
    day_index = {d: i for i, d in enumerate(days)}
    staff = period_staff(period.unit)
    staff_by_key = {staff_key(s.pk): s for s in staff}
    acts = period_activities(period.unit)
    acts_by_key = {activity_key(a.pk): a for a in acts}
    rules = _rules_for(period.unit)
    duty_days = {i for i, d in enumerate(days) if d.weekday() >= 5 or is_public_holiday(d)}
    elig = eligibility.evaluate_many(staff)
    profiles = {p.staff_id: p for p in StaffWorkProfile.objects.filter(staff__in=staff)}

    counters = [a for a in acts if a.kind == ActivityKind.COUNTER and a.counter_id]
    telework = [a for a in acts if a.kind == ActivityKind.TELEWORK]
    in_office = [a for a in acts if a.in_office]
    general = [a for a in acts if a.kind != ActivityKind.COUNTER]

    # Related-manager calls are slow in loops: read skills once into plain sets.
    staff_skills = {s.pk: {k.pk for k in s.skills.all()} for s in staff}
    counter_skills = {a.pk: {k.pk for k in a.counter.required_skills.all()} for a in counters}

    def can_staff_counter(s: Staff, act: WorkActivity) -> bool:
        required = counter_skills[act.pk]
        return not required or bool(required & staff_skills[s.pk])

    counter_open = {
        (activity_key(a.pk), i): a.counter.is_open_on(d)
        for a in counters
        for i, d in enumerate(days)
    }

    # Requests: approved leave is hard; wishes (pending or approved) are soft.
    requests = StaffRequest.objects.filter(
        staff__in=staff, date__gte=period.start_date, date__lte=period.end_date
    ).exclude(status__in=[RequestStatus.REJECTED, RequestStatus.CANCELLED])
    leave: dict[tuple[str, int], str] = {}
    wishes: list[planner.Request] = []
    first_telework = telework[0] if telework else None
    office_acts = [a for a in acts if a.kind == ActivityKind.OFFICE]
    for r in requests:
        key, day = staff_key(r.staff_id), day_index[r.date]
        # Wishes are weighted above the office preference (1 per person-day), so a wish
        # of any strength beats the default of working in the office.
        weight = r.weight * WISH_WEIGHT
        if r.is_leave:
            if r.status == RequestStatus.APPROVED:
                leave[(key, day)] = r.kind
            else:
                wishes.append(planner.Request(key, day, None, weight * 2, on=False))
        elif r.kind == RequestKind.TELEWORK and first_telework is not None:
            wishes.append(planner.Request(key, day, activity_key(first_telework.pk), weight))
        elif r.kind == RequestKind.OFFICE:
            for t in telework:
                wishes.append(planner.Request(key, day, activity_key(t.pk), weight, on=False))
        elif r.kind == RequestKind.DAY_OFF:
            wishes.append(planner.Request(key, day, None, weight, on=False))
    wishes = [w for w in wishes if w.weight > 0]

    planner_staff: list[planner.Staff] = []
    weekday_count = horizon - len(duty_days)
    minutes = sorted({a.minutes for a in acts}) or [465]
    for s in staff:
        key = staff_key(s.pk)
        telework_ok = elig[s.pk].eligible
        allowed_by_day: dict[int, frozenset[str]] = {}
        for i in range(horizon):
            options = set()
            for a in counters:
                if counter_open[(activity_key(a.pk), i)] and can_staff_counter(s, a):
                    options.add(activity_key(a.pk))
            if i not in duty_days:
                for a in general:
                    if a.kind == ActivityKind.TELEWORK and not telework_ok:
                        continue
                    options.add(activity_key(a.pk))
            allowed_by_day[i] = frozenset(options)
        days_off = frozenset(i for (k, i) in leave if k == key)
        work_days = weekday_count - sum(1 for i in days_off if i not in duty_days)
        planner_staff.append(
            planner.Staff(
                id=key,
                name=s.name,
                min_minutes=max(0, work_days) * minutes[0],
                max_minutes=max(0, work_days) * minutes[-1],
                max_consecutive=rules.max_consecutive_days,
                max_weekends=rules.max_weekends,
                days_off=days_off,
                allowed_by_day=allowed_by_day,
                skills=frozenset(k.code for k in s.skills.all()),
            )
        )

    cover: list[planner.Cover] = []
    cover_rules = {
        (r.counter_id, r.day_type): r
        for r in CoverRule.objects.filter(
            counter__in=[a.counter_id for a in counters]
        ).prefetch_related("skills__skill")
    }
    emergency = period.mode != OperatingMode.NORMAL
    for a in counters:
        key = activity_key(a.pk)
        for i, d in enumerate(days):
            if not counter_open[(key, i)]:
                continue
            rule = cover_rules.get((a.counter_id, day_type_of(d)))
            if rule is None:
                continue
            # Emergency/BCP: keep counters open at their minimum, not their target.
            target = rule.min_staff if emergency else max(rule.target_staff, rule.min_staff)
            cover.append(
                planner.Cover(
                    i,
                    key,
                    target,
                    COUNTER_UNDER_WEIGHT,
                    COUNTER_OVER_WEIGHT,
                    hard_min=rule.min_staff or None,
                )
            )
            for cs in rule.skills.all():
                cover.append(
                    planner.Cover(
                        i,
                        key,
                        cs.min_count,
                        SKILL_UNDER_WEIGHT,
                        0,
                        skill=cs.skill.code,
                        hard_min=cs.min_count,
                    )
                )

    office_pref = next(
        (a for a in acts if a.kind == ActivityKind.OFFICE and a.unit_id is None), None
    )
    office_pref = office_pref or (office_acts[0] if office_acts else None)
    if office_pref is not None:
        for i in range(horizon):
            if i in duty_days:
                continue
            present = sum(1 for s in staff if (staff_key(s.pk), i) not in leave)
            cover.append(
                planner.Cover(i, activity_key(office_pref.pk), present, OFFICE_PREFERENCE_WEIGHT, 0)
            )

    capacities: list[planner.Capacity] = []
    seat_limits: dict[tuple[str, int], int] = {}
    staff_ids = {s.pk for s in staff}
    for resource in RemoteResource.objects.filter(active=True).prefetch_related("activities"):
        consuming = (
            frozenset(activity_key(a.pk) for a in resource.activities.all()) & acts_by_key.keys()
        )
        if not consuming:
            continue
        used = _seats_used_elsewhere(version, resource, days, staff_ids)
        for i, d in enumerate(days):
            limit = max(0, resource.capacity - used.get(d, 0))
            seat_limits[(resource.name, i)] = limit
            capacities.append(
                planner.Capacity(f"{resource.name}@{i}", consuming, limit, frozenset({i}))
            )
    if period.office_presence_cap_pct:
        cap = math.floor(len(staff) * period.office_presence_cap_pct / 100)
        office_ids = frozenset(activity_key(a.pk) for a in in_office)
        for i in range(horizon):
            if i not in duty_days:
                capacities.append(
                    planner.Capacity(f"office_presence@{i}", office_ids, cap, frozenset({i}))
                )

    split: list[planner.SplitTeams] = []
    if rules.split_mode:
        team_a = frozenset(staff_key(p.staff_id) for p in profiles.values() if p.team == "A")
        team_b = frozenset(staff_key(p.staff_id) for p in profiles.values() if p.team == "B")
        if team_a and team_b:
            period_days = {
                SplitMode.NEVER_BOTH: 0,
                SplitMode.ALTERNATE_DAY: 1,
                SplitMode.ALTERNATE_WEEK: 7,
            }[rules.split_mode]
            offset = period.start_date.weekday() if period_days == 7 else 0
            split.append(planner.SplitTeams("teams", (team_a, team_b), period_days, offset))

    fairness: list[planner.Fairness] = []
    if rules.fairness_weight:
        weekend_people = frozenset(
            staff_key(s.pk)
            for s in staff
            if any(
                can_staff_counter(s, a)
                for a in counters
                if a.counter.opens_saturday or a.counter.opens_sunday or a.counter.opens_holidays
            )
        )
        if len(weekend_people) > 1 and duty_days:
            fairness.append(
                planner.Fairness(
                    "weekend_duty",
                    weekend_people,
                    rules.fairness_weight,
                    None,
                    frozenset(duty_days),
                )
            )
        teleworkers = frozenset(staff_key(s.pk) for s in staff if elig[s.pk].eligible)
        if len(teleworkers) > 1 and telework:
            fairness.append(
                planner.Fairness(
                    "telework_days",
                    teleworkers,
                    max(1, rules.fairness_weight // 2),
                    frozenset(activity_key(a.pk) for a in telework),
                )
            )

    substitute = []
    if duty_days:
        substitute.append(
            planner.SubstituteDayOff(
                "substitute_day_off",
                frozenset(duty_days),
                after=rules.substitute_window_after,
                before=rules.substitute_window_before,
            )
        )

    pins: list[planner.Pin] = []
    previous: planner.Roster | None = None
    if version.based_on_id:
        base_cells = Assignment.objects.filter(version_id=version.based_on_id).values_list(
            "staff_id", "date", "activity_id", "pinned"
        )
        grid: dict[str, list[str | None]] = {k: [None] * horizon for k in staff_by_key}
        for staff_id, date, activity_id, pinned in base_cells:
            key = staff_key(staff_id)
            if key not in grid or date not in day_index:
                continue
            act = activity_key(activity_id) if activity_id else None
            grid[key][day_index[date]] = act
            if pinned and (key, day_index[date]) not in leave:
                pins.append(planner.Pin(key, day_index[date], act))
        if version.is_repair:
            previous = grid

    windows = _week_limits(staff, elig, days, duty_days, leave, telework, in_office)

    problem = planner.Problem(
        horizon=horizon,
        activities=[
            planner.Activity(
                id=activity_key(a.pk), minutes=a.minutes, name=a.name, in_office=a.in_office
            )
            for a in acts
        ],
        staff=planner_staff,
        cover=cover,
        requests=wishes,
        pins=pins,
        capacities=capacities,
        split_teams=split,
        fairness=fairness,
        substitute_days_off=substitute,
        window_limits=windows,
        previous=previous,
        stability_weight=REPAIR_STABILITY_WEIGHT if previous is not None else 0,
        start_date=period.start_date,
        name=str(period),
    )
    ctx = ProblemContext(problem, days, staff_by_key, acts_by_key, leave, seat_limits, elig)
    ctx.preference_activities = {activity_key(office_pref.pk)} if office_pref else set()
    ctx.duty_days = duty_days
    return ctx


def _week_limits(
    staff: list[Staff],
    elig: dict[int, eligibility.Eligibility],
    days: list[dt.date],
    duty_days: set[int],
    leave: dict[tuple[str, int], str],
    telework: list[WorkActivity],
    in_office: list[WorkActivity],
) -> list[planner.WindowLimit]:
    """Per calendar week: telework at most the policy's cap, at least its office days."""
    weeks: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, d in enumerate(days):
        weeks[d.isocalendar()[:2]].append(i)
    tele = frozenset(activity_key(a.pk) for a in telework)
    office = frozenset(activity_key(a.pk) for a in in_office)
    limits: list[planner.WindowLimit] = []
    for s in staff:
        key, e = staff_key(s.pk), elig[s.pk]
        if not e.eligible or not tele:
            continue
        for (year, week), idx in weeks.items():
            window = frozenset(idx)
            limits.append(
                planner.WindowLimit(
                    f"telework_cap_{year}w{week}", key, window, tele, max_days=e.weekly_cap
                )
            )
            workable = [i for i in idx if i not in duty_days and (key, i) not in leave]
            # One weekday may go to a substitute day off, so never ask for more than is left.
            need = min(e.min_office_days, max(0, len(workable) - 1))
            if need and office:
                limits.append(
                    planner.WindowLimit(
                        f"office_min_{year}w{week}", key, window, office, min_days=need
                    )
                )
    return limits


def start_roster(ctx: ProblemContext) -> planner.Roster | None:
    """A feasible roster to start the optimizer from, or None (checked by the evaluator)."""
    from yakuba.planner.greedy import greedy_roster, repaired_roster

    office = next(iter(ctx.preference_activities), None)
    candidates = [repaired_roster(ctx.problem), greedy_roster(ctx.problem, office)]
    for roster in candidates:
        if roster is not None and planner.evaluate(ctx.problem, roster).feasible:
            return roster
    return None


def seat_usage(ctx: ProblemContext, roster: planner.Roster) -> dict[tuple[str, int], int]:
    """Seats the roster uses per (resource name, day)."""
    usage: dict[tuple[str, int], int] = defaultdict(int)
    for row in roster.values():
        for i, act in enumerate(row):
            if act is not None and act in ctx.activities:
                for resource in ctx.activities[act].resources.all():
                    usage[(resource.name, i)] += 1
    return usage


@transaction.atomic
def write_result(version: RosterVersion, ctx: ProblemContext, result: planner.SolveResult) -> None:
    """Replace the version's cells with the result (all or nothing) and store the figures."""
    version = RosterVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    version.solver_status = result.status
    version.objective = result.objective
    version.bound = result.bound
    version.breakdown = dict(result.breakdown)
    preference = sum(
        v.cost
        for v in result.violations
        if v.rule.startswith("cover") and v.activity in ctx.preference_activities
    )
    if preference:
        # Working away from the office is a preference cost, not a counter shortfall.
        version.breakdown["cover_under"] = version.breakdown.get("cover_under", 0) - preference
        version.breakdown["away_from_office"] = preference
        version.breakdown = {k: v for k, v in version.breakdown.items() if v}
    if result.roster is None:
        version.status = (
            VersionStatus.INFEASIBLE if result.status == "infeasible" else VersionStatus.FAILED
        )
        version.diagnosis = (
            [
                {"code": c.code, "ja": c.message_ja, "en": c.message_en}
                for c in result.diagnosis.conflicts
            ]
            if result.diagnosis
            else []
        )
        version.save()
        return
    pinned = {(p.staff, p.day) for p in ctx.problem.pins}
    Assignment.objects.filter(version=version).delete()
    cells = []
    for key, row in result.roster.items():
        staff_pk = parse_key(key)
        for i, act in enumerate(row):
            cells.append(
                Assignment(
                    version=version,
                    staff_id=staff_pk,
                    date=ctx.days[i],
                    activity_id=parse_key(act) if act else None,
                    pinned=(key, i) in pinned,
                    off_reason=ctx.leave.get((key, i), "")
                    or (SUBSTITUTE_OFF if act is None and i not in ctx.duty_days else ""),
                )
            )
    Assignment.objects.bulk_create(cells, batch_size=2000)
    usage = seat_usage(ctx, result.roster)
    version.violations = [
        explain(ctx, v, usage)
        for v in result.violations
        if not (v.rule.startswith("cover") and v.activity in ctx.preference_activities)
    ]
    version.diagnosis = []
    version.status = VersionStatus.SOLVED
    version.save()

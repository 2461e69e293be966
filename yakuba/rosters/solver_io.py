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
from yakuba.org.membership import members_on
from yakuba.org.models import Counter, Staff, Unit
from yakuba.rosters import eligibility
from yakuba.rosters.explain import AWAY_FROM_OFFICE, explain
from yakuba.rosters.models import (
    ActivityKind,
    Assignment,
    CoverRule,
    OperatingMode,
    RemoteResource,
    RequestKind,
    RequestStatus,
    RosterPeriod,
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
# Names of the planner's fairness and split-team rules (they come back in violations).
FAIRNESS_WEEKEND_DUTY = "weekend_duty"
FAIRNESS_TELEWORK_DAYS = "telework_days"
SPLIT_TEAMS_NAME = "teams"


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
    # Skill code -> name, for the skills counters' cover rules ask for.
    skill_names: dict[str, str] = field(default_factory=dict)


def _counter_of(activity: WorkActivity) -> Counter:
    """The counter of a counter activity (`_Sources.counters` holds only those with one)."""
    if activity.counter is None:
        raise ValueError(f"activity {activity.pk} has no counter")
    return activity.counter


def period_staff(
    unit: Unit | None, *, on: dt.date | None = None, with_skills: bool = True
) -> list[Staff]:
    """Active staff of `unit` and below (None: the whole office). With ``on`` (a period's
    first day): the people of the subtree on that day (`org.membership`), so a period
    already running keeps its people when someone moves and one starting on or after a
    move's effective date has the new unit's."""
    path = unit.path if unit is not None else "/"
    if on is not None:
        return members_on(path, on, with_skills=with_skills)
    qs = Staff.objects.filter(unit__path__startswith=path, active=True).select_related("unit")
    if with_skills:  # prefetching costs a query clone per person: only when needed
        qs = qs.prefetch_related("skills")
    return list(qs.order_by("unit__path", "staff_number"))


def period_members(period: RosterPeriod, *, with_skills: bool = True) -> list[Staff]:
    """The people of a roster period: its unit's subtree as of the period's first day (the
    one rule for the grid, the solver, the exports and the edit checks)."""
    return period_staff(period.unit, on=period.start_date, with_skills=with_skills)


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


@dataclass
class _Sources:
    """Everything the translators read, loaded once per build (plain sets and dicts, so
    that the loops below make no queries)."""

    version: RosterVersion
    period: RosterPeriod
    days: list[dt.date]
    day_index: dict[dt.date, int]
    staff: list[Staff]
    acts: list[WorkActivity]
    rules: WorkRules
    duty_days: set[int]
    elig: dict[int, eligibility.Eligibility]
    profiles: dict[int, StaffWorkProfile]
    staff_skills: dict[int, set[int]]
    counter_skills: dict[int, set[int]]
    #: (activity key, day) -> whether that counter is open.
    counter_open: dict[tuple[str, int], bool]
    #: (staff key, day) -> kind of approved leave.
    leave: dict[tuple[str, int], str] = field(default_factory=dict)

    @property
    def horizon(self) -> int:
        return len(self.days)

    @property
    def counters(self) -> list[WorkActivity]:
        return [a for a in self.acts if a.kind == ActivityKind.COUNTER and a.counter_id]

    @property
    def telework(self) -> list[WorkActivity]:
        return [a for a in self.acts if a.kind == ActivityKind.TELEWORK]

    @property
    def in_office(self) -> list[WorkActivity]:
        return [a for a in self.acts if a.in_office]

    def can_staff_counter(self, s: Staff, act: WorkActivity) -> bool:
        required = self.counter_skills[act.pk]
        return not required or bool(required & self.staff_skills[s.pk])


def _load(version: RosterVersion) -> _Sources:
    period = version.period
    days = period.days
    staff = period_members(period)
    acts = period_activities(period.unit)
    counters = [a for a in acts if a.kind == ActivityKind.COUNTER and a.counter_id]
    return _Sources(
        version=version,
        period=period,
        days=days,
        day_index={d: i for i, d in enumerate(days)},
        staff=staff,
        acts=acts,
        rules=_rules_for(period.unit),
        duty_days={i for i, d in enumerate(days) if d.weekday() >= 5 or is_public_holiday(d)},
        elig=eligibility.evaluate_many(staff),
        profiles={p.staff_id: p for p in StaffWorkProfile.objects.filter(staff__in=staff)},
        # Related-manager calls are slow in loops: read skills once into plain sets.
        staff_skills={s.pk: {k.pk for k in s.skills.all()} for s in staff},
        counter_skills={
            a.pk: {k.pk for k in _counter_of(a).required_skills.all()} for a in counters
        },
        counter_open={
            (activity_key(a.pk), i): _counter_of(a).is_open_on(d)
            for a in counters
            for i, d in enumerate(days)
        },
    )


def _leave_and_wishes(src: _Sources) -> list[planner.Request]:
    """Approved leave (hard, into ``src.leave``) and wishes, pending or approved (soft)."""
    period = src.period
    requests = StaffRequest.objects.filter(
        staff__in=src.staff, date__gte=period.start_date, date__lte=period.end_date
    ).exclude(status__in=[RequestStatus.REJECTED, RequestStatus.CANCELLED])
    wishes: list[planner.Request] = []
    telework = src.telework
    first_telework = telework[0] if telework else None
    for r in requests:
        key, day = staff_key(r.staff_id), src.day_index[r.date]
        # Wishes are weighted above the office preference (1 per person-day), so a wish
        # of any strength beats the default of working in the office.
        weight = r.weight * WISH_WEIGHT
        if r.is_leave:
            if r.status == RequestStatus.APPROVED:
                src.leave[(key, day)] = r.kind
            else:
                wishes.append(planner.Request(key, day, None, weight * 2, on=False))
        elif r.kind == RequestKind.TELEWORK and first_telework is not None:
            wishes.append(planner.Request(key, day, activity_key(first_telework.pk), weight))
        elif r.kind == RequestKind.OFFICE:
            for t in telework:
                wishes.append(planner.Request(key, day, activity_key(t.pk), weight, on=False))
        elif r.kind == RequestKind.DAY_OFF:
            wishes.append(planner.Request(key, day, None, weight, on=False))
    return [w for w in wishes if w.weight > 0]


def _staff(src: _Sources) -> list[planner.Staff]:
    """Per person: what they may do each day (open counters they have the skills for;
    other work on weekdays only, telework only when eligible), days off from leave, hours
    from the weekdays left, consecutive-day and weekend limits from the work rules."""
    horizon, rules = src.horizon, src.rules
    counters = src.counters
    general = [a for a in src.acts if a.kind != ActivityKind.COUNTER]
    weekday_count = horizon - len(src.duty_days)
    minutes = sorted({a.minutes for a in src.acts}) or [465]
    out: list[planner.Staff] = []
    for s in src.staff:
        key = staff_key(s.pk)
        telework_ok = src.elig[s.pk].eligible
        allowed_by_day: dict[int, frozenset[str]] = {}
        for i in range(horizon):
            options = set()
            for a in counters:
                if src.counter_open[(activity_key(a.pk), i)] and src.can_staff_counter(s, a):
                    options.add(activity_key(a.pk))
            if i not in src.duty_days:
                for a in general:
                    if a.kind == ActivityKind.TELEWORK and not telework_ok:
                        continue
                    options.add(activity_key(a.pk))
            allowed_by_day[i] = frozenset(options)
        days_off = frozenset(i for (k, i) in src.leave if k == key)
        work_days = weekday_count - sum(1 for i in days_off if i not in src.duty_days)
        out.append(
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
    return out


def _counter_cover(src: _Sources) -> tuple[list[planner.Cover], dict[str, str]]:
    """Each open counter's cover rule for the day type: a target (hard minimum below it)
    and, per required skill, a minimum of people with that skill (names by code)."""
    counters = src.counters
    cover: list[planner.Cover] = []
    skill_names: dict[str, str] = {}
    cover_rules: dict[tuple[int | None, str], CoverRule] = {
        (r.counter_id, r.day_type): r
        for r in CoverRule.objects.filter(
            counter__in=[a.counter_id for a in counters]
        ).prefetch_related("skills__skill")
    }
    emergency = src.period.mode != OperatingMode.NORMAL
    for a in counters:
        key = activity_key(a.pk)
        for i, d in enumerate(src.days):
            if not src.counter_open[(key, i)]:
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
                skill_names[cs.skill.code] = cs.skill.name
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
    return cover, skill_names


def _office_preference(src: _Sources) -> tuple[WorkActivity | None, list[planner.Cover]]:
    """The office-wide office activity (else any office activity) and a cover term that
    prices each person-day away from it (``OFFICE_PREFERENCE_WEIGHT``)."""
    office_acts = [a for a in src.acts if a.kind == ActivityKind.OFFICE]
    office = next((a for a in office_acts if a.unit_id is None), None)
    office = office or (office_acts[0] if office_acts else None)
    if office is None:
        return None, []
    cover = []
    for i in range(src.horizon):
        if i in src.duty_days:
            continue
        present = sum(1 for s in src.staff if (staff_key(s.pk), i) not in src.leave)
        cover.append(
            planner.Cover(i, activity_key(office.pk), present, OFFICE_PREFERENCE_WEIGHT, 0)
        )
    return office, cover


def _seat_capacities(
    src: _Sources,
) -> tuple[list[planner.Capacity], dict[tuple[str, int], int]]:
    """Remote-seat pools per day, less the seats other units' rosters and bookings use."""
    acts_by_key = {activity_key(a.pk) for a in src.acts}
    capacities: list[planner.Capacity] = []
    seat_limits: dict[tuple[str, int], int] = {}
    staff_ids = {s.pk for s in src.staff}
    for resource in RemoteResource.objects.filter(active=True).prefetch_related("activities"):
        consuming = frozenset(activity_key(a.pk) for a in resource.activities.all()) & acts_by_key
        if not consuming:
            continue
        used = _seats_used_elsewhere(src.version, resource, src.days, staff_ids)
        for i, d in enumerate(src.days):
            limit = max(0, resource.capacity - used.get(d, 0))
            seat_limits[(resource.name, i)] = limit
            capacities.append(
                planner.Capacity(f"{resource.name}@{i}", consuming, limit, frozenset({i}))
            )
    return capacities, seat_limits


def _office_presence(src: _Sources) -> list[planner.Capacity]:
    """Emergency/BCP: at most the period's share of staff in the office on a weekday."""
    if not src.period.office_presence_cap_pct:
        return []
    cap = math.floor(len(src.staff) * src.period.office_presence_cap_pct / 100)
    office_ids = frozenset(activity_key(a.pk) for a in src.in_office)
    return [
        planner.Capacity(f"office_presence@{i}", office_ids, cap, frozenset({i}))
        for i in range(src.horizon)
        if i not in src.duty_days
    ]


def _split_teams(src: _Sources) -> list[planner.SplitTeams]:
    """Teams A and B of the work profiles, when the rules split them."""
    rules = src.rules
    if not rules.split_mode:
        return []
    profiles = src.profiles.values()
    team_a = frozenset(staff_key(p.staff_id) for p in profiles if p.team == "A")
    team_b = frozenset(staff_key(p.staff_id) for p in profiles if p.team == "B")
    if not (team_a and team_b):
        return []
    days_by_mode: dict[str, int] = {
        SplitMode.NEVER_BOTH: 0,
        SplitMode.ALTERNATE_DAY: 1,
        SplitMode.ALTERNATE_WEEK: 7,
    }
    period_days = days_by_mode[rules.split_mode]
    offset = src.period.start_date.weekday() if period_days == 7 else 0
    return [planner.SplitTeams(SPLIT_TEAMS_NAME, (team_a, team_b), period_days, offset)]


def _fairness(src: _Sources) -> list[planner.Fairness]:
    """Weekend/holiday duty spread among those who can staff a weekend counter, and
    telework days among those eligible."""
    rules = src.rules
    if not rules.fairness_weight:
        return []
    fairness: list[planner.Fairness] = []
    counters, telework = src.counters, src.telework
    weekend_people = frozenset(
        staff_key(s.pk)
        for s in src.staff
        if any(
            src.can_staff_counter(s, a)
            for a in counters
            if (c := _counter_of(a)).opens_saturday or c.opens_sunday or c.opens_holidays
        )
    )
    if len(weekend_people) > 1 and src.duty_days:
        fairness.append(
            planner.Fairness(
                FAIRNESS_WEEKEND_DUTY,
                weekend_people,
                rules.fairness_weight,
                None,
                frozenset(src.duty_days),
            )
        )
    teleworkers = frozenset(staff_key(s.pk) for s in src.staff if src.elig[s.pk].eligible)
    if len(teleworkers) > 1 and telework:
        fairness.append(
            planner.Fairness(
                FAIRNESS_TELEWORK_DAYS,
                teleworkers,
                max(1, rules.fairness_weight // 2),
                frozenset(activity_key(a.pk) for a in telework),
            )
        )
    return fairness


def _substitute_days_off(src: _Sources) -> list[planner.SubstituteDayOff]:
    """Working a weekend or holiday needs a weekday off within the rules' window."""
    if not src.duty_days:
        return []
    return [
        planner.SubstituteDayOff(
            "substitute_day_off",
            frozenset(src.duty_days),
            after=src.rules.substitute_window_after,
            before=src.rules.substitute_window_before,
        )
    ]


def _pins_and_previous(src: _Sources) -> tuple[list[planner.Pin], planner.Roster | None]:
    """Pinned cells of the version this one is based on, and (for a repair) that whole
    roster, which each change is priced against."""
    version = src.version
    pins: list[planner.Pin] = []
    if not version.based_on_id:
        return pins, None
    base_cells = Assignment.objects.filter(version_id=version.based_on_id).values_list(
        "staff_id", "date", "activity_id", "pinned"
    )
    grid: dict[str, list[str | None]] = {staff_key(s.pk): [None] * src.horizon for s in src.staff}
    for staff_id, date, activity_id, pinned in base_cells:
        key = staff_key(staff_id)
        if key not in grid or date not in src.day_index:
            continue
        act = activity_key(activity_id) if activity_id else None
        day = src.day_index[date]
        grid[key][day] = act
        if pinned and (key, day) not in src.leave:
            pins.append(planner.Pin(key, day, act))
    return pins, grid if version.is_repair else None


def build_problem(version: RosterVersion) -> ProblemContext:
    """The planner problem of ``version``: one translator per rule family."""
    src = _load(version)
    wishes = _leave_and_wishes(src)
    office, office_cover = _office_preference(src)
    seats, seat_limits = _seat_capacities(src)
    pins, previous = _pins_and_previous(src)
    counter_cover, skill_names = _counter_cover(src)
    problem = planner.Problem(
        horizon=src.horizon,
        activities=[
            planner.Activity(
                id=activity_key(a.pk), minutes=a.minutes, name=a.name, in_office=a.in_office
            )
            for a in src.acts
        ],
        staff=_staff(src),
        cover=counter_cover + office_cover,
        requests=wishes,
        pins=pins,
        capacities=seats + _office_presence(src),
        split_teams=_split_teams(src),
        fairness=_fairness(src),
        substitute_days_off=_substitute_days_off(src),
        window_limits=_week_limits(
            src.staff, src.elig, src.days, src.duty_days, src.leave, src.telework, src.in_office
        ),
        previous=previous,
        stability_weight=REPAIR_STABILITY_WEIGHT if previous is not None else 0,
        start_date=src.period.start_date,
        name=str(src.period),
    )
    return ProblemContext(
        problem,
        src.days,
        {staff_key(s.pk): s for s in src.staff},
        {activity_key(a.pk): a for a in src.acts},
        src.leave,
        seat_limits,
        src.elig,
        duty_days=src.duty_days,
        preference_activities={activity_key(office.pk)} if office else set(),
        skill_names=skill_names,
    )


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


def explain_violations(
    ctx: ProblemContext, violations: list[planner.Violation], roster: planner.Roster
) -> list[dict]:
    """The stored rows (each with its reason) for the priced violations of ``roster``;
    the office preference is a cost of the objective, not something to report."""
    usage = seat_usage(ctx, roster)
    return [
        explain(ctx, v, roster, usage)
        for v in violations
        if not (v.rule.startswith("cover") and v.activity in ctx.preference_activities)
    ]


@transaction.atomic
def write_result(version: RosterVersion, ctx: ProblemContext, result: planner.SolveResult) -> None:
    """Replace the version's cells with the result (all or nothing) and store the figures."""
    version = RosterVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    version.solver_status = result.status
    version.strategy = str(result.stats.get("strategy", ""))
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
        version.breakdown[AWAY_FROM_OFFICE] = preference
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
    version.violations = explain_violations(ctx, result.violations, result.roster)
    version.diagnosis = []
    version.status = VersionStatus.SOLVED
    version.save()

"""What the built-in sections read, through the other apps' selectors, as plain data.

Each ``*_facts(request)`` reads a constant number of queries whatever the staff count and
returns small dataclasses; the numbers are then made by the plain functions of
`builtin.py`, which tests call with fixed data. No name leaves this module: people are ids
with the groups they count in (unit, position, employment type).

While one report is generated (`shared_facts()`), reads repeated by several sections (the
published rosters of a period, the staff) are made once.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yakuba.evaluation.sections import Period, ReportRequest
from yakuba.org import selectors as org_selectors
from yakuba.org.models import EmploymentType, Unit, UnitKind

T = TypeVar("T")

_CACHE: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar(
    "evaluation_facts_cache", default=None
)


@contextlib.contextmanager
def shared_facts() -> Iterator[None]:
    """Within the block, a read made for one section is reused by the next ones."""
    token = _CACHE.set({})
    try:
        yield
    finally:
        _CACHE.reset(token)


def _memo(key: Any, read: Callable[[], T]) -> T:
    cache = _CACHE.get()
    if cache is None:
        return read()
    if key not in cache:
        cache[key] = read()
    found: T = cache[key]
    return found


# ---------------------------------------------------------------- people and units


@dataclass(frozen=True)
class Person:
    """Someone counted by the report: an id and the groups they count in, never a name."""

    id: int
    unit_id: int
    group: str  # the 課 (division) the person's unit belongs to
    position: str
    employment_type: str  # its label
    active: bool = True


@dataclass(frozen=True)
class Scope:
    people: dict[int, Person]
    unit_group: dict[int, str]  # unit id → the label of the group it counts in
    units: dict[int, Unit] = field(default_factory=dict)
    staff: list[Any] = field(default_factory=list)  # org.Staff rows (eligibility engine)
    whole_office: bool = True


def _group_units(units: Sequence[Unit]) -> dict[int, str]:
    """Each unit counts in its 課 (division): itself, or its nearest division ancestor; a
    department (or a unit above any division) counts as itself."""
    by_path = {u.path: u for u in units}
    groups: dict[int, str] = {}
    for u in units:
        label = u.name
        parts = [p for p in u.path.split("/") if p]
        for depth in range(len(parts), 0, -1):
            ancestor = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if ancestor is not None and ancestor.kind == UnitKind.DIVISION:
                label = ancestor.name
                break
        groups[u.pk] = label
    return groups


def unit_paths(request: ReportRequest, units: Mapping[int, Unit]) -> list[str] | None:
    if request.unit_ids is None:
        return None
    return sorted(units[pk].path for pk in request.unit_ids if pk in units)


def scope(request: ReportRequest) -> Scope:
    """The people and units the report covers (two queries)."""

    def read() -> Scope:
        all_units = org_selectors.all_units()
        units = {u.pk: u for u in all_units}
        groups = _group_units(all_units)
        paths = unit_paths(request, units)
        types = dict(EmploymentType.choices)
        staff = list(org_selectors.staff_under(paths))
        people: dict[int, Person] = {}
        for s in staff:
            s.unit = units[s.unit_id]  # the eligibility engine reads it: no query per person
            people[s.pk] = Person(
                s.pk,
                s.unit_id,
                groups.get(s.unit_id, ""),
                s.position or _("（職名なし）"),
                str(types.get(s.employment_type, s.employment_type)),
                s.active,
            )
        if paths is not None:
            groups = {
                pk: g
                for pk, g in groups.items()
                if any(units[pk].path.startswith(p) for p in paths)
            }
        return Scope(people, groups, units, staff, whole_office=paths is None)

    return _memo(("scope", request.unit_ids), read)


def days_of(period: Period) -> list[dt.date]:
    return [period.start + dt.timedelta(days=i) for i in range(period.days)]


# ---------------------------------------------------------------- rosters


@dataclass(frozen=True)
class Activity:
    id: int
    kind: str  # rosters.ActivityKind
    access_method: str
    counter_id: int | None = None
    pool_ids: tuple[int, ...] = ()


Cells = Mapping[tuple[int, dt.date], int | None]


def activities() -> dict[int, Activity]:
    from yakuba.rosters import selectors as roster_selectors

    def read() -> dict[int, Activity]:
        return {
            pk: Activity(
                pk,
                a.kind,
                a.access_method,
                a.counter_id,
                tuple(sorted(r.pk for r in a.resources.all())),
            )
            for pk, a in roster_selectors.all_activities().items()
        }

    return _memo("activities", read)


def cells(period: Period, people: Mapping[int, Person]) -> Cells:
    """The published roster cells of the period for the people in scope (one query)."""
    from yakuba.rosters import selectors as roster_selectors

    found = _memo(
        ("cells", period.start, period.end),
        lambda: roster_selectors.published_cells(period.start, period.end),
    )
    return {key: act for key, act in found.items() if key[0] in people}


# ---------------------------------------------------------------- conditions


@dataclass(frozen=True)
class RuleRow:
    """The telework rules in force for one group of units (not about people: no merging)."""

    group: str
    source: str  # "own" / inherited from … / office default / built-in defaults
    employment_types: str
    exclude_personal_data: bool
    requires_head_approval: bool
    weekly_cap: int
    min_office_days: int


@dataclass(frozen=True)
class EligibilityFact:
    eligible: bool
    unmet: tuple[str, ...] = ()  # labels of the rules not met


@dataclass(frozen=True)
class ConditionsFacts:
    people: Mapping[int, Person]
    rules: Sequence[RuleRow]
    eligibility: Mapping[int, EligibilityFact]
    telework_days: Mapping[int, int]  # person → telework days in the period
    comparison_days: Mapping[int, int] | None = None
    rostered: frozenset[int] = frozenset()  # people with a published cell in the period
    comparison_rostered: frozenset[int] | None = None


def _telework_days(found: Cells, acts: Mapping[int, Activity]) -> tuple[dict[int, int], set[int]]:
    days: dict[int, int] = defaultdict(int)
    rostered: set[int] = set()
    for (pid, _day), act in found.items():
        rostered.add(pid)
        if act is not None and act in acts and acts[act].kind == "telework":
            days[pid] += 1
    return dict(days), rostered


def conditions_facts(request: ReportRequest) -> ConditionsFacts:
    from yakuba.rosters import eligibility
    from yakuba.rosters import selectors as roster_selectors
    from yakuba.rosters.models import TeleworkPolicy

    sc = scope(request)
    acts = activities()
    days, rostered = _telework_days(cells(request.period, sc.people), acts)
    comparison_days = comparison_rostered = None
    if request.comparison is not None:
        c_days, c_rostered = _telework_days(cells(request.comparison, sc.people), acts)
        comparison_days, comparison_rostered = c_days, frozenset(c_rostered)
    # Whom the engine judges: the people on the rosters of either period, else (an office
    # without rosters) everyone in service.
    judged = [
        s
        for s in sc.staff
        if s.pk in rostered or (comparison_rostered and s.pk in comparison_rostered)
    ] or [s for s in sc.staff if s.active]
    judged_result = eligibility.evaluate_many(judged)
    found = {
        pk: EligibilityFact(e.eligible, tuple(str(o.label) for o in e.unmet))
        for pk, e in judged_result.items()
    }
    policies = roster_selectors.telework_policies()
    types = dict(EmploymentType.choices)
    rules: list[RuleRow] = []
    seen: set[str] = set()
    for unit_id in sorted(sc.unit_group, key=lambda pk: sc.units[pk].path):
        group = sc.unit_group[unit_id]
        unit = sc.units[unit_id]
        if group in seen or unit.name != group:
            continue
        seen.add(group)
        row, owner, inherited = org_selectors.nearest_for_unit(policies, unit)
        if row is None:
            source = _("既定値（実施要件が未設定）")
            row = TeleworkPolicy()  # the model's defaults, unsaved
        elif owner is None:
            source = _("全庁の実施要件")
        elif inherited:
            source = _("%(unit)s の実施要件") % {"unit": owner.name}
        else:
            source = _("所属の実施要件")
        allowed = row.allowed_employment_types or []
        rules.append(
            RuleRow(
                group,
                str(source),
                pgettext("list separator", "、").join(str(types.get(t, t)) for t in allowed)
                if allowed
                else _("全て"),
                row.exclude_personal_data_work,
                row.requires_head_approval,
                row.weekly_cap,
                row.min_office_days,
            )
        )
    return ConditionsFacts(
        people=sc.people,
        rules=rules,
        eligibility=found,
        telework_days=days,
        comparison_days=comparison_days,
        rostered=frozenset(rostered),
        comparison_rostered=comparison_rostered,
    )


# ---------------------------------------------------------------- use


@dataclass(frozen=True)
class Pool:
    id: int
    name: str
    capacity: int


@dataclass(frozen=True)
class UsePeriod:
    cells: Cells
    pool_use: Mapping[tuple[int, dt.date], int] = field(default_factory=dict)
    refused: Mapping[tuple[int, dt.date], int] = field(default_factory=dict)
    unmet_wishes: Mapping[tuple[int, dt.date], int] = field(default_factory=dict)


@dataclass(frozen=True)
class UseFacts:
    people: Mapping[int, Person]
    activities: Mapping[int, Activity]
    pools: Sequence[Pool]
    period: UsePeriod
    comparison: UsePeriod | None = None


def _use_period(period: Period, people: Mapping[int, Person], pools: list[Any]) -> UsePeriod:
    from yakuba.remoteseats import selectors as seat_selectors
    from yakuba.rosters import explain
    from yakuba.rosters import selectors as roster_selectors

    days = days_of(period)
    use = seat_selectors.availability(pools, days)
    pool_use = {(pool_id, u.date): u.used for pool_id, rows in use.items() for u in rows}
    by_name = {p.name: p.pk for p in pools}
    unmet: dict[tuple[int, dt.date], int] = defaultdict(int)
    for row in roster_selectors.published_violations(period.start, period.end):
        if row.get("reason") == explain.SEATS_FULL and row.get("resource") in by_name:
            unmet[(by_name[row["resource"]], dt.date.fromisoformat(row["date"]))] += 1
    return UsePeriod(
        cells=cells(period, people),
        pool_use=pool_use,
        refused=seat_selectors.refusals_by_day(period.start, period.end),
        unmet_wishes=dict(unmet),
    )


def use_facts(request: ReportRequest) -> UseFacts:
    from yakuba.rosters import selectors as roster_selectors

    sc = scope(request)
    pools = list(roster_selectors.remote_pools())
    return UseFacts(
        people=sc.people,
        activities=activities(),
        pools=[Pool(p.pk, p.name, p.capacity) for p in pools],
        period=_use_period(request.period, sc.people, pools),
        comparison=(
            _use_period(request.comparison, sc.people, pools) if request.comparison else None
        ),
    )


# ---------------------------------------------------------------- service continuity


@dataclass(frozen=True)
class CounterRule:
    counter_id: int
    counter: str
    minimum: Mapping[str, int]  # day type → fewest staff


@dataclass(frozen=True)
class ContinuityFacts:
    counters: Sequence[CounterRule]
    activities: Mapping[int, Activity]
    period: Cells
    comparison: Cells | None = None


def continuity_facts(request: ReportRequest) -> ContinuityFacts:
    from yakuba.rosters import selectors as roster_selectors

    sc = scope(request)
    rules: dict[int, dict[str, Any]] = {}
    for rule in roster_selectors.cover_rules():
        counter = rule.counter  # a closed counter still counts for when it was open
        if not sc.whole_office and counter.unit_id not in sc.unit_group:
            continue
        entry = rules.setdefault(counter.pk, {"name": counter.name, "minimum": {}})
        entry["minimum"][rule.day_type] = rule.min_staff
    everyone = {pid: p for pid, p in scope(ReportRequest(request.period)).people.items()}
    return ContinuityFacts(
        counters=[
            CounterRule(pk, str(v["name"]), dict(v["minimum"]))
            for pk, v in sorted(rules.items(), key=lambda kv: str(kv[1]["name"]))
        ],
        activities=activities(),
        # A counter is staffed by whoever the roster put there, whatever their unit.
        period=cells(request.period, everyone),
        comparison=cells(request.comparison, everyone) if request.comparison else None,
    )


# ---------------------------------------------------------------- ways of working


@dataclass(frozen=True)
class CompletionRow:
    unit_id: int
    people: int
    expected: int
    done: int
    late: int


@dataclass(frozen=True)
class BlockerRow:
    unit_id: int
    text: str
    opened_on: dt.date
    resolved_on: dt.date | None


@dataclass(frozen=True)
class Connection:
    staff_id: int
    present_s: float
    drops: int
    long_drops: int


@dataclass(frozen=True)
class WaysPeriod:
    period: Period
    completion: Sequence[CompletionRow] = ()
    blockers: Sequence[BlockerRow] = ()
    meetings: int = 0
    connections: Sequence[Connection] = ()
    catchups: Sequence[tuple[int, bool]] = ()  # (staff id, acknowledged?)


@dataclass(frozen=True)
class WaysFacts:
    people: Mapping[int, Person]
    unit_group: Mapping[int, str]
    period: WaysPeriod
    comparison: WaysPeriod | None = None


def _ways_period(period: Period, sc: Scope) -> WaysPeriod:
    from yakuba.dailyreports import selectors as report_selectors
    from yakuba.meetings import selectors as meeting_selectors

    found = report_selectors.office_completion(period.start, period.end)
    people: dict[int, set[int]] = defaultdict(set)
    for row in found["people"]:
        people[row["unit"].pk].add(row["staff"].pk)
    completion = [
        CompletionRow(u["unit"].pk, len(people[u["unit"].pk]), u["expected"], u["done"], u["late"])
        for u in found["units"]
        if u["unit"].pk in sc.unit_group
    ]
    blockers = [
        BlockerRow(unit_id, text, opened, resolved)
        for unit_id, _owner, text, opened, resolved in report_selectors.blocker_spans(
            period.start, period.end
        )
        if unit_id in sc.unit_group
    ]
    meetings = meeting_selectors.period_facts(period.start, period.end)
    return WaysPeriod(
        period=period,
        completion=completion,
        blockers=blockers,
        meetings=meetings.meetings,
        connections=[
            Connection(c.staff_id, c.present_s, c.drops, c.long_drops)
            for c in meetings.connections
            if c.staff_id in sc.people
        ],
        catchups=[(pk, ack) for pk, ack in meetings.catchups if pk in sc.people],
    )


def ways_facts(request: ReportRequest) -> WaysFacts:
    sc = scope(request)
    return WaysFacts(
        people=sc.people,
        unit_group=sc.unit_group,
        period=_ways_period(request.period, sc),
        comparison=_ways_period(request.comparison, sc) if request.comparison else None,
    )


# ---------------------------------------------------------------- security readiness


@dataclass(frozen=True)
class SecurityFacts:
    people: Mapping[int, Person]
    # Capabilities that are not installed answer None (shown as "no data").
    connection_verdicts: Mapping[int, str] | None = None  # person → latest home verdict
    readiness: Mapping[int, str] | None = None  # person → checklist standing
    incidents: Mapping[str, int] | None = None  # category (and "personal_data") → count
    comparison_incidents: Mapping[str, int] | None = None


def security_facts(request: ReportRequest) -> SecurityFacts:
    sc = scope(request)
    active = {pk: p for pk, p in sc.people.items() if p.active}
    verdicts = readiness = incidents = comparison = None
    if apps.is_installed("yakuba.netcheck"):
        from yakuba.netcheck import selectors as netcheck_selectors

        verdicts = {
            pk: v for pk, v in netcheck_selectors.latest_home_verdicts().items() if pk in active
        }
    if apps.is_installed("yakuba.readiness"):
        from yakuba.readiness import selectors as readiness_selectors

        readiness = {
            pk: str(s.status) for pk, s in readiness_selectors.standings(list(active)).items()
        }
    if apps.is_installed("yakuba.incidents"):
        from yakuba.incidents import selectors as incident_selectors

        incidents = incident_selectors.counts_between(request.period.start, request.period.end)
        if request.comparison is not None:
            comparison = incident_selectors.counts_between(
                request.comparison.start, request.comparison.end
            )
    return SecurityFacts(active, verdicts, readiness, incidents, comparison)

"""The heat map (units × checklist sections), the trend between rounds and the committee
report, for the units the user may see.

Every figure is "share of 「実施している」 among the answers that apply" (該当なし left
out), counted over submitted and confirmed sheets from their `SectionTally` rows. The
number of queries is fixed — it does not grow with the staff, units or rounds
(tested, and measured by `bench.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from yakuba.accounts.roles import Capability
from yakuba.inspections.models import (
    COUNTED_SHEETS,
    UNRESOLVED_FINDINGS,
    ChecklistSection,
    Finding,
    FindingStatus,
    Round,
    RoundStatus,
    SectionTally,
    Sheet,
    SheetStatus,
)
from yakuba.org.models import Unit
from yakuba.security.scope import sees_whole_office, units_in_scope

TREND_ROUNDS = 6
GOOD, FAIR = 0.9, 0.7
MARKS = {"good": "◎", "fair": "○", "poor": "△"}


def _in_scope(queryset: Any, user: Any, unit_field: str) -> Any:
    """Narrow to the units the user may see; office-wide readers skip the unit subquery."""
    if sees_whole_office(user, Capability.VIEW_INSPECTIONS):
        return queryset
    return queryset.filter(
        **{f"{unit_field}__in": units_in_scope(user, Capability.VIEW_INSPECTIONS)}
    )


@dataclass(frozen=True)
class Cell:
    done: int = 0
    applicable: int = 0  # done + partial + not done

    @property
    def share(self) -> float | None:
        return self.done / self.applicable if self.applicable else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(100 * share)

    @property
    def level(self) -> str:
        share = self.share
        if share is None:
            return "none"
        return "good" if share >= GOOD else "fair" if share >= FAIR else "poor"

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.done + other.done, self.applicable + other.applicable)

    def html(self) -> SafeString:
        """The table cell: mark (◎ ○ △), share and counts as text, the colour a repeat.
        Built here rather than by a template include per cell: 45 units × 12 sections
        of includes cost more than all the queries of the page."""
        percent = self.percent
        if percent is None:
            return SafeString('<td class="heat heat--none">—</td>')
        return format_html(
            '<td class="heat heat--{}"><span class="heat__mark" aria-hidden="true">{}</span> '
            '{}%<span class="heat__n">（{}/{}）</span></td>',
            self.level,
            MARKS[self.level],
            percent,
            self.done,
            self.applicable,
        )


@dataclass(frozen=True)
class Column:
    section_id: int
    checklist: str
    title: str
    code: str


@dataclass
class Row:
    unit: Unit
    cells: list[Cell]
    sheets: int = 0
    submitted: int = 0

    @property
    def total(self) -> Cell:
        out = Cell()
        for cell in self.cells:
            out = out + cell
        return out


@dataclass
class HeatMap:
    round: Round
    columns: list[Column]
    rows: list[Row]
    totals: list[Cell] = field(default_factory=list)
    sheets: int = 0
    submitted: int = 0
    confirmed: int = 0

    @property
    def overall(self) -> Cell:
        out = Cell()
        for cell in self.totals:
            out = out + cell
        return out

    @property
    def checklist_groups(self) -> list[tuple[str, int]]:
        """(checklist title, number of its columns) for the grouped header row."""
        groups: list[tuple[str, int]] = []
        for column in self.columns:
            if groups and groups[-1][0] == column.checklist:
                groups[-1] = (column.checklist, groups[-1][1] + 1)
            else:
                groups.append((column.checklist, 1))
        return groups


def build(user: Any, round_: Round) -> HeatMap:
    sections = list(
        ChecklistSection.objects.filter(checklist__in=round_.checklists.all())
        .select_related("checklist")
        .order_by("checklist__role", "checklist__code", "order", "code")
    )
    columns = [Column(s.pk, s.checklist.title, s.title, s.code) for s in sections]
    index = {c.section_id: i for i, c in enumerate(columns)}
    tallies = (
        _in_scope(
            SectionTally.objects.filter(sheet__round=round_, sheet__status__in=COUNTED_SHEETS),
            user,
            "sheet__unit",
        )
        .values("sheet__unit_id", "section_id")
        .annotate(done=Sum("done"), partial=Sum("partial"), not_done=Sum("not_done"))
    )
    cells: dict[int, list[Cell]] = defaultdict(lambda: [Cell()] * len(columns))
    for t in tallies:
        i = index.get(t["section_id"])
        if i is None:
            continue
        unit_cells = cells[t["sheet__unit_id"]]
        unit_cells[i] = unit_cells[i] + Cell(t["done"], t["done"] + t["partial"] + t["not_done"])
    counts = (
        _in_scope(Sheet.objects.filter(round=round_), user, "unit")
        .values("unit_id")
        .annotate(
            sheets=Count("pk"),
            submitted=Count("pk", filter=Q(status__in=COUNTED_SHEETS)),
            confirmed=Count("pk", filter=Q(status=SheetStatus.CONFIRMED)),
        )
    )
    per_unit = {c["unit_id"]: c for c in counts}
    units = Unit.objects.filter(pk__in=list(per_unit)).order_by("path")
    rows = [
        Row(
            unit,
            cells[unit.pk] if unit.pk in cells else [Cell()] * len(columns),
            per_unit[unit.pk]["sheets"],
            per_unit[unit.pk]["submitted"],
        )
        for unit in units
    ]
    totals = [Cell()] * len(columns)
    for row in rows:
        totals = [a + b for a, b in zip(totals, row.cells, strict=True)]
    return HeatMap(
        round_,
        columns,
        rows,
        totals,
        sheets=sum(c["sheets"] for c in per_unit.values()),
        submitted=sum(c["submitted"] for c in per_unit.values()),
        confirmed=sum(c["confirmed"] for c in per_unit.values()),
    )


@dataclass
class Trend:
    rounds: list[Round]
    overall: list[Cell]
    sections: list[tuple[str, list[Cell]]]  # section title → a cell per round


def trend(user: Any, upto: Round | None = None) -> Trend:
    """The share of 「実施している」 per launched round (the latest `TREND_ROUNDS` up to
    `upto`), overall and per section title (sections of copied checklists line up)."""
    launched = Round.objects.exclude(status=RoundStatus.DRAFT)
    if upto is not None:
        launched = launched.filter(opens_on__lte=upto.opens_on)
    rounds = list(launched.order_by("-opens_on", "-pk")[:TREND_ROUNDS])[::-1]
    position = {r.pk: i for i, r in enumerate(rounds)}
    rows = (
        _in_scope(
            SectionTally.objects.filter(
                sheet__round__in=[r.pk for r in rounds], sheet__status__in=COUNTED_SHEETS
            ),
            user,
            "sheet__unit",
        )
        .values("sheet__round_id", "section__title")
        .annotate(done=Sum("done"), partial=Sum("partial"), not_done=Sum("not_done"))
    )
    overall = [Cell()] * len(rounds)
    by_title: dict[str, list[Cell]] = {}
    for r in rows:
        i = position[r["sheet__round_id"]]
        cell = Cell(r["done"], r["done"] + r["partial"] + r["not_done"])
        overall[i] = overall[i] + cell
        series = by_title.setdefault(r["section__title"], [Cell()] * len(rounds))
        series[i] = series[i] + cell
    return Trend(rounds, overall, sorted(by_title.items()))


@dataclass
class CommitteeReport:
    heatmap: HeatMap
    trend: Trend
    findings_by_status: list[tuple[str, str, int]]  # (status, label, count)
    overdue: list[Finding]
    carried_over: list[Finding]
    today: dt.date

    @property
    def findings_total(self) -> int:
        return sum(n for _s, _l, n in self.findings_by_status)


def scoped_findings(user: Any) -> Any:
    return _in_scope(Finding.objects.all(), user, "unit")


def committee_report(user: Any, round_: Round) -> CommitteeReport:
    today = timezone.localdate()
    findings = scoped_findings(user)
    counts = dict(
        findings.filter(round=round_).values_list("status").annotate(n=Count("pk")).order_by()
    )
    by_status = [(s.value, str(s.label), counts.get(s.value, 0)) for s in FindingStatus]
    related = ("unit", "item", "owner", "round")
    overdue = list(
        findings.filter(status__in=UNRESOLVED_FINDINGS, due_on__lt=today)
        .select_related(*related)
        .order_by("due_on", "pk")
    )
    carried = list(
        findings.filter(status__in=UNRESOLVED_FINDINGS, round__opens_on__lt=round_.opens_on)
        .select_related(*related)
        .order_by("round__opens_on", "due_on", "pk")
    )
    return CommitteeReport(
        build(user, round_), trend(user, round_), by_status, overdue, carried, today
    )

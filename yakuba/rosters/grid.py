"""The roster grid (staff × days) built with a fixed number of queries.

Cells are rendered to HTML here rather than in a template loop: a whole office is
600 × 31 cells, and a template tag per cell would cost most of the page's time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from yakuba.core.calendar import holiday_name
from yakuba.org.models import Staff
from yakuba.rosters.models import (
    ActivityKind,
    Assignment,
    CoverRule,
    OperatingMode,
    RemoteResource,
    RosterVersion,
    WorkActivity,
    day_type_of,
)
from yakuba.rosters.solver_io import period_activities, period_members

WEEKDAY_SHORT = ("月", "火", "水", "木", "金", "土", "日")


@dataclass
class DayColumn:
    date: dt.date
    label: str
    weekday: str
    css: str
    holiday: str | None


@dataclass
class CoverageRow:
    name: str
    cells: list[tuple[str, str]]  # (text, css)
    shortfall_days: int = 0


@dataclass
class Grid:
    version: RosterVersion
    days: list[DayColumn]
    rows: list[tuple[Staff, SafeString]]
    coverage: list[CoverageRow] = field(default_factory=list)
    resources: list[CoverageRow] = field(default_factory=list)
    legend: list[WorkActivity] = field(default_factory=list)
    changed: int = 0


def day_columns(days: list[dt.date]) -> list[DayColumn]:
    cols = []
    for d in days:
        holiday = holiday_name(d)
        css = "is-holiday" if holiday else {5: "is-sat", 6: "is-sun"}.get(d.weekday(), "")
        cols.append(
            DayColumn(d, f"{d.month}/{d.day}", str(WEEKDAY_SHORT[d.weekday()]), css, holiday)
        )
    return cols


def build_grid(
    version: RosterVersion, *, compare_to: RosterVersion | None = None, editable: bool = False
) -> Grid:
    period = version.period
    days = period.days
    # Keyed by date and by ISO text: the raw query returns either, depending on the database.
    index: dict[object, int] = {d: i for i, d in enumerate(days)}
    index |= {d.isoformat(): i for i, d in enumerate(days)}
    staff = period_members(period, with_skills=False)
    activities = {a.pk: a for a in period_activities(period.unit)}
    cells: dict[int, list[tuple[int | None, bool, str]]] = {
        s.pk: [(None, False, "")] * len(days) for s in staff
    }
    for staff_id, date, activity_id, pinned, off_reason in _cell_rows(version.pk):
        day = index.get(date)
        if staff_id in cells and day is not None:
            cells[staff_id][day] = (activity_id, bool(pinned), off_reason)
    before: dict[tuple[int, dt.date], int | None] | None = None
    if compare_to is not None:
        before = {
            (s, d): a
            for s, d, a in Assignment.objects.filter(version=compare_to).values_list(
                "staff_id", "date", "activity_id"
            )
        }
    columns = day_columns(days)
    hidden = '<span class="visually-hidden">{}</span>'.format
    off_html = hidden(escape(_("休み")))
    leave_html = "休" + hidden(escape(_("休暇")))
    substitute_html = "振" + hidden(escape(_("振替休日")))
    changed_html = hidden("・" + escape(_("変更")))
    pinned_html = hidden("・" + escape(_("固定")))
    # The row header (name) and column header (date) give each cell its context, so a
    # cell only carries its symbol: 600 × 31 cells must stay a small page.
    symbol_html = {
        pk: (escape(a.symbol or a.name[:1]), f"act-{a.colour}") for pk, a in activities.items()
    }
    rows: list[tuple[Staff, SafeString]] = []
    changed = 0
    for s in staff:
        parts = []
        for i, (activity_id, pinned, off_reason) in enumerate(cells[s.pk]):
            col = columns[i]
            if activity_id is None:
                if off_reason == "substitute":
                    symbol = substitute_html
                else:
                    symbol = leave_html if off_reason else off_html
                css = "act-off"
            else:
                symbol, css = symbol_html.get(activity_id, ("?", "act-grey"))
            classes = f"{css} {col.css}" if col.css else css
            if pinned:
                classes += " is-pinned"
                symbol += pinned_html
            if before is not None and before.get((s.pk, col.date)) != activity_id:
                classes += " is-changed"
                symbol += changed_html
                changed += 1
            if editable:
                parts.append(
                    f'<td class="{classes}"><button type="button" class="cell" '
                    f'data-s="{s.pk}" data-d="{i}">{symbol}</button></td>'
                )
            else:
                parts.append(f'<td class="{classes}">{symbol}</td>')
        rows.append((s, mark_safe("".join(parts))))  # noqa: S308 - every value above is escaped
    grid = Grid(version, columns, rows, legend=list(activities.values()), changed=changed)
    grid.coverage = _coverage(version, activities, cells, days)
    grid.resources = _resource_usage(activities, cells, days)
    return grid


def _cell_rows(version_id: int) -> list[tuple]:
    """All cells of a version in one plain query: 18,600 rows through the ORM's per-row
    converters cost more than the rest of the page."""
    table = Assignment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT staff_id, date, activity_id, pinned, off_reason FROM {table} "  # noqa: S608
            "WHERE version_id = %s",
            [version_id],
        )
        return cursor.fetchall()


def _coverage(version, activities, cells, days) -> list[CoverageRow]:
    counters = [a for a in activities.values() if a.kind == ActivityKind.COUNTER and a.counter_id]
    rules = {
        (r.counter_id, r.day_type): r
        for r in CoverRule.objects.filter(counter__in=[a.counter_id for a in counters])
    }
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for row in cells.values():
        for i, (activity_id, _pinned, _reason) in enumerate(row):
            if activity_id is not None:
                counts[(activity_id, i)] += 1
    emergency = version.period.mode != OperatingMode.NORMAL
    out = []
    for a in counters:
        row = CoverageRow(a.name, [])
        for i, d in enumerate(days):
            if not a.counter.is_open_on(d):
                row.cells.append(("—", "cov-closed"))
                continue
            rule = rules.get((a.counter_id, day_type_of(d)))
            n = counts[(a.pk, i)]
            if rule is None:
                row.cells.append((str(n), ""))
                continue
            target = rule.min_staff if emergency else max(rule.target_staff, rule.min_staff)
            if n < rule.min_staff:
                row.cells.append((f"{n}/{target}", "cov-short"))
                row.shortfall_days += 1
            elif n < target:
                row.cells.append((f"{n}/{target}", "cov-under"))
            else:
                row.cells.append((f"{n}/{target}", "cov-ok"))
        out.append(row)
    return out


def _resource_usage(activities, cells, days) -> list[CoverageRow]:
    out = []
    for resource in RemoteResource.objects.filter(active=True).prefetch_related("activities"):
        ids = {a.pk for a in resource.activities.all()} & activities.keys()
        if not ids:
            continue
        row = CoverageRow(resource.name, [])
        for i in range(len(days)):
            n = sum(1 for r in cells.values() if r[i][0] in ids)
            css = (
                "cov-short"
                if n > resource.capacity
                else ("cov-full" if n == resource.capacity else "cov-ok")
            )
            row.cells.append((f"{n}/{resource.capacity}", css))
        out.append(row)
    return out

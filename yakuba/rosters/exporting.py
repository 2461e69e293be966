"""Roster exports: the usual 勤務表 grid as .xlsx (printable A4/A3 landscape), CSV, iCalendar."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from yakuba.core.tabular import safe_cell, write_csv
from yakuba.rosters.grid import WEEKDAY_SHORT
from yakuba.rosters.models import Assignment, RosterVersion
from yakuba.rosters.solver_io import period_members

# Fill colours of the activity palette (light, so black text stays readable when printed).
FILLS = {
    "blue": "DCE9F8",
    "green": "DDF2DF",
    "orange": "FCE6CF",
    "purple": "EADFF5",
    "teal": "D5F0EE",
    "pink": "F9DDE8",
    "yellow": "FBF3C8",
    "grey": "E6E6E6",
}
PAPER = {"a4": 9, "a3": 8}


def off_label(off_reason: str) -> str:
    if off_reason == "substitute":
        return _("振替休日")
    return _("休暇") if off_reason else _("休み")


def _cells(version: RosterVersion) -> dict[tuple[int, dt.date], Assignment]:
    return {
        (a.staff_id, a.date): a
        for a in Assignment.objects.filter(version=version).select_related("activity")
    }


def roster_xlsx(version: RosterVersion, paper: str = "a3") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    period = version.period
    days = period.days
    staff = period_members(period, with_skills=False)
    cells = _cells(version)
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has one sheet
    ws.title = _("勤務表")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.cell(
        row=1,
        column=1,
        value=safe_cell(
            _("%(scope)s %(name)s（第%(n)s版）")
            % {"scope": period.scope_name, "name": period.name, "n": version.number}
        ),
    ).font = Font(bold=True, size=12)
    header = [_("職員番号"), _("氏名")] + [f"{d.day}\n{WEEKDAY_SHORT[d.weekday()]}" for d in days]
    for col, text in enumerate(header, start=1):
        c = ws.cell(row=3, column=col, value=text)
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
        if col > 2 and days[col - 3].weekday() >= 5:
            c.fill = PatternFill("solid", fgColor="EEEEEE")
    for r, s in enumerate(staff, start=4):
        ws.cell(row=r, column=1, value=safe_cell(s.staff_number)).border = border
        ws.cell(row=r, column=2, value=safe_cell(s.name)).border = border
        for i, d in enumerate(days):
            a = cells.get((s.pk, d))
            cell = ws.cell(row=r, column=3 + i)
            cell.border = border
            cell.alignment = Alignment(horizontal="center")
            if a is None:
                continue
            if a.activity is not None:
                cell.value = safe_cell(a.activity.symbol or a.activity.name[:1])
                cell.fill = PatternFill("solid", fgColor=FILLS.get(a.activity.colour, "FFFFFF"))
            elif a.off_reason:
                cell.value = "振" if a.off_reason == "substitute" else "休"
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 14
    for i in range(len(days)):
        ws.column_dimensions[get_column_letter(3 + i)].width = 4.2
    ws.row_dimensions[3].height = 30
    legend_row = len(staff) + 6
    ws.cell(row=legend_row, column=1, value=_("凡例")).font = Font(bold=True)
    seen = {a.activity for a in cells.values() if a.activity is not None}
    for k, act in enumerate(sorted(seen, key=lambda a: (a.sort_order, a.code)), start=1):
        ws.cell(row=legend_row + k, column=1, value=safe_cell(act.symbol))
        ws.cell(row=legend_row + k, column=2, value=safe_cell(act.name))
    ws.freeze_panes = "C4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER.get(paper, PAPER["a3"])
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit = ws.sheet_properties.pageSetUpPr
    assert fit is not None  # openpyxl creates it with the sheet
    fit.fitToPage = True
    ws.print_title_rows = "3:3"
    ws.print_options.horizontalCentered = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roster_csv(version: RosterVersion) -> bytes:
    period = version.period
    cells = _cells(version)
    rows: list[list[object]] = []
    for s in period_members(period, with_skills=False):
        for d in period.days:
            a = cells.get((s.pk, d))
            if a is None:
                continue
            rows.append(
                [
                    s.staff_number,
                    s.name,
                    d.isoformat(),
                    a.activity.code if a.activity else "",
                    a.activity.name if a.activity else off_label(a.off_reason),
                ]
            )
    return write_csv(
        [_("職員番号"), _("氏名"), _("日付"), _("勤務形態コード"), _("勤務形態")], rows
    )


def schedule_ical(staff_name: str, cells: Iterable[Assignment], host: str) -> bytes:
    """All-day events, one per worked or leave day, with stable UIDs for calendar updates."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Yakuba//roster//JA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("勤務表（%(name)s）") % {"name": staff_name})
    cal.add("x-wr-timezone", "Asia/Tokyo")
    for a in cells:
        if a.activity is None and not a.off_reason:
            continue
        event = Event()
        event.add("uid", f"roster-{a.staff_id}-{a.date.isoformat()}@{host}")
        event.add("dtstart", a.date)
        event.add("dtend", a.date + dt.timedelta(days=1))
        event.add("summary", a.activity.name if a.activity else off_label(a.off_reason))
        event.add("dtstamp", dt.datetime.now(dt.UTC))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()

"""The attendance timeline: one row per person, present segments drawn as SVG rectangles
(attributes only, so the Content Security Policy needs no inline styles)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.meetings import intervals, services
from yakuba.meetings.models import Meeting

WIDTH = 1000.0


@dataclass
class Segment:
    x: float
    w: float
    label: str


@dataclass
class Column:
    number: int
    title: str
    x: float
    w: float
    at: str
    shaded: bool


@dataclass
class Row:
    label: str
    invited: bool
    guest: bool
    present: list[Segment]
    absent: list[Segment]
    status: str
    drops: int
    summary: str
    present_pct: int


def _hm(t: float) -> str:
    return timezone.localtime(intervals.to_dt(t)).strftime("%H:%M")


def build(meeting: Meeting) -> dict:
    start, end = intervals.ts(meeting.start), intervals.ts(meeting.end)
    span = max(end - start, 1.0)

    def x(t: float) -> float:
        return round((min(max(t, start), end) - start) / span * WIDTH, 2)

    columns = [
        Column(i + 1, item.title, x(s), max(x(e) - x(s), 0.5), _hm(s), i % 2 == 0)
        for i, (item, s, e) in enumerate(services.agenda_spans(meeting))
    ]
    rows = []
    for person in services.attendance(meeting):
        att = person.attendance
        present = [
            Segment(x(s), max(x(e) - x(s), 0.5), f"{_hm(s)}–{_hm(e)}") for s, e in att.present
        ]
        absent = [
            Segment(x(s), max(x(e) - x(s), 0.5), f"{_hm(s)}–{_hm(e)}") for s, e in att.absences
        ]
        if att.absent_entirely:
            status = _("欠席")
        else:
            flags = []
            if att.late:
                flags.append(_("遅れて参加"))
            if att.left_early:
                flags.append(_("早退"))
            if att.long_drops:
                flags.append(_("中断あり"))
            status = "・".join(flags) or _("出席")
        summary = (
            _("参加: %(p)s") % {"p": "、".join(s.label for s in present)}
            if present
            else _("参加記録なし")
        )
        rows.append(
            Row(
                person.label,
                person.invited,
                person.staff is None,
                present,
                absent,
                status,
                att.drops,
                summary,
                round(100 * att.present_s / span),
            )
        )
    ticks = []
    t = start - start % 900 + 900
    while t < end:
        ticks.append((x(t), _hm(t)))
        t += 900
    return {
        "width": WIDTH,
        "columns": columns,
        "rows": rows,
        "ticks": ticks,
        "start": _hm(start),
        "end": _hm(end),
    }

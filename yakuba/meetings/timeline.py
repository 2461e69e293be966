"""The attendance timeline: one row per person, present segments drawn as SVG rectangles
(attributes only, so the Content Security Policy needs no inline styles).

The 中断 column counts the breaks the catch-up counts: gaps between two connections at
least as long as the meeting's threshold (`drop_threshold_s`). Shorter reconnections are
listed beside it with their length in seconds, not counted."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.meetings import intervals, selectors
from yakuba.meetings.models import Meeting

WIDTH = 1000.0
SHORT_GAPS_SHOWN = 5


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
    drops: int  # breaks at least as long as the threshold
    summary: str
    present_pct: int
    short_gaps: list[str] = field(default_factory=list)  # "10:17:05（12秒）"
    short_more: int = 0  # short gaps beyond those listed


def _hm(t: float) -> str:
    return timezone.localtime(intervals.to_dt(t)).strftime("%H:%M")


def _hms(t: float) -> str:
    return timezone.localtime(intervals.to_dt(t)).strftime("%H:%M:%S")


def _span(s: float, e: float) -> str:
    """ "10:00–10:20", with seconds when the span does not fall on whole minutes (a gap of
    40 seconds would read "10:17–10:17")."""
    if int(s) % 60 == 0 and int(e) % 60 == 0:
        return f"{_hm(s)}–{_hm(e)}"
    return f"{_hms(s)}–{_hms(e)}"


def build(meeting: Meeting) -> dict:
    start, end = intervals.ts(meeting.start), intervals.ts(meeting.end)
    span = max(end - start, 1.0)

    def x(t: float) -> float:
        return round((min(max(t, start), end) - start) / span * WIDTH, 2)

    columns = [
        Column(i + 1, item.title, x(s), max(x(e) - x(s), 0.5), _hm(s), i % 2 == 0)
        for i, (item, s, e) in enumerate(selectors.agenda_spans(meeting))
    ]
    threshold = float(meeting.drop_threshold_s)
    rows = []
    for person in selectors.attendance(meeting):
        att = person.attendance
        present = [Segment(x(s), max(x(e) - x(s), 0.5), _span(s, e)) for s, e in att.present]
        absent = [Segment(x(s), max(x(e) - x(s), 0.5), _span(s, e)) for s, e in att.absences]
        short = [
            _("%(at)s（%(s)s秒）") % {"at": _hms(s), "s": max(round(e - s), 1)}
            for s, e in att.internal
            if e - s < threshold
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
                att.long_drops,
                summary,
                round(100 * att.present_s / span),
                short[:SHORT_GAPS_SHOWN],
                max(len(short) - SHORT_GAPS_SHOWN, 0),
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

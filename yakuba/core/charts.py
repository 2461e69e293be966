"""Small server-side SVG charts: bars, stacked bars and lines (no JS, CSP-safe, offline).

Why by hand: the charts are a few rectangles and polylines, and every chart library for
the browser would have to be served from LGWAN and allowed by the CSP. What is ours here
is accessibility: each chart is an ``<svg role="img">`` with a ``<title>`` and a
``<desc>``, every bar or point carries a ``<title>`` (read by screen readers, shown as a
tooltip), series are told apart by a visible legend *and* by lightness or dashes (not only
by hue), and `Chart.table` gives the same figures for the data table a page shows beside
the chart. Colours are SVG presentation attributes, which the CSP allows (inline ``style``
attributes are not allowed).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Contrast ≥ 4.5:1 against white; the dark/light pairs differ in lightness too.
BLUE = "#1d6fb8"
NAVY = "#0b2f4e"
RED = "#b00020"
GREEN = "#1b6b2f"
GREY = "#5f6368"
ORANGE = "#a84300"
PALETTE = (BLUE, NAVY, ORANGE, GREEN, GREY, RED)

WIDTH, HEIGHT = 720, 240
PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 44, 36, 30, 12
TEXT = "#333"
GRID = "#d6d6d6"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    colour: str = ""
    dashed: bool = False  # lines only


@dataclass(frozen=True)
class Reference:
    """A horizontal line across the plot (e.g. "licences held"), labelled at the right."""

    label: str
    value: float
    colour: str = RED
    dashed: bool = False


@dataclass
class Chart:
    """What is drawn: categories along the x axis and one or more series of values.

    ``point_titles`` (optional) gives the accessible text of each category's bar/point; by
    default it is "category: series value unit, …". ``highlight`` marks categories whose
    bars are drawn in ``highlight_colour`` (single-series bar charts, e.g. peak days).
    """

    title: str
    categories: Sequence[str]
    series: Sequence[Series]
    description: str = ""
    unit: str = ""
    y_max: float | None = None
    references: Sequence[Reference] = ()
    point_titles: Sequence[str] | None = None
    highlight: frozenset[int] = field(default_factory=frozenset)
    highlight_colour: str = NAVY
    chart_id: str = "chart"
    label_every: int = 0  # 0: choose so that about ten labels fit

    def colour(self, index: int) -> str:
        return self.series[index].colour or PALETTE[index % len(PALETTE)]

    def table(self) -> tuple[list[str], list[list[object]]]:
        """The chart's figures as (header, rows) for the data table beside it."""
        header = ["", *(s.label for s in self.series)]
        rows: list[list[object]] = [
            [category, *(s.values[i] for s in self.series)]
            for i, category in enumerate(self.categories)
        ]
        return header, rows


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude: float = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


class _Frame:
    def __init__(self, chart: Chart, top: float) -> None:
        self.chart = chart
        self.top = top
        self.plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
        self.plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
        self.n = max(1, len(chart.categories))
        self.step = self.plot_w / self.n

    def y(self, value: float) -> float:
        return PAD_TOP + self.plot_h * (1 - min(max(value, 0.0), self.top) / self.top)

    def height(self, value: float) -> float:
        return self.plot_h * min(max(value, 0.0), self.top) / self.top

    def centre(self, i: int) -> float:
        return PAD_LEFT + i * self.step + self.step / 2

    def grid(self) -> SafeString:
        ticks = [self.top * k / 4 for k in range(5)]
        return format_html_join(
            "",
            '<line stroke="{}" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<text font-size="11" fill="{}" x="{}" y="{}" text-anchor="end">{}{}</text>',
            (
                (
                    GRID,
                    PAD_LEFT,
                    WIDTH - PAD_RIGHT,
                    f"{self.y(t):.1f}",
                    f"{self.y(t):.1f}",
                    TEXT,
                    PAD_LEFT - 4,
                    f"{self.y(t) + 4:.1f}",
                    _number(t),
                    self.chart.unit,
                )
                for t in ticks
            ),
        )

    def x_labels(self) -> SafeString:
        chart = self.chart
        every = chart.label_every or max(1, math.ceil(len(chart.categories) / 10))
        return format_html_join(
            "",
            '<text font-size="11" fill="{}" x="{}" y="{}" text-anchor="middle">{}</text>',
            (
                (TEXT, f"{self.centre(i):.1f}", HEIGHT - PAD_BOTTOM + 16, label)
                for i, label in enumerate(chart.categories)
                if i % every == 0 or i == len(chart.categories) - 1
            ),
        )

    def references(self) -> SafeString:
        return format_html_join(
            "",
            '<line stroke="{}" stroke-width="2"{} x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<text font-size="11" fill="{}" x="{}" y="{}" text-anchor="end">{}</text>',
            (
                (
                    ref.colour,
                    SafeString(' stroke-dasharray="6 4"') if ref.dashed else "",
                    PAD_LEFT,
                    WIDTH - PAD_RIGHT,
                    f"{self.y(ref.value):.1f}",
                    f"{self.y(ref.value):.1f}",
                    ref.colour,
                    WIDTH - PAD_RIGHT - 2,
                    f"{self.y(ref.value) - 4:.1f}",
                    ref.label,
                )
                for ref in self.chart.references
            ),
        )

    def legend(self) -> SafeString:
        if len(self.chart.series) < 2:
            return SafeString("")
        parts = []
        x = PAD_LEFT
        for i, s in enumerate(self.chart.series):
            parts.append(
                format_html(
                    '<rect fill="{}" x="{}" y="8" width="12" height="12"/>'
                    '<text font-size="12" fill="{}" x="{}" y="18">{}</text>',
                    self.chart.colour(i),
                    x,
                    TEXT,
                    x + 16,
                    s.label,
                )
            )
            x += 28 + _label_width(str(s.label))
        return format_html("<g>{}</g>", SafeString("".join(parts)))


def _label_width(label: str) -> int:
    """About how wide a 12px label is: 13px for a full-width character, 7.5 for the rest
    (a Latin label measured as if it were Japanese ran off the chart in English)."""
    wide = sum(1 for ch in label if unicodedata.east_asian_width(ch) in "WF")
    return math.ceil(13 * wide + 7.5 * (len(label) - wide))


def _point_title(chart: Chart, i: int) -> str:
    if chart.point_titles is not None:
        return chart.point_titles[i]
    figures = ", ".join(
        f"{s.label} {_number(v)}{chart.unit}" if v is not None else f"{s.label} -"
        for s in chart.series
        for v in (s.values[i],)
    )
    return f"{chart.categories[i]}: {figures}"


def _top(chart: Chart, stacked: bool) -> float:
    if chart.y_max is not None:
        return chart.y_max
    if stacked:
        peak = max(
            (sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.categories))),
            default=0,
        )
    else:
        peak = max((v or 0 for s in chart.series for v in s.values), default=0)
    peak = max([peak, *(r.value for r in chart.references)])
    return _nice_top(peak * 1.05 if peak else 1)


def _svg(chart: Chart, frame: _Frame, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" width="100%" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart.chart_id,
        chart.chart_id,
        chart.chart_id,
        chart.title,
        chart.chart_id,
        chart.description or chart.title,
        frame.legend(),
        frame.grid(),
        body,
        frame.references(),
        frame.x_labels(),
    )


def bar_chart(chart: Chart, *, stacked: bool = False) -> SafeString:
    """Bars per category: side by side for several series, or stacked (first series at
    the bottom) with ``stacked=True``."""
    if not chart.categories or not chart.series:
        return SafeString("")
    frame = _Frame(chart, _top(chart, stacked))
    groups = []
    count = 1 if stacked else len(chart.series)
    group_w = max(2.0, frame.step * 0.7)
    bar_w = group_w / count
    for i in range(len(chart.categories)):
        left = PAD_LEFT + i * frame.step + (frame.step - group_w) / 2
        base = 0.0
        rects = []
        for k, s in enumerate(chart.series):
            value = s.values[i] or 0.0
            colour = chart.colour(k)
            if i in chart.highlight and len(chart.series) == 1:
                colour = chart.highlight_colour
            x = left if stacked else left + k * bar_w
            top_value = base + value if stacked else value
            rects.append(
                format_html(
                    '<rect fill="{}" x="{}" y="{}" width="{}" height="{}"/>',
                    colour,
                    f"{x:.1f}",
                    f"{frame.y(top_value):.1f}",
                    f"{bar_w:.1f}",
                    f"{frame.height(value):.1f}",
                )
            )
            if stacked:
                base += value
        groups.append(
            format_html(
                "<g><title>{}</title>{}</g>", _point_title(chart, i), SafeString("".join(rects))
            )
        )
    return _svg(chart, frame, SafeString("".join(groups)))


def line_chart(chart: Chart) -> SafeString:
    """One polyline per series (gaps where a value is None) with a marked point each."""
    if not chart.categories or not chart.series:
        return SafeString("")
    frame = _Frame(chart, _top(chart, False))
    parts = []
    for k, s in enumerate(chart.series):
        colour = chart.colour(k)
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{frame.centre(i):.1f},{frame.y(v):.1f}")
        if segment:
            segments.append(segment)
        for points in segments:
            parts.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="2"{} points="{}"/>',
                    colour,
                    SafeString(' stroke-dasharray="6 4"') if s.dashed else "",
                    " ".join(points),
                )
            )
    for i in range(len(chart.categories)):
        dots = format_html_join(
            "",
            '<circle fill="{}" cx="{}" cy="{}" r="3"/>',
            (
                (chart.colour(k), f"{frame.centre(i):.1f}", f"{frame.y(v):.1f}")
                for k, s in enumerate(chart.series)
                if (v := s.values[i]) is not None
            ),
        )
        parts.append(format_html("<g><title>{}</title>{}</g>", _point_title(chart, i), dots))
    return _svg(chart, frame, SafeString("".join(parts)))

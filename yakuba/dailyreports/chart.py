"""Server-side SVG charts of completion and lateness over time (no JS, CSP-safe, offline).

Colours are SVG presentation attributes (fill/stroke), which the CSP allows, unlike
inline style attributes. Each bar has a text title (read by screen readers and shown as a
tooltip), the chart has a title and a visible legend, and every page that shows a chart
also shows the same figures as a table.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 240
PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 40, 40, 30, 10
DONE_COLOUR = "#1d6fb8"  # 4.9:1 against white
LATE_COLOUR = "#0b2f4e"  # darker: distinguishable without colour vision


def completion_svg(
    rows: list[dict[str, Any]], *, chart_id: str = "chart", title: str = ""
) -> SafeString:
    """Bars: completion % per row; the dark part at the bottom of each bar: late %.

    `rows` carry label, date, expected, done, late, rate and late_rate (selectors.completion).
    """
    if not rows:
        return SafeString("")
    title = title or _("日ごとの提出率（棒）と遅れの割合（濃い部分）")
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / len(rows)
    bar_w = max(2.0, step * 0.7)

    def y(pct: float) -> float:
        return PAD_TOP + plot_h * (1 - pct / 100)

    grid = format_html_join(
        "",
        '<line stroke="#c8c8c8" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text font-size="11" fill="#333" x="{}" y="{}" text-anchor="end">{}%</text>',
        (
            (
                PAD_LEFT,
                WIDTH - PAD_RIGHT,
                f"{y(p):.1f}",
                f"{y(p):.1f}",
                PAD_LEFT - 4,
                f"{y(p) + 4:.1f}",
                p,
            )
            for p in (0, 50, 100)
        ),
    )
    legend = format_html(
        '<g><rect fill="{}" x="{}" y="8" width="12" height="12"/>'
        '<text font-size="12" fill="#333" x="{}" y="18">{}</text>'
        '<rect fill="{}" x="{}" y="8" width="12" height="12"/>'
        '<text font-size="12" fill="#333" x="{}" y="18">{}</text></g>',
        DONE_COLOUR,
        PAD_LEFT,
        PAD_LEFT + 16,
        _("提出率"),
        LATE_COLOUR,
        PAD_LEFT + 120,
        PAD_LEFT + 136,
        _("うち遅れ"),
    )
    bars = []
    label_every = max(1, len(rows) // 10)
    for i, d in enumerate(rows):
        x = PAD_LEFT + i * step + (step - bar_w) / 2
        bars.append(
            format_html(
                '<g><title>{}</title><rect fill="{}" x="{}" y="{}" width="{}" height="{}"/>'
                '<rect fill="{}" x="{}" y="{}" width="{}" height="{}"/></g>',
                _("%(date)s: 提出 %(rate)s%%（%(done)s/%(expected)s）、遅れ %(late)s 件")
                % {
                    "date": d.get("label") or d["date"].isoformat(),
                    "rate": d["rate"],
                    "done": d["done"],
                    "expected": d["expected"],
                    "late": d["late"],
                },
                DONE_COLOUR,
                *(f"{v:.1f}" for v in (x, y(d["rate"]), bar_w, plot_h * d["rate"] / 100)),
                LATE_COLOUR,
                *(f"{v:.1f}" for v in (x, y(d["late_rate"]), bar_w, plot_h * d["late_rate"] / 100)),
            )
        )
        if i % label_every == 0:
            bars.append(
                format_html(
                    '<text font-size="11" fill="#333" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    HEIGHT - PAD_BOTTOM + 16,
                    d.get("label") or d["date"].strftime("%m/%d"),
                )
            )
    return format_html(
        '<svg class="chart" width="100%" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title">'
        '<title id="{}-title">{}</title>{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        title,
        legend,
        grid,
        SafeString("".join(bars)),
    )

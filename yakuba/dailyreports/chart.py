"""Server-side SVG chart of completion and lateness per day (no JS, CSP-safe, offline).

Colours are SVG presentation attributes (fill/stroke), which the CSP allows, unlike
inline style attributes.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 40, 40, 10, 10


def completion_svg(days: list[dict[str, Any]]) -> SafeString:
    """Bars: completion % per day; a dark mark inside each bar: late %. Has a text title."""
    if not days:
        return SafeString("")
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / len(days)
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
    bars = []
    label_every = max(1, len(days) // 10)
    for i, d in enumerate(days):
        x = PAD_LEFT + i * step + (step - bar_w) / 2
        bars.append(
            format_html(
                '<g><title>{}</title><rect fill="#1d6fb8" x="{}" y="{}" width="{}" height="{}"/>'
                '<rect fill="#0b2f4e" x="{}" y="{}" width="{}" height="{}"/></g>',
                _("%(date)s: 提出 %(rate)s%%（%(done)s/%(expected)s）、遅れ %(late)s 件")
                % {
                    "date": d["date"].isoformat(),
                    "rate": d["rate"],
                    "done": d["done"],
                    "expected": d["expected"],
                    "late": d["late"],
                },
                *(
                    f"{v:.1f}"
                    for v in (
                        x,
                        y(d["rate"]),
                        bar_w,
                        plot_h * d["rate"] / 100,
                        x,
                        y(d["late_rate"]),
                        bar_w,
                        plot_h * d["late_rate"] / 100,
                    )
                ),
            )
        )
        if i % label_every == 0:
            bars.append(
                format_html(
                    '<text font-size="11" fill="#333" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    HEIGHT - PAD_BOTTOM + 16,
                    d["date"].strftime("%m/%d"),
                )
            )
    return format_html(
        '<svg class="chart" width="100%" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="chart-title">'
        '<title id="chart-title">{}</title>{}{}</svg>',
        WIDTH,
        HEIGHT,
        _("日ごとの提出率（棒）と遅れの割合（濃い部分）"),
        grid,
        SafeString("".join(bars)),
    )

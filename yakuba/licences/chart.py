"""Server-side SVG chart: daily peak of concurrent meetings against licences held and
needed (no JS, CSP-safe, offline). The page shows the same numbers as a table."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from yakuba.licences.report import PlatformSummary

WIDTH, HEIGHT = 720, 240
PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 36, 34, 12, 12
BAR = "#1d6fb8"
PEAK_BAR = "#0b2f4e"
HELD = "#b00020"
NEEDED = "#1b6b2f"


def _ticks(top: int) -> list[int]:
    step = max(1, -(-top // 5))
    return list(range(0, top + 1, step))


def peak_svg(summary: PlatformSummary, chart_id: str) -> SafeString:
    """Bars: the most meetings at once on each day (the month's peak days darker);
    a red line at the licences held and a green dashed line at the licences needed."""
    days = summary.days
    if not days:
        return SafeString("")
    top = max(summary.held, summary.needed, summary.peak, 1) + 1
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / len(days)
    bar_w = max(2.0, step * 0.7)

    def y(v: float) -> float:
        return PAD_TOP + plot_h * (1 - v / top)

    grid = format_html_join(
        "",
        '<line stroke="#d6d6d6" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text font-size="11" fill="#333" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (
                PAD_LEFT,
                WIDTH - PAD_RIGHT,
                f"{y(v):.1f}",
                f"{y(v):.1f}",
                PAD_LEFT - 5,
                f"{y(v) + 4:.1f}",
                v,
            )
            for v in _ticks(top)
        ),
    )
    parts = []
    label_every = 7 if len(days) > 16 else 1
    for i, d in enumerate(days):
        x = PAD_LEFT + i * step + (step - bar_w) / 2
        at_peak = summary.peak > 0 and d.peak == summary.peak
        title = _("%(date)s：同時開催 最大 %(n)s 件") % {"date": d.date.isoformat(), "n": d.peak}
        parts.append(
            format_html(
                '<g><title>{}</title><rect fill="{}" x="{}" y="{}" width="{}" height="{}"/></g>',
                title,
                PEAK_BAR if at_peak else BAR,
                f"{x:.1f}",
                f"{y(d.peak):.1f}",
                f"{bar_w:.1f}",
                f"{plot_h * d.peak / top:.1f}",
            )
        )
        if i % label_every == 0 or i == len(days) - 1:
            parts.append(
                format_html(
                    '<text font-size="11" fill="#333" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    HEIGHT - PAD_BOTTOM + 15,
                    d.date.strftime("%m/%d"),
                )
            )
    lines = format_html(
        '<line stroke="{}" stroke-width="2" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text font-size="11" fill="{}" x="{}" y="{}" text-anchor="end">{}</text>'
        '<line stroke="{}" stroke-width="2" stroke-dasharray="6 4" '
        'x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text font-size="11" fill="{}" x="{}" y="{}" text-anchor="end">{}</text>',
        HELD,
        PAD_LEFT,
        WIDTH - PAD_RIGHT,
        f"{y(summary.held):.1f}",
        f"{y(summary.held):.1f}",
        HELD,
        WIDTH - PAD_RIGHT - 2,
        f"{y(summary.held) - 4:.1f}",
        _("保有 %(n)s") % {"n": summary.held},
        NEEDED,
        PAD_LEFT,
        WIDTH - PAD_RIGHT,
        f"{y(summary.needed):.1f}",
        f"{y(summary.needed):.1f}",
        NEEDED,
        WIDTH - PAD_RIGHT - 2,
        f"{y(summary.needed) + 13:.1f}",
        _("必要 %(n)s") % {"n": summary.needed},
    )
    title = _(
        "%(platform)s：日ごとの同時開催数の最大（棒）、保有ライセンス数 %(held)s（赤線）、"
        "必要数 %(needed)s（緑の破線）"
    ) % {"platform": summary.label, "held": summary.held, "needed": summary.needed}
    return format_html(
        '<svg class="chart" width="100%" viewBox="0 0 {} {}" role="img" aria-labelledby="{}">'
        '<title id="{}">{}</title>{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        title,
        grid,
        SafeString("".join(parts)),
        lines,
    )

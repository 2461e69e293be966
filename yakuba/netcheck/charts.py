"""Small SVG line charts as polyline point strings (drawn by the templates, no library)."""

from __future__ import annotations

from collections.abc import Sequence

WIDTH = 320
HEIGHT = 80
PAD = 4


def polyline(values: Sequence[float | None], top: float | None = None) -> str:
    """Points "x,y x,y …" scaled into WIDTH×HEIGHT; gaps (None) are skipped."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    top = max(top or 0.0, max(known), 1e-9)
    step = (WIDTH - 2 * PAD) / max(1, len(values) - 1)
    points = []
    for i, v in enumerate(values):
        if v is None:
            continue
        x = PAD + i * step
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * min(v, top) / top
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def thousands(value: int | float | None) -> str:
    """12345 → "12,345" (yen amounts; no locale-dependent humanize)."""
    if value is None:
        return ""
    return f"{value:,}"

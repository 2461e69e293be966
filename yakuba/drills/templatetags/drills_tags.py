from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """「1時間5分」「12分」「40秒」; "—" for nothing."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return _("%(s)s秒") % {"s": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(m)s分") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)s時間%(m)s分") % {"h": hours, "m": minutes}
    return _("%(d)s日%(h)s時間") % {"d": hours // 24, "h": hours % 24}


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"

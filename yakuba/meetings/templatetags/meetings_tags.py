"""Small filters for catch-up pages (content is stored as JSON with ISO times)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def hm(value: str | None) -> str:
    if not value:
        return ""
    try:
        return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%H:%M")
    except (TypeError, ValueError):
        return ""


@register.filter
def kind_label(kind: str) -> str:
    return {
        "agenda": _("議題"),
        "note": _("メモ"),
        "decision": _("決定事項"),
        "action": _("対応事項"),
    }.get(kind, kind)

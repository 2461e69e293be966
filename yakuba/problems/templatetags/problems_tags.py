"""``{% problem_from user kind id=… key=… label=… %}``: the "create a problem from…" link
other apps' pages show (only to those who keep the register), so that they need not import
this app."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from yakuba.problems import selectors, sources

register = template.Library()


@register.simple_tag
def problem_from(
    user: Any, kind: str, id: int | None = None, key: str = "", label: str = ""
) -> SafeString | str:
    if not selectors.can_manage(user):
        return ""
    return format_html(
        '<a class="button button--secondary button--small" href="{}">{}</a>',
        sources.create_url(kind, id=id, key=key, label=label),
        _("課題と対応策に登録"),
    )

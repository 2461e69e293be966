"""Rendering stored audit data without letting its keys reach template attribute lookup."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


@register.filter
def change_items(changes: Any) -> list[tuple[str, str]]:
    """`changes` as (key, text) pairs, in stored order.

    Not `changes.items` in the template: Django looks a dotted name up as a dictionary
    key first, so an entry whose changes hold a key called "items" (or "keys", "values",
    "get") would hand the template that value instead of the method.
    """
    if isinstance(changes, dict):
        return [(str(key), _text(value)) for key, value in changes.items()]
    if changes in (None, "", [], {}):
        return []
    return [("", _text(changes))]

"""「わたしのセキュリティ」: one page where each person finds their own security duties.

Security apps register a `Section` from their ``AppConfig.ready()`` (this week's
questions, the telework home checklist, 「不審なメールを報告」, my incident reports, my
awareness score). Like core's home panels: ``context(request)`` returns the template
context or ``None`` when the section has nothing for this person, and reads in a
constant number of queries. Sections show the signed-in person's own records only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from yakuba.core.registry import Registry


@dataclass(frozen=True)
class Section:
    name: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class ShownSection:
    name: str
    template: str
    context: dict[str, Any]


_REGISTRY: Registry[Section] = Registry(
    "a section", name=lambda s: s.name, order=lambda s: (s.order, s.name)
)
_SECTIONS = _REGISTRY.items
register = _REGISTRY.register
unregister = _REGISTRY.unregister
registered = _REGISTRY.registered


def sections_for(request: HttpRequest) -> list[ShownSection]:
    shown = []
    for section in registered():
        context = section.context(request)
        if context is not None:
            shown.append(ShownSection(section.name, section.template, context))
    return shown

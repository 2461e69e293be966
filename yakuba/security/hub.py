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


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    if section.name in _SECTIONS and _SECTIONS[section.name] is not section:
        raise ValueError(f"a section named {section.name!r} is already registered")
    _SECTIONS[section.name] = section
    return section


def unregister(name: str) -> None:
    _SECTIONS.pop(name, None)


def registered() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def sections_for(request: HttpRequest) -> list[ShownSection]:
    shown = []
    for section in registered():
        context = section.context(request)
        if context is not None:
            shown.append(ShownSection(section.name, section.template, context))
    return shown

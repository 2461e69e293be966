"""Home-page panels: apps register what a person needs this morning; `core` shows them.

A capability registers a `Panel` from its ``AppConfig.ready()``::

    panels.register(Panel(name="rosters.today", order=10, template="rosters/panels/today.html",
                          context=today_panel))

``context(request)`` returns the template context, or ``None`` when the panel has nothing
to say to this person (e.g. no roster published); ``capability`` limits the panel to roles
holding it. Each panel must read in a constant number of queries, whatever the size of the
office (tested per panel), because the home page is the page everybody opens first.
`core` imports no feature app: the home page only iterates this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from yakuba.core.registry import Registry


@dataclass(frozen=True)
class Panel:
    name: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    capability: str | None = None


@dataclass(frozen=True)
class ShownPanel:
    name: str
    template: str
    context: dict[str, Any]


_REGISTRY: Registry[Panel] = Registry(
    "a panel", name=lambda p: p.name, order=lambda p: (p.order, p.name)
)
_PANELS = _REGISTRY.items
register = _REGISTRY.register
registered = _REGISTRY.registered


def panels_for(request: HttpRequest) -> list[ShownPanel]:
    """The panels this person sees, in order, each with its context."""
    user = request.user
    if not user.is_authenticated:  # the home page is behind sign-in; nothing to show
        return []
    shown = []
    for panel in registered():
        if panel.capability is not None and not user.can(panel.capability):
            continue
        context = panel.context(request)
        if context is not None:
            shown.append(ShownPanel(panel.name, panel.template, context))
    return shown

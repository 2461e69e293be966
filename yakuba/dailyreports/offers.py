"""What the morning-report page offers once today's report is submitted.

Another app (e.g. awareness: one of this week's questions) registers an `Offer` from its
``AppConfig.ready()``; this app imports none of them and only renders what they return.
Like home panels, ``context(request, report)`` returns the template context or ``None``
when there is nothing to offer this person now, in a constant number of queries. An
offer is optional by nature: the page shows it below the submitted report, and the
person may ignore it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from yakuba.core.registry import Registry


@dataclass(frozen=True)
class Offer:
    name: str
    order: int
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class ShownOffer:
    name: str
    template: str
    context: dict[str, Any]


_REGISTRY: Registry[Offer] = Registry(
    "an offer", name=lambda o: o.name, order=lambda o: (o.order, o.name)
)
register = _REGISTRY.register
unregister = _REGISTRY.unregister
registered = _REGISTRY.registered


def offers_after_submit(request: HttpRequest, report: Any) -> list[ShownOffer]:
    """The offers for the person whose submitted ``report`` the page shows."""
    shown = []
    for offer in registered():
        context = offer.context(request, report)
        if context is not None:
            shown.append(ShownOffer(offer.name, offer.template, context))
    return shown

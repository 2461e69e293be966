"""The account hygiene panel on the system administrator's (and auditor's) home page:
how many accounts need a look, each count linking to its list. Counts only (no names), in
a constant number of queries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yakuba.accounts.roles import Capability
from yakuba.core.panels import Panel, register


def hygiene_panel(request: HttpRequest) -> dict[str, Any] | None:
    from yakuba.accounts import hygiene
    from yakuba.accounts.views_hygiene import ORDER, list_url

    days = hygiene.idle_days_default()
    counts = hygiene.counts(days)
    if not any(counts[name] for name in ORDER if name != hygiene.DISABLED):
        return None
    return {
        "tiles": [
            {"label": hygiene.LISTS[name], "count": counts[name], "url": list_url(name, days)}
            for name in ORDER
            if name != hygiene.DISABLED and counts[name]
        ]
    }


HYGIENE = register(
    Panel(
        name="accounts.hygiene",
        order=80,
        template="accounts/panels/hygiene.html",
        context=hygiene_panel,
        capability=Capability.VIEW_ACCOUNT_HYGIENE,
    )
)

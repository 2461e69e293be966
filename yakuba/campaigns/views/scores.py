"""Risk at a glance (issue 14 item 7): awareness scores by unit, then a unit's people.

Seen only through `VIEW_AWARENESS_SCORES` and `security.scope` — unit heads their own
units, infosec every unit; the auditor and HR never. The unit summary names nobody; a
unit's page names its people and is audited each time it is opened. People are listed
by name, never by score, and nothing here ranks anyone. (Each person sees their own
score in 「わたしのセキュリティ」.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.audit.models import AuditAction
from yakuba.audit.services import record
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.org.models import Unit
from yakuba.security import score
from yakuba.security.scope import staff_in_scope, units_in_scope

SCORES = Capability.VIEW_AWARENESS_SCORES


@dataclass
class ComponentMean:
    label: Any
    values: list[float] = field(default_factory=list)

    @property
    def mean(self) -> int | None:
        return round(100 * sum(self.values) / len(self.values)) if self.values else None


@dataclass
class UnitSummary:
    unit: Unit
    depth: int
    people: int = 0
    scores: list[int] = field(default_factory=list)
    components: dict[str, ComponentMean] = field(default_factory=dict)

    @property
    def mean(self) -> int | None:
        return round(sum(self.scores) / len(self.scores)) if self.scores else None

    @property
    def scored(self) -> int:
        return len(self.scores)


@capability_required(SCORES)
def summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per unit in scope: people, people with a score, the mean, and each component's mean."""
    units = list(units_in_scope(request.user, SCORES).order_by("path"))
    people = list(
        staff_in_scope(request.user, SCORES).filter(active=True).values_list("pk", "unit_id")
    )
    found = score.scores([pk for pk, _unit in people])
    components = score.registered()
    base = min((u.path.count("/") for u in units), default=0)
    rows = {
        u.pk: UnitSummary(
            u,
            depth=min(u.path.count("/") - base, 3),
            components={c.code: ComponentMean(c.label) for c in components},
        )
        for u in units
    }
    for pk, unit_id in people:
        row = rows.get(unit_id)
        if row is None:
            continue
        row.people += 1
        person = found[pk]
        if person.score is not None:
            row.scores.append(person.score)
        for part in person.components:
            if part.value is not None and part.code in row.components:
                row.components[part.code].values.append(part.value)
    return render(
        request,
        "campaigns/scores_summary.html",
        {
            "rows": [r for r in rows.values() if r.people],
            "components": components,
        },
    )


@capability_required(SCORES)
def unit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The people of one unit with their scores and every component (audited)."""
    chosen = get_for_user_or_404(units_in_scope(request.user, SCORES), request.user, pk)
    people = list(
        staff_in_scope(request.user, SCORES)
        .filter(active=True, unit=chosen)
        .order_by("name_kana", "staff_number")
    )
    found = score.scores([s.pk for s in people])
    record(
        AuditAction.VIEW_SENSITIVE,
        actor=request.user,
        object_type="campaigns.awareness_score",
        object_id=str(chosen.pk),
        object_repr=f"awareness scores: {chosen.name}"[:200],
        changes={"unit": chosen.pk, "people": len(people), "staff": [s.pk for s in people]},
    )
    return render(
        request,
        "campaigns/scores_unit.html",
        {
            "unit": chosen,
            "rows": [{"staff": s, "score": found[s.pk]} for s in people],
            "components": score.registered(),
        },
    )

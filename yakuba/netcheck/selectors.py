"""Reads: a person's own history and the anonymous readiness summary by unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from yakuba.netcheck import conf
from yakuba.netcheck.judging import Verdict
from yakuba.netcheck.models import NetcheckResult, NetcheckRun, Place


def run_for(user: Any, token: str) -> NetcheckRun | None:
    if not token or len(token) > 64:
        return None
    return NetcheckRun.objects.filter(user=user, token=token).first()


def own_result(user: Any, pk: int) -> NetcheckResult | None:
    """The person's own result; anyone else's is not even acknowledged to exist."""
    return NetcheckResult.objects.filter(person=user, pk=pk).first()


def history(user: Any, limit: int = 50) -> QuerySet[NetcheckResult]:
    return NetcheckResult.objects.filter(person=user)[:limit]


@dataclass
class UnitReadiness:
    unit: Any
    people: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {v.value: 0 for v in Verdict})
    names: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok_share(self) -> float:
        return 100.0 * self.counts[Verdict.OK] / self.people if self.people else 0.0

    @property
    def verdict_counts(self) -> list[tuple[str, int]]:
        return [(str(v.label), self.counts[v.value]) for v in Verdict]


@dataclass
class Readiness:
    rows: list[UnitReadiness]
    total: UnitReadiness
    hidden_units: int
    hidden_people: int
    min_group: int
    show_names: bool


def readiness() -> Readiness:
    """Latest home result per person, grouped by the person's unit.

    Units with fewer than MIN_GROUP_SIZE tested people are not shown (only counted), so
    nobody's result can be singled out; names only when SHOW_NAMES is on.
    """
    min_group = conf.get("MIN_GROUP_SIZE")
    show_names = conf.get("SHOW_NAMES")
    latest: dict[int, NetcheckResult] = {}
    results = (
        NetcheckResult.objects.filter(place=Place.HOME, person__staff__isnull=False)
        .select_related("person__staff__unit")
        .order_by("person_id", "-measured_at", "-pk")
    )
    for result in results.iterator(chunk_size=2000):
        latest.setdefault(result.person_id, result)
    by_unit: dict[int, UnitReadiness] = {}
    total = UnitReadiness(unit=None)
    for result in latest.values():
        staff = result.person.staff
        row = by_unit.setdefault(staff.unit_id, UnitReadiness(unit=staff.unit))
        for target in (row, total):
            target.people += 1
            target.counts[result.verdict] = target.counts.get(result.verdict, 0) + 1
        if show_names:
            row.names.append((staff.name, result.get_verdict_display()))
    shown = [r for r in by_unit.values() if r.people >= min_group]
    hidden = [r for r in by_unit.values() if r.people < min_group]
    shown.sort(key=lambda r: (r.unit.code, r.unit.pk))
    return Readiness(
        rows=shown,
        total=total if total.people >= min_group else UnitReadiness(unit=None),
        hidden_units=len(hidden),
        hidden_people=sum(r.people for r in hidden),
        min_group=min_group,
        show_names=show_names,
    )


def latest_home_verdicts() -> dict[int, str]:
    """{staff id: verdict of their latest connection check at home} (one query; the
    evidence report counts them per group of at least five people, never per person)."""
    latest: dict[int, str] = {}
    for staff_id, verdict in (
        NetcheckResult.objects.filter(place=Place.HOME, person__staff__isnull=False)
        .order_by("person_id", "-measured_at", "-pk")
        .values_list("person__staff__id", "verdict")
    ):
        latest.setdefault(staff_id, verdict)
    return latest

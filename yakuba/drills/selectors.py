"""Reads: which drills a user sees, the results in their scope, the per-recipient timeline.

Infosec and the auditor see every drill office-wide; a unit head sees the drills that
reached their units, and only those units' figures (`security.scope`, by the unit each
person was in at launch). Names appear only on the timeline (`VIEW_DRILL_RECIPIENTS`,
infosec), and every view of it is audited by the view.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from yakuba.accounts.roles import Capability
from yakuba.core.conf import setting
from yakuba.core.smallgroups import merge_small
from yakuba.drills.models import Drill, DrillRecipient, DrillTemplate, SendStatus
from yakuba.security.scope import sees_whole_office, units_in_scope


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can(Capability.MANAGE_DRILLS))


def can_see_recipients(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.can(Capability.VIEW_DRILL_RECIPIENTS)
        and sees_whole_office(user, Capability.VIEW_DRILL_RESULTS)
    )


def office_wide(user: Any) -> bool:
    return can_manage(user) or sees_whole_office(user, Capability.VIEW_DRILL_RESULTS)


def visible_drills(user: Any) -> QuerySet[Drill]:
    """Drills the user may open: all for infosec and the auditor; for a unit head the
    launched drills that were sent to someone in their units."""
    if office_wide(user):
        return Drill.objects.all()
    units = units_in_scope(user, Capability.VIEW_DRILL_RESULTS)
    reached = DrillRecipient.objects.filter(unit__in=units).values("drill_id")
    return Drill.objects.filter(launched_at__isnull=False, pk__in=reached)


def scoped_recipients(user: Any, drill: Drill) -> QuerySet[DrillRecipient]:
    rows = DrillRecipient.objects.filter(drill=drill)
    if office_wide(user):
        return rows
    return rows.filter(unit__in=units_in_scope(user, Capability.VIEW_DRILL_RESULTS))


def templates() -> QuerySet[DrillTemplate]:
    return DrillTemplate.objects.all()


# --- results -------------------------------------------------------------------------------


@dataclass
class Tally:
    label: str
    unit_code: str = ""
    recipients: int = 0
    delivered: int = 0
    opened: int = 0
    clicked: int = 0
    typed: int = 0
    reported: int = 0
    delays: list[float] = field(default_factory=list)  # seconds from delivery to report

    def add(self, row: dict[str, Any]) -> None:
        self.recipients += 1
        if row["delivered_at"] is None:
            return
        self.delivered += 1
        clicked = row["clicked_at"] is not None
        typed = row["typed_at"] is not None
        # A click (or typing) means the mail was opened even when its image was blocked.
        self.opened += row["opened_at"] is not None or clicked or typed
        self.clicked += clicked
        self.typed += typed
        if row["reported_at"] is not None:
            self.reported += 1
            self.delays.append(max(0.0, (row["reported_at"] - row["delivered_at"]).total_seconds()))

    def rate(self, count: int) -> float | None:
        return round(100.0 * count / self.delivered, 1) if self.delivered else None

    @property
    def opened_rate(self) -> float | None:
        return self.rate(self.opened)

    @property
    def clicked_rate(self) -> float | None:
        return self.rate(self.clicked)

    @property
    def typed_rate(self) -> float | None:
        return self.rate(self.typed)

    @property
    def reported_rate(self) -> float | None:
        return self.rate(self.reported)

    @property
    def first_report(self) -> dt.timedelta | None:
        return dt.timedelta(seconds=min(self.delays)) if self.delays else None

    @property
    def median_report(self) -> dt.timedelta | None:
        return dt.timedelta(seconds=statistics.median(self.delays)) if self.delays else None


@dataclass
class Results:
    total: Tally
    units: list[Tally]
    fake_form: bool
    # Scoped views only: units below the minimum group merged into one row (or left out when
    # still too small), and whether the figures are withheld altogether.
    merged_units: int = 0
    withheld: bool = False


def min_group() -> int:
    """Fewest recipients a unit head's figures may describe (DRILL_RESULTS_MIN_GROUP):
    below it, rates would tell who clicked in a two-person section."""
    return max(1, int(setting("DRILL_RESULTS_MIN_GROUP", 5)))


def _small_groups_merged(units: list[Tally], total: Tally) -> tuple[list[Tally], int, bool]:
    """The small-group rule of `yakuba.core.smallgroups.merge_small`: units under the
    minimum merged into "その他" — grown with the smallest unit when still too small, so
    that the total minus the rows shown never reads a small group."""
    from django.utils.translation import gettext as _

    k = min_group()
    rule = merge_small({i: t.recipients for i, t in enumerate(units)}, k)
    if rule.withheld or total.recipients < k:
        return [], 0, True
    kept = [units[i] for i in rule.shown]
    if not rule.other:
        return kept, 0, False
    other = Tally(_("その他（%(k)s人未満の所属をまとめて表示）") % {"k": k}, "~")
    for t in (units[i] for i in rule.other):
        for name in ("recipients", "delivered", "opened", "clicked", "typed", "reported"):
            setattr(other, name, getattr(other, name) + getattr(t, name))
        other.delays += t.delays
    return [*kept, other], len(rule.other), False


RESULT_COLUMNS = (
    "unit_id",
    "unit__name",
    "unit__code",
    "delivered_at",
    "opened_at",
    "clicked_at",
    "typed_at",
    "reported_at",
)


def results(user: Any, drill: Drill) -> Results:
    """The drill's figures in the user's scope, in total and per unit (one query)."""
    from django.utils.translation import gettext as _

    total = Tally(_("合計"))
    by_unit: dict[int | None, Tally] = {}
    for row in scoped_recipients(user, drill).values(*RESULT_COLUMNS).iterator(2000):
        unit = by_unit.get(row["unit_id"])
        if unit is None:
            unit = by_unit[row["unit_id"]] = Tally(
                row["unit__name"] or _("（所属なし）"), row["unit__code"] or ""
            )
        unit.add(row)
        total.add(row)
    units = sorted(by_unit.values(), key=lambda t: (t.unit_code, t.label))
    fake_form = bool(drill.content.get("fake_form"))
    if office_wide(user):
        return Results(total, units, fake_form)
    units, merged, withheld = _small_groups_merged(units, total)
    if withheld:
        return Results(Tally(total.label), [], fake_form, withheld=True)
    return Results(total, units, fake_form, merged_units=merged)


@dataclass
class Sending:
    counts: dict[str, int]
    problems: list[DrillRecipient]

    @property
    def needs_attention(self) -> int:
        return self.counts.get(SendStatus.FAILED, 0) + self.counts.get(SendStatus.UNKNOWN, 0)

    def rows(self) -> list[tuple[str, str, int]]:
        return [(s.value, str(s.label), self.counts.get(s.value, 0)) for s in SendStatus]


def sending(drill: Drill, problem_limit: int = 100) -> Sending:
    """Sending progress for infosec: counts by state and the mails that need a look."""
    counts = dict(
        DrillRecipient.objects.filter(drill=drill)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    problems = list(
        DrillRecipient.objects.filter(drill=drill)
        .filter(
            Q(status__in=(SendStatus.FAILED, SendStatus.UNKNOWN)) | Q(status=SendStatus.RETRYING)
        )
        .select_related("staff", "unit")
        .order_by("status", "pk")[:problem_limit]
    )
    return Sending(counts, problems)


def timeline(drill: Drill) -> QuerySet[DrillRecipient]:
    return (
        DrillRecipient.objects.filter(drill=drill)
        .select_related("staff", "unit")
        .order_by("unit__code", "staff__name_kana", "pk")
    )

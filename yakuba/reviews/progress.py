"""Progress and effect of a review round, by department (the office dashboard), and the
effect the evidence report reads (`effect_summary`).

Everything is counted in the database: one grouped query for the statuses, one for the
decided outcomes (with the annual counts of the procedures behind them), one for the
decided meeting outcomes (with each series' measured figures), plus the departments and
the assumptions — the same number of queries for 100 items or 20,000
(``tests/test_progress.py`` checks it). Only 決定 and 実施済 items count as reviewed.

Hours saved per year:

* a procedure: annual count × minutes saved per case of the outcome's category
  (`OutcomeAssumption`, editable by the planning unit, shown next to the figure), for
  each track's outcome;
* a meeting series: meetings per year × participants × the minutes saved per participant
  and meeting — the whole meeting when it is abolished or replaced by a report, else the
  category's assumption (at most the meeting's length). The cost saved is the series'
  annual staff cost (measured by the inventory: participants × duration × hourly rate per
  position level) in the same proportion.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from yakuba.org.models import Unit
from yakuba.reviews.models import (
    CriteriaVersion,
    OutcomeAssumption,
    OutcomeEffect,
    Review,
    ReviewRound,
    ReviewStatus,
    ReviewTrack,
)

DONE = (ReviewStatus.DECIDED, ReviewStatus.IMPLEMENTED)
OPEN = (ReviewStatus.NOT_STARTED, ReviewStatus.ANSWERING, ReviewStatus.SUBMITTED)
STATUSES = tuple(ReviewStatus)

#: Categories whose count the dashboard shows as its own column, in order.
PROCEDURE_EFFECTS = (
    ("seal_abolished", _("押印廃止")),
    ("seal_substituted", _("署名等に代替")),
    ("online", _("オンライン化")),
    ("paper_simplified", _("書面の簡素化")),
    ("no_visit", _("来庁不要")),
    ("by_appointment", _("予約制")),
    ("attachment_omitted", _("添付省略")),
)
MEETING_EFFECTS = (
    ("meeting_abolished", _("廃止")),
    ("meeting_report_instead", _("報告に代替")),
    ("meeting_merged", _("統合")),
    ("meeting_fewer_participants", _("参加者の削減")),
    ("meeting_shortened", _("時間短縮")),
    ("meeting_online", _("オンライン開催")),
)
#: Meeting outcomes that save the whole meeting.
WHOLE_MEETING = frozenset({"meeting_abolished", "meeting_report_instead"})
#: In-person steps removed: no visit needed any more (来庁不要).
IN_PERSON_REMOVED = frozenset({"no_visit"})


@dataclass
class DepartmentRow:
    """One department of the dashboard (or the office total, ``unit`` None)."""

    unit: Unit | None
    name: str
    statuses: dict[str, int] = field(default_factory=dict)
    items: int = 0
    sealed_done: int = 0
    overdue: int = 0
    effects: dict[str, int] = field(default_factory=dict)
    blocked: int = 0
    procedure_hours: float = 0.0
    meeting_hours: float = 0.0
    meeting_cost_yen: int = 0

    @property
    def reviewed(self) -> int:
        return sum(self.statuses.get(s, 0) for s in DONE)

    @property
    def reviewed_percent(self) -> float | None:
        return round(self.reviewed / self.items * 100, 1) if self.items else None

    @property
    def seal_abolished_percent(self) -> float | None:
        if not self.sealed_done:
            return None
        return round(self.effects.get("seal_abolished", 0) / self.sealed_done * 100, 1)

    @property
    def in_person_removed(self) -> int:
        return sum(self.effects.get(c, 0) for c in IN_PERSON_REMOVED)

    @property
    def hours_saved(self) -> float:
        return round(self.procedure_hours + self.meeting_hours, 1)

    def status_list(self) -> list[int]:
        return [self.statuses.get(s, 0) for s in STATUSES]

    def add(self, other: DepartmentRow) -> None:
        for key, n in other.statuses.items():
            self.statuses[key] = self.statuses.get(key, 0) + n
        for key, n in other.effects.items():
            self.effects[key] = self.effects.get(key, 0) + n
        self.items += other.items
        self.sealed_done += other.sealed_done
        self.overdue += other.overdue
        self.blocked += other.blocked
        self.procedure_hours += other.procedure_hours
        self.meeting_hours += other.meeting_hours
        self.meeting_cost_yen += other.meeting_cost_yen


@dataclass(frozen=True)
class Assumption:
    effect: str
    label: str
    minutes: int
    basis: str


@dataclass
class Dashboard:
    round: ReviewRound | None
    rows: list[DepartmentRow]
    total: DepartmentRow
    assumptions: list[Assumption]
    overdue_applies: bool


def assumptions() -> dict[str, Assumption]:
    """The minutes saved per case of each effect (one query)."""
    labels = dict(OutcomeEffect.choices)
    return {
        a.effect: Assumption(
            a.effect, str(labels.get(a.effect, a.effect)), a.minutes_saved_per_case, a.basis
        )
        for a in OutcomeAssumption.objects.order_by("effect")
    }


def meeting_minutes_saved(category: str, assumed: int | None, average_minutes: Any) -> float:
    """Minutes saved per participant and meeting for a series' outcome."""
    length = float(average_minutes or 0)
    if category in WHOLE_MEETING:
        return length
    if assumed is None:
        return 0.0
    return min(float(assumed), length) if length else float(assumed)


def _seal_tracks() -> set[str]:
    """Keys of the tracks that apply to procedures asking for a seal (``applies_if`` seal):
    a decided review has one row on such a track exactly when its procedure asks for a seal
    or signature (one query over the criteria versions, a handful of rows)."""
    from yakuba.reviews.criteria_access import Definition

    return {
        t.key
        for definition in CriteriaVersion.objects.values_list("definition", flat=True)
        for t in Definition(definition).tracks
        if t.applies_if == "seal"
    }


def _prefixed(q: Q, prefix: str) -> Q:
    """``q`` (on Review fields) as a filter on a model that reaches Review by ``prefix``."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    children: list[Any] = list(q.children)
    for child in children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            key, value = child
            out.children.append((f"{prefix}{key}", value))
    return out


def build(
    where: Q,
    *,
    departments: Sequence[Unit] | None,
    today: dt.date,
    review_round: ReviewRound | None = None,
) -> Dashboard:
    """The dashboard of the reviews matching ``where`` (a filter on Review: one round, or
    those decided in a period), for ``departments`` (None: every department) — six
    queries whatever the size. The tracks are filtered by joining their review (not by a
    subquery of review ids), which keeps the grouped reads fast on both databases."""
    if departments is not None:
        where &= Q(department__in=[d.pk for d in departments])
    reviews = Review.objects.filter(where)
    by_dept: dict[int | None, DepartmentRow] = {}

    def row(dept_id: int | None) -> DepartmentRow:
        if dept_id not in by_dept:
            by_dept[dept_id] = DepartmentRow(None, "")
        return by_dept[dept_id]

    status_rows = (
        reviews.values("department_id", "status", "round_id").annotate(n=Count("pk")).order_by()
    )
    due = {review_round.pk: review_round.due_on} if review_round is not None else {}
    for r in status_rows:
        target = row(r["department_id"])
        target.statuses[r["status"]] = target.statuses.get(r["status"], 0) + r["n"]
        target.items += r["n"]
        if r["status"] not in DONE and r["round_id"] in due and due[r["round_id"]] < today:
            target.overdue += r["n"]
    done = _prefixed(where, "review__") & Q(review__status__in=DONE)
    assumed = assumptions()
    outcome_rows = (
        ReviewTrack.objects.filter(done, review__procedure__isnull=False)
        .exclude(effect="")
        .values("review__department_id", "track", "effect")
        .annotate(n=Count("pk"), cases=Sum("review__procedure__annual_count"))
        .order_by()
    )
    seal_tracks = _seal_tracks()
    for orow in outcome_rows:
        target = row(orow["review__department_id"])
        effect = orow["effect"]
        if orow["track"] in seal_tracks:  # one row per decided procedure asking for a seal
            target.sealed_done += orow["n"]
        target.effects[effect] = target.effects.get(effect, 0) + orow["n"]
        if effect == OutcomeEffect.KEPT_BY_LAW:
            target.blocked += orow["n"]
        a = assumed.get(effect)
        if a is not None and orow["cases"]:
            target.procedure_hours += float(orow["cases"]) * a.minutes / 60
    meeting_rows = (
        ReviewTrack.objects.filter(done, review__meeting_series__isnull=False)
        .exclude(effect="")
        .values(
            "review__department_id",
            "effect",
            "review__meeting_series__meetings_per_year",
            "review__meeting_series__avg_minutes",
            "review__meeting_series__avg_participants",
            "review__meeting_series__cost_per_year_yen",
        )
        .order_by()
    )
    for mrow in meeting_rows:
        target = row(mrow["review__department_id"])
        effect = mrow["effect"]
        target.effects[effect] = target.effects.get(effect, 0) + 1
        if effect == OutcomeEffect.KEPT_BY_LAW:
            target.blocked += 1
        a = assumed.get(effect)
        length = mrow["review__meeting_series__avg_minutes"]
        saved = meeting_minutes_saved(effect, a.minutes if a else None, length)
        per_year = float(mrow["review__meeting_series__meetings_per_year"] or 0)
        people = float(mrow["review__meeting_series__avg_participants"] or 0)
        target.meeting_hours += per_year * people * saved / 60
        cost = mrow["review__meeting_series__cost_per_year_yen"]
        if cost and length:
            target.meeting_cost_yen += round(cost * min(1.0, saved / float(length)))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in by_dept if k is not None])}
    rows = []
    for dept_id, dept_row in by_dept.items():
        unit = units.get(dept_id) if dept_id is not None else None
        dept_row.unit = unit
        dept_row.name = unit.name if unit is not None else str(_("（部の設定なし）"))
        dept_row.procedure_hours = round(dept_row.procedure_hours, 1)
        dept_row.meeting_hours = round(dept_row.meeting_hours, 1)
        rows.append(dept_row)
    rows.sort(
        key=lambda r: (
            r.unit is None,
            r.unit.sort_order if r.unit else 0,
            r.unit.path if r.unit else "",
        )
    )
    total = DepartmentRow(None, str(_("合計")))
    for dept_row in rows:
        total.add(dept_row)
    total.procedure_hours = round(total.procedure_hours, 1)
    total.meeting_hours = round(total.meeting_hours, 1)
    return Dashboard(
        round=review_round,
        rows=rows,
        total=total,
        assumptions=list(assumed.values()),
        overdue_applies=review_round is not None and review_round.due_on < today,
    )


def round_dashboard(
    review_round: ReviewRound, *, departments: Sequence[Unit] | None, today: dt.date
) -> Dashboard:
    return build(
        Q(round_id=review_round.pk),
        departments=departments,
        today=today,
        review_round=review_round,
    )


# --- blocked by law ------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockedLine:
    department: str
    unit: str
    item: str
    form: str
    track: str
    outcome: str
    legal_basis: str
    legal_article: str
    round: str


def blocked_lines(reviews: Any, departments: Sequence[Unit] | None = None) -> list[BlockedLine]:
    """What remains because a law or ordinance requires it (for requests to the prefecture
    and the national government): decided outcomes blocked by law (two queries: the rows,
    and the criteria versions that name their tracks and outcomes)."""
    from yakuba.reviews.criteria_access import Definition

    if departments is not None:
        reviews = reviews.filter(department__in=[d.pk for d in departments])
    rows = list(
        ReviewTrack.objects.filter(
            effect=OutcomeEffect.KEPT_BY_LAW,
            review__in=reviews.filter(status__in=DONE).values("pk"),
        )
        .select_related(
            "review__department",
            "review__unit",
            "review__procedure",
            "review__meeting_series",
            "review__round",
        )
        .order_by("review__department__path", "review__unit__path", "review_id", "pk")
    )
    versions = {
        v.pk: Definition(v.definition)
        for v in CriteriaVersion.objects.filter(pk__in={t.review.criteria_version_id for t in rows})
    }
    lines = []
    for t in rows:
        r = t.review
        proc = r.procedure
        definition = versions.get(r.criteria_version_id)
        track = definition.track(t.track) if definition else None
        outcome = track.outcome(t.outcome) if track else None
        lines.append(
            BlockedLine(
                department=r.department.name if r.department else "",
                unit=r.unit.name,
                item=proc.name if proc else str(r.meeting_series),
                form=proc.form_name if proc else "",
                track=track.label if track else t.track,
                outcome=outcome.label if outcome else t.outcome,
                legal_basis=proc.legal_basis if proc else "",
                legal_article=t.article,
                round=r.round.name,
            )
        )
    return lines


# --- the evidence report's selector ------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """The effect of the reviews decided in a period (for the evidence report)."""

    items: int
    reviewed: int
    seal_abolished: int
    sealed_reviewed: int
    online: int
    in_person_removed: int
    attachments_omitted: int
    meetings_changed: int
    blocked_by_law: int
    hours_saved: float
    meeting_cost_yen: int
    rows: list[DepartmentRow]

    @property
    def seal_abolished_percent(self) -> float | None:
        if not self.sealed_reviewed:
            return None
        return round(self.seal_abolished / self.sealed_reviewed * 100, 1)


def effect_summary(
    *, start: dt.date, end: dt.date, unit_ids: Iterable[int] | None = None
) -> Effect:
    """Reviews approved from ``start`` to ``end`` (both included), optionally only those
    of ``unit_ids`` (or below them, by owning unit): counts and the yearly savings."""
    where = Q(decided_at__date__gte=start, decided_at__date__lte=end)
    if unit_ids is not None:
        paths = list(Unit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True))
        match = Q(pk__in=[])
        for path in paths:
            match |= Q(unit__path__startswith=path)
        where &= match
    board = build(where, departments=None, today=end)
    t = board.total
    return Effect(
        items=t.items,
        reviewed=t.reviewed,
        seal_abolished=t.effects.get("seal_abolished", 0),
        sealed_reviewed=t.sealed_done,
        online=t.effects.get("online", 0),
        in_person_removed=t.in_person_removed,
        attachments_omitted=t.effects.get("attachment_omitted", 0),
        meetings_changed=sum(t.effects.get(c, 0) for c, _label in MEETING_EFFECTS),
        blocked_by_law=t.blocked,
        hours_saved=t.hours_saved,
        meeting_cost_yen=t.meeting_cost_yen,
        rows=board.rows,
    )


def group_counts(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for key, n in lines:
        out[key] += n
    return dict(out)

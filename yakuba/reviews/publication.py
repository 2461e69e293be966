"""The published list of review results (見直し結果の公表) and the internal change list.

The list has the layout municipalities publish (one row per procedure or form: 番号, 部,
担当課, 手続名, 様式名, 根拠法令等, 見直し前, 見直し後, 見直し日, 実施日) — as .xlsx and CSV
(`core.tabular`: formula-like cells neutralised) and as an accessible HTML page: one table
with a caption and header cells (``scope``), readable on a phone (each row becomes a card
whose cells carry their column name) and printable (A4, header row repeated). Only
decided (決定・実施済) procedure reviews are published; meeting reviews are internal.

The downloaded HTML file is self-contained (its stylesheet inline) for the city's web team;
inside the application the same body is shown under ``reviews/publication.css`` (our CSP
forbids inline styles). The list is always in Japanese, whatever the publisher's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from yakuba.reviews.criteria_access import Definition
from yakuba.reviews.models import (
    ChangeTask,
    CriteriaVersion,
    OnlineAvailability,
    Review,
    ReviewStatus,
    ReviewTrack,
)

STYLESHEET = Path(__file__).resolve().parent / "static" / "reviews" / "publication.css"
DONE = (ReviewStatus.DECIDED, ReviewStatus.IMPLEMENTED)

HEADER = (
    "番号",
    "部",
    "担当課",
    "手続名",
    "様式名",
    "根拠法令等",
    "見直し前",
    "見直し後",
    "見直し日",
    "実施日",
)


@dataclass(frozen=True)
class Line:
    number: int
    department: str
    unit: str
    name: str
    form: str
    legal_basis: str
    before: str
    after: str
    decided_on: dt.date | None
    implemented_on: dt.date | None

    def cells(self) -> list[object]:
        return [
            self.number,
            self.department,
            self.unit,
            self.name,
            self.form,
            self.legal_basis,
            self.before,
            self.after,
            self.decided_on,
            self.implemented_on,
        ]


def before_text(procedure: Any) -> str:
    """What the procedure asked for before the review (from the inventory)."""
    parts = []
    if procedure.seal != "none":
        parts.append(f"押印等：{procedure.get_seal_display()}")
    if procedure.paper and procedure.online != OnlineAvailability.FULL:
        parts.append("書面での提出")
    if procedure.in_person:
        parts.append("来庁が必要")
    if procedure.attachments.strip():
        parts.append(f"添付書類：{' '.join(procedure.attachments.split())}")
    if procedure.online != OnlineAvailability.NONE:
        parts.append(f"オンライン申請：{procedure.get_online_display()}")
    return "／".join(parts) or "―"


def after_text(tracks: Iterable[ReviewTrack], definition: Definition | None) -> str:
    """Each track's result, "観点：結果" (labels from the criteria version used)."""
    parts = []
    for t in tracks:
        if not t.outcome:
            continue
        track = definition.track(t.track) if definition else None
        outcome = track.outcome(t.outcome) if track else None
        parts.append(
            f"{track.label if track else t.track}：{outcome.label if outcome else t.outcome}"
        )
    return "／".join(parts) or "―"


def decided_reviews(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return (
        reviews.filter(status__in=DONE, procedure__isnull=False)
        .select_related("procedure", "unit", "department")
        .prefetch_related(Prefetch("tracks", queryset=ReviewTrack.objects.order_by("pk")))
        .order_by("department__path", "unit__path", "procedure__procedure_id", "pk")
    )


def lines(reviews: QuerySet[Review]) -> list[Line]:
    """The published rows (three queries: reviews, their tracks, the criteria versions)."""
    with translation.override("ja"):
        decided = list(decided_reviews(reviews))
        versions = {
            v.pk: Definition(v.definition)
            for v in CriteriaVersion.objects.filter(pk__in={r.criteria_version_id for r in decided})
        }
        out = []
        for n, r in enumerate(decided, start=1):
            p = r.procedure
            assert p is not None
            out.append(
                Line(
                    number=n,
                    department=r.department.name if r.department else "",
                    unit=r.unit.name,
                    name=p.name,
                    form=p.form_name,
                    legal_basis=p.legal_basis,
                    before=before_text(p),
                    after=after_text(r.tracks.all(), versions.get(r.criteria_version_id)),
                    decided_on=timezone.localdate(r.decided_at) if r.decided_at else None,
                    implemented_on=r.implemented_on,
                )
            )
        return out


def rows(items: Sequence[Line]) -> list[list[object]]:
    return [line.cells() for line in items]


def render_body(items: Sequence[Line], *, title: str, page_date: dt.date) -> str:
    with translation.override("ja"):
        return render_to_string(
            "reviews/workflow/publication/body.html",
            {"lines": items, "title": title, "page_date": page_date, "header": HEADER},
        )


def render_document(body: str, *, title: str) -> str:
    with translation.override("ja"):
        return render_to_string(
            "reviews/workflow/publication/document.html",
            {"body": body, "title": title, "stylesheet": STYLESHEET.read_text(encoding="utf-8")},
        )


# --- the internal change list ------------------------------------------------------------

CHANGE_HEADER = ("部", "担当課", "手続・会議", "種類", "内容", "担当者", "期限", "完了日")


def change_tasks(tasks: QuerySet[ChangeTask]) -> QuerySet[ChangeTask]:
    return tasks.select_related(
        "review__department",
        "review__unit",
        "review__procedure",
        "review__meeting_series",
        "owner",
    ).order_by("review__department__path", "review__unit__path", "review_id", "pk")


def change_sheets(
    tasks: QuerySet[ChangeTask],
) -> list[tuple[str, Sequence[str], list[list[object]]]]:
    """One sheet per department (sheet names are unique and at most 31 characters)."""
    with translation.override("ja"):
        by_dept: dict[str, list[list[object]]] = {}
        for t in change_tasks(tasks):
            r = t.review
            dept = r.department.name if r.department else "（部なし）"
            item = r.procedure.name if r.procedure else str(r.meeting_series)
            by_dept.setdefault(dept, []).append(
                [
                    dept,
                    r.unit.name,
                    item,
                    t.get_kind_display(),
                    t.description,
                    t.owner.name if t.owner else "",
                    t.due_on,
                    timezone.localdate(t.done_at) if t.done_at else None,
                ]
            )
    sheets: list[tuple[str, Sequence[str], list[list[object]]]] = []
    used: set[str] = set()
    for dept, body in by_dept.items():
        name = _sheet_name(dept, used)
        sheets.append((name, CHANGE_HEADER, body))
    if not sheets:
        sheets.append(("変更作業", CHANGE_HEADER, []))
    return sheets


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(c for c in name if c not in "[]:*?/\\")[:28] or "部"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:26]}_{n}", n + 1
    used.add(candidate)
    return candidate

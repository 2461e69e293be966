"""「課題と対応策」, the evidence report's section on the register.

`compute` reads the register in two queries whatever its size (countermeasures with their
problem and units; problems still without a countermeasure) and hands plain `Line`s to
`summarise`, which tests call with small fixed data. The register names no person: a
problem is a title, an owner unit and a source.

The section shows the register as it stands when the report is generated (status now),
and, for the report period (and the comparison period), the countermeasures due in it and
those overdue at its end.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.core.charts import BLUE, Chart, Series
from yakuba.evaluation.sections import (
    Figure,
    Period,
    ReportRequest,
    ReportSection,
    SectionResult,
    Source,
    Table,
)
from yakuba.problems import sources
from yakuba.problems.models import OPEN_STATUSES, Countermeasure, Problem, Status

CODE = "problems"


@dataclass(frozen=True)
class Line:
    """One countermeasure of the register, or a problem without any (``status`` "")."""

    problem_id: int
    problem: str
    source: str
    problem_unit: str
    measure: str = ""
    measure_unit: str = ""
    due_on: dt.date | None = None
    status: str = ""
    closed_on: dt.date | None = None


def _overdue_at(line: Line, day: dt.date) -> bool:
    """Not done by the end of ``day`` though due before it (still open, or closed later)."""
    if line.due_on is None or not line.status or line.due_on >= day:
        return False
    if line.status in OPEN_STATUSES:
        return True
    return line.closed_on is not None and line.closed_on > day


def _due_in(lines: Sequence[Line], period: Period) -> list[Line]:
    return [x for x in lines if x.due_on is not None and x.due_on in period]


def _overdue_count(lines: Sequence[Line], period: Period, today: dt.date) -> int:
    day = min(period.end, today)
    return sum(1 for x in lines if x.due_on is not None and x.due_on >= period.start
               and _overdue_at(x, day))  # fmt: skip


def summarise(lines: Sequence[Line], request: ReportRequest, today: dt.date) -> SectionResult:
    """The section's figures and tables from the register's lines (no database)."""
    if not lines:
        return SectionResult(has_data=False)
    register = Source(_("課題と対応策の登録簿"), reverse("problems:list"))
    overdue_page = Source(
        _("課題と対応策の登録簿（期限超過）"), reverse("problems:list") + "?overdue=1"
    )
    measures = [x for x in lines if x.status]
    by_status = Counter(x.status for x in measures)
    comparison = request.comparison
    figures = [
        Figure("problems", _("課題"), len({x.problem_id for x in lines}), _("件"), source=register),
        Figure("countermeasures", _("対応策"), len(measures), _("件"), source=register),
        *(
            Figure(
                f"status_{s.value}", s.label, by_status.get(s.value, 0), _("件"), source=register
            )
            for s in Status
        ),
        Figure(
            "due_in_period",
            _("期間中に期限を迎える対応策"),
            len(_due_in(measures, request.period)),
            _("件"),
            comparison=len(_due_in(measures, comparison)) if comparison else None,
            source=register,
        ),
        Figure(
            "overdue_in_period",
            _("期間中に期限を過ぎて未了の対応策"),
            _overdue_count(measures, request.period, today),
            _("件"),
            comparison=_overdue_count(measures, comparison, today) if comparison else None,
            source=overdue_page,
            note=_(
                "期間中に期限を迎え、期間の終わり（または今日）までに対応済・見送りにならなかったもの"
            ),
        ),
    ]
    status_labels = [str(s.label) for s in Status]
    counts = [by_status.get(s.value, 0) for s in Status]
    register_rows = [
        [
            x.problem,
            x.source,
            x.problem_unit,
            x.measure or _("（対応策なし）"),
            x.measure_unit,
            x.due_on,
            str(Status(x.status).label) if x.status else "",
        ]
        for x in lines
    ]
    end = min(request.period.end, today)
    due_rows = [
        [
            x.problem,
            x.measure,
            x.measure_unit,
            x.due_on,
            str(Status(x.status).label),
            _("期限超過") if _overdue_at(x, end) else "",
        ]
        for x in sorted(_due_in(measures, request.period), key=lambda x: (x.due_on, x.problem_id))
    ]
    tables = [
        Table(
            "problems_register",
            _("課題と対応策"),
            [
                _("課題"),
                _("把握のきっかけ"),
                _("課題の担当所属"),
                _("対応策"),
                _("対応策の担当所属"),
                _("期限"),
                _("状況"),
            ],
            register_rows,
            source=register,
        ),
        Table(
            "problems_by_status",
            _("状況別の対応策数"),
            [_("状況"), _("件数")],
            [[label, n] for label, n in zip(status_labels, counts, strict=True)],
            source=register,
            chart=Chart(
                title=_("状況別の対応策数"),
                categories=status_labels,
                series=[Series(_("対応策数"), counts, BLUE)],
                unit=_("件"),
                chart_id="chart-problems-status",
            ),
        ),
        Table(
            "problems_due",
            _("期間中に期限を迎える対応策"),
            [_("課題"), _("対応策"), _("担当所属"), _("期限"), _("状況"), _("期限超過")],
            due_rows,
            source=overdue_page,
            note="" if due_rows else _("この期間に期限を迎える対応策はありません。"),
        ),
    ]
    return SectionResult(figures=figures, tables=tables)


def read_lines(unit_ids: frozenset[int] | None = None) -> list[Line]:
    """The register as `Line`s (two queries), limited to ``unit_ids`` when given (a problem
    or countermeasure owned by one of them)."""
    measures = Countermeasure.objects.select_related("problem__unit", "unit").order_by(
        "problem__created_at", "problem_id", "order", "pk"
    )
    bare = Problem.objects.filter(countermeasures__isnull=True).select_related("unit")
    if unit_ids is not None:
        measures = measures.filter(Q(unit_id__in=unit_ids) | Q(problem__unit_id__in=unit_ids))
        bare = bare.filter(unit_id__in=unit_ids)
    lines = []
    for c in measures:
        p = c.problem
        lines.append(
            Line(
                problem_id=p.pk,
                problem=p.title,
                source=sources.describe(p.source_kind, p.source_id, p.source_key, p.source_label),
                problem_unit=p.unit.name,
                measure=c.description,
                measure_unit=c.unit.name,
                due_on=c.due_on,
                status=c.status,
                closed_on=timezone.localdate(c.closed_at) if c.closed_at else None,
            )
        )
    for p in bare.order_by("created_at", "pk"):
        lines.append(
            Line(
                problem_id=p.pk,
                problem=p.title,
                source=sources.describe(p.source_kind, p.source_id, p.source_key, p.source_label),
                problem_unit=p.unit.name,
            )
        )
    return lines


def compute(request: ReportRequest) -> SectionResult:
    return summarise(read_lines(request.unit_ids), request, timezone.localdate())


SECTION = ReportSection(
    code=CODE,
    title=gettext_lazy("課題と対応策"),
    order=80,
    compute=compute,
    intro=gettext_lazy(
        "在宅勤務で見つかった課題と、その対応策の担当所属・期限・状況です（報告の作成時点）。"
        "報告期間に期限を迎えた対応策と、期限を過ぎて未了のものも示します。"
    ),
    tags=frozenset({"problems"}),
)

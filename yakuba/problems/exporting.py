"""The register as .xlsx: one sheet of problems and countermeasures, one of the reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext as _

from yakuba.core.tabular import write_xlsx
from yakuba.problems import selectors, sources
from yakuba.problems.models import Problem, Status
from yakuba.problems.periods import fiscal_year_label


def _period(problem: Problem) -> str:
    if problem.fiscal_year:
        return fiscal_year_label(problem.fiscal_year)
    if problem.period_start or problem.period_end:
        start = problem.period_start.isoformat() if problem.period_start else ""
        end = problem.period_end.isoformat() if problem.period_end else ""
        return f"{start}〜{end}"
    return ""


def to_xlsx(problems: Sequence[Problem], today: dt.date) -> bytes:
    """``problems`` with their countermeasures prefetched (`selectors.register_rows`)."""
    register_header = [
        _("課題番号"), _("課題"), _("内容"), _("課題の担当所属"), _("把握のきっかけ"),
        _("把握した期間"), _("対応策"), _("対応策の担当所属"), _("期限"), _("状況"),
        _("期限超過"), _("見送りの理由"), _("完了日"),
    ]  # fmt: skip
    rows: list[list[object]] = []
    for p in problems:
        source = sources.describe(p.source_kind, p.source_id, p.source_key, p.source_label)
        head = [p.pk, p.title, p.description, p.unit.name, source, _period(p)]
        measures = list(p.countermeasures.all())
        if not measures:
            rows.append([*head, _("（対応策なし）"), "", None, "", "", "", None])
        for c in measures:
            rows.append(
                [
                    *head,
                    c.description,
                    c.unit.name,
                    c.due_on,
                    str(Status(c.status).label),
                    _("期限超過") if c.is_overdue(today) else "",
                    c.reason,
                    c.closed_at.date() if c.closed_at else None,
                ]
            )
    review_header = [
        _("点検の期間"), _("開始"), _("終了"), _("課題番号"), _("課題"), _("対応策"),
        _("担当所属"), _("点検時の状況"), _("点検時の期限"), _("点検の所見"), _("点検日"),
    ]  # fmt: skip
    reviews = [
        [
            r.period_label,
            r.period_start,
            r.period_end,
            r.problem_id,
            r.problem.title,
            r.countermeasure.description if r.countermeasure else _("（課題全体）"),
            r.countermeasure.unit.name if r.countermeasure else "",
            str(Status(r.status).label) if r.status else "",
            r.due_on,
            r.note,
            r.reviewed_on,
        ]
        for r in selectors.reviews_for([p.pk for p in problems])
    ]
    return write_xlsx(
        [(_("課題と対応策"), register_header, rows), (_("進捗の点検"), review_header, reviews)]
    )

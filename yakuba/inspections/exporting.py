"""The committee report as an .xlsx workbook (one sheet per part of the HTML page)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yakuba.core.tabular import write_xlsx
from yakuba.inspections.heatmap import Cell, CommitteeReport


def _cell(cell: Cell) -> str:
    if cell.percent is None:
        return "—"
    return f"{cell.percent}% ({cell.done}/{cell.applicable})"


def report_xlsx(report: CommitteeReport) -> bytes:
    hm = report.heatmap
    r = hm.round
    overall = hm.overall
    summary: list[list[object]] = [
        [_("自己点検"), r.title],
        [_("対象期間"), r.period_label],
        [_("開始日"), r.opens_on.isoformat()],
        [_("回答期限"), r.due_on.isoformat()],
        [_("対象者"), hm.sheets],
        [_("提出済み"), hm.submitted],
        [_("確認済み"), hm.confirmed],
        [_("「実施している」の割合"), _cell(overall)],
        [_("指摘事項（この点検）"), report.findings_total],
        [_("期限を過ぎた指摘事項"), len(report.overdue)],
        [_("前回以前からの未完了の指摘事項"), len(report.carried_over)],
        [_("作成日"), report.today.isoformat()],
    ]
    heat_header = (
        [_("所属"), _("対象者"), _("提出済み")]
        + [f"{c.checklist} / {c.code} {c.title}" for c in hm.columns]
        + [_("計")]
    )
    heat_rows = [
        [row.unit.name, row.sheets, row.submitted, *(_cell(c) for c in row.cells), _cell(row.total)]
        for row in hm.rows
    ]
    heat_rows.append(
        [_("全体"), hm.sheets, hm.submitted, *(_cell(c) for c in hm.totals), _cell(overall)]
    )
    finding_header = [
        _("点検"),
        _("所属"),
        _("項目コード"),
        _("点検項目"),
        _("担当者"),
        _("是正措置"),
        _("対応期限"),
        _("状態"),
    ]

    def finding_rows(findings: list) -> list[list[object]]:
        return [
            [
                f.round.title,
                f.unit.name,
                f.item.code,
                f.item.text,
                f.owner.name if f.owner else "",
                f.corrective_action,
                f.due_on.isoformat(),
                f.get_status_display(),
            ]
            for f in findings
        ]

    trend = report.trend
    trend_header = [_("区分")] + [t.period_label or t.title for t in trend.rounds]
    trend_rows = [[_("全体"), *(_cell(c) for c in trend.overall)]] + [
        [title, *(_cell(c) for c in cells)] for title, cells in trend.sections
    ]
    return write_xlsx(
        [
            (_("概要"), [_("項目"), _("値")], summary),
            (
                _("指摘事項の状態"),
                [_("状態"), _("件数")],
                [[label, n] for _s, label, n in report.findings_by_status],
            ),
            (_("ヒートマップ"), heat_header, heat_rows),
            (_("期限超過"), finding_header, finding_rows(report.overdue)),
            (_("前回からの未完了"), finding_header, finding_rows(report.carried_over)),
            (_("推移"), trend_header, trend_rows),
        ]
    )

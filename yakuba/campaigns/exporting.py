"""A campaign's progress as .xlsx: the units the reader may see, and — for readers who
see names (infosec, unit heads for their units) — the people past the due date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from yakuba.campaigns import selectors
from yakuba.campaigns.models import Campaign
from yakuba.core.downloads import download
from yakuba.core.tabular import XLSX_CONTENT_TYPE, write_xlsx


def sheets(
    user: Any, campaign: Campaign, today: dt.date
) -> list[tuple[str, list[str], list[list[object]]]]:
    progress = selectors.progress_by_unit(user, campaign, today)
    header = [
        _("所属"),
        _("対象者"),
        _("修了"),
        _("受講中"),
        _("未受講"),
        _("期限切れ"),
        _("修了率（%）"),
    ]
    rows: list[list[object]] = [
        [p.label, p.assigned, p.completed, p.in_progress, p.not_started, p.overdue, p.completed_pct]
        for p in progress.units
    ]
    t = progress.total
    rows.append(
        [
            _("合計"),
            t.assigned,
            t.completed,
            t.in_progress,
            t.not_started,
            t.overdue,
            t.completed_pct,
        ]
    )
    result = [(_("所属別"), header, rows)]
    if selectors.sees_names(user):
        overdue = selectors.overdue_people(user, campaign, today)
        result.append(
            (
                _("期限切れ"),
                [_("所属"), _("職員番号"), _("氏名"), _("期限"), _("受講開始")],
                [
                    [
                        a.staff.unit.name,
                        a.staff.staff_number,
                        a.staff.name,
                        a.due_on.isoformat() if a.due_on else "",
                        _("済") if a.started_at else _("未"),
                    ]
                    for a in overdue
                ],
            )
        )
    return result


def progress_download(user: Any, campaign: Campaign, today: dt.date) -> HttpResponse:
    built = sheets(user, campaign, today)
    return download(
        lambda: write_xlsx(built),
        filename=f"campaign-{campaign.pk}-{today.isoformat()}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        actor=user,
        object_type="campaigns.campaign",
        object_repr=f"campaign {campaign.pk} progress ({len(built)} sheets, xlsx)",
        changes={"campaign": campaign.pk, "names": len(built) > 1},
    )

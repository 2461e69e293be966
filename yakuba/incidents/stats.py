"""Incident statistics by month and category: the chart, its table and the .xlsx."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yakuba.core import charts
from yakuba.incidents.models import Category
from yakuba.incidents.selectors import MonthRow


def month_label(row: MonthRow) -> str:
    return row.month.strftime("%Y-%m")


def _short_labels() -> dict[str, str]:
    """Legend labels short enough for six categories on one line (full ones in the table
    and in each bar's title)."""
    return {
        Category.LOST_DEVICE: pgettext("incident category, short", "紛失"),
        Category.MISSENT: pgettext("incident category, short", "誤送信"),
        Category.SUSPICIOUS_MAIL: pgettext("incident category, short", "不審なメール"),
        Category.VIRUS: pgettext("incident category, short", "ウイルス"),
        Category.UNAUTHORISED_ACCESS: pgettext("incident category, short", "不正アクセス"),
        Category.OTHER: pgettext("incident category, short", "その他"),
    }


def chart(rows: Sequence[MonthRow]) -> SafeString:
    """Stacked bars per month, one colour and legend entry per category; every bar
    has a title listing each category's count (read by screen readers)."""
    categories = list(Category)
    short = _short_labels()
    # A top that is a multiple of 4 keeps the four grid steps on whole numbers of reports.
    top = max((r.total for r in rows), default=0)
    y_max = max(4, 4 * math.ceil(top / 4))
    return charts.bar_chart(
        charts.Chart(
            title=_("月別・種類別のインシデント報告件数"),
            description=_("%(first)s から %(last)s までの報告件数を、種類ごとに積み上げています。")
            % {"first": month_label(rows[0]), "last": month_label(rows[-1])}
            if rows
            else "",
            categories=[month_label(r) for r in rows],
            series=[charts.Series(short[c], [r.counts[c.value] for r in rows]) for c in categories],
            y_max=y_max,
            unit=_("件"),
            point_titles=[
                _("%(month)s：計 %(total)s 件（%(parts)s）")
                % {
                    "month": month_label(r),
                    "total": r.total,
                    "parts": "、".join(
                        f"{c.label} {r.counts[c.value]}" for c in categories if r.counts[c.value]
                    )
                    or "—",
                }
                for r in rows
            ],
            chart_id="incident-stats",
            label_every=1,
        ),
        stacked=True,
    )


def header() -> list[str]:
    return [
        _("月"),
        *(str(c.label) for c in Category),
        _("合計"),
        _("うち個人情報に関わるもの"),
    ]


def table_rows(rows: Sequence[MonthRow]) -> list[list[object]]:
    return [
        [month_label(r), *(r.counts[c.value] for c in Category), r.total, r.personal_data]
        for r in rows
    ]

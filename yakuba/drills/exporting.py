"""The results of one drill as .xlsx: the total and one row per unit (no names)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yakuba.core.tabular import write_xlsx
from yakuba.drills.models import Drill
from yakuba.drills.selectors import Results, Tally


def minutes(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 60, 1) if value is not None else None


def header() -> list[str]:
    return [
        _("所属"),
        pgettext("drill", "対象"),
        pgettext("drill", "配信"),
        _("開封"),
        _("開封率（%）"),
        _("クリック"),
        _("クリック率（%）"),
        _("入力"),
        _("入力率（%）"),
        pgettext("drill", "報告"),
        _("報告率（%）"),
        _("最初の報告まで（分）"),
        _("報告までの中央値（分）"),
    ]


def row(tally: Tally) -> list[object]:
    return [
        tally.label,
        tally.recipients,
        tally.delivered,
        tally.opened,
        tally.opened_rate,
        tally.clicked,
        tally.clicked_rate,
        tally.typed,
        tally.typed_rate,
        tally.reported,
        tally.reported_rate,
        minutes(tally.first_report),
        minutes(tally.median_report),
    ]


def results_xlsx(drill: Drill, results: Results) -> bytes:
    rows = [] if results.withheld else [row(t) for t in results.units] + [row(results.total)]
    return write_xlsx([(_("訓練メールの結果")[:31], header(), rows)])

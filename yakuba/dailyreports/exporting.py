"""Reports as .xlsx or CSV (UTF-8 with BOM, for Excel) for a date range."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from yakuba.core.tabular import write_csv, write_xlsx
from yakuba.dailyreports.models import Report


def _header() -> list[str]:
    return [
        _("日付"),
        _("所属"),
        _("職員番号"),
        _("氏名"),
        _("勤務場所"),
        _("提出日時"),
        _("遅れて提出"),
        _("回答"),
    ]


def _rows(reports: Iterable[Report]) -> Iterable[list[object]]:
    for r in reports:
        yield [
            r.date.isoformat(),
            r.unit.name,
            r.staff.staff_number,
            r.staff.name,
            r.get_work_place_display(),
            r.submitted_at.isoformat(timespec="minutes") if r.submitted_at else "",
            _("はい") if r.late else "",
            "\n".join(f"{a['q']}: {a['a']}" for a in r.answers if a.get("a")),
        ]


def to_csv(reports: Iterable[Report]) -> bytes:
    return write_csv(_header(), _rows(reports))


def to_xlsx(reports: Iterable[Report]) -> bytes:
    return write_xlsx([(_("朝の業務報告"), _header(), _rows(reports))])

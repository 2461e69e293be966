"""The monthly licence report as .xlsx (Japanese headers; formula-like text neutralised)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yakuba.core.tabular import write_xlsx
from yakuba.licences.report import LicenceReport


def _names(staff: list) -> str:
    return "、".join(s.name for s in staff)


def to_xlsx(report: LicenceReport) -> bytes:
    month = report.month.strftime("%Y-%m")
    summary_rows = []
    for p in report.platforms:
        summary_rows.append(
            [
                month,
                p.label,
                p.held,
                p.peak if p.measured else None,
                p.peak_at.strftime("%Y-%m-%d %H:%M") if p.peak_at else "",
                p.days_at_peak,
                p.margin,
                p.needed if p.measured else None,
                p.surplus if p.measured else None,
                len(p.idle),
                "、".join(u.licence.name for u in p.idle),
                p.monthly_cost,
                p.saving,
                p.meetings,
                p.hours,
                sum(h.meetings for h in p.unlicensed),
            ]
        )
    licence_rows = [
        [
            u.licence.name,
            p.label,
            u.licence.get_kind_display(),
            _names(u.holders),
            u.licence.monthly_cost,
            u.meetings,
            u.hours,
            u.peak,
            (_("未割り当て") if not u.holders else _("休眠")) if u.idle else _("利用あり"),
            u.licence.valid_from,
            u.licence.valid_to,
        ]
        for p in report.platforms
        for u in p.licences
    ]
    day_rows = [
        [
            d.date,
            p.label,
            d.peak,
            d.at.strftime("%H:%M") if d.at else "",
            p.held,
            p.needed,
        ]
        for p in report.platforms
        if p.measured
        for d in p.days
    ]
    unlicensed_rows = [
        [
            p.label,
            h.staff.staff_number if h.staff else "",
            h.staff.name if h.staff else _("（ホスト未設定）"),
            h.staff.unit.name if h.staff else "",
            h.meetings,
            h.hours,
        ]
        for p in report.platforms
        for h in p.unlicensed
    ]
    return write_xlsx(
        [
            (
                _("推奨"),
                [
                    _("対象月"),
                    _("方式"),
                    _("保有数"),
                    _("最大同時開催数"),
                    _("最大となった日時"),
                    _("最大となった日数"),
                    _("余裕"),
                    _("必要数"),
                    _("過不足"),
                    _("休眠ライセンス数"),
                    _("休眠ライセンス"),
                    _("月額合計（円）"),
                    _("削減見込み（円／月）"),
                    _("会議数"),
                    _("会議時間（時間）"),
                    _("未保有ホストの会議数"),
                ],
                summary_rows,
            ),
            (
                _("ライセンス別"),
                [
                    _("名称・アカウント"),
                    _("方式"),
                    _("種類"),
                    _("保有者"),
                    _("月額（円）"),
                    _("ホストした会議数"),
                    _("会議時間（時間）"),
                    _("同時ホストの最大"),
                    _("状態"),
                    _("契約開始日"),
                    _("契約終了日"),
                ],
                licence_rows,
            ),
            (
                _("日ごとの同時開催"),
                [
                    _("日付"),
                    _("方式"),
                    _("同時開催の最大"),
                    _("最大となった時刻"),
                    _("保有数"),
                    _("必要数"),
                ],
                day_rows,
            ),
            (
                _("未保有のホスト"),
                [
                    _("方式"),
                    _("職員番号"),
                    _("氏名"),
                    _("所属"),
                    _("会議数"),
                    _("会議時間（時間）"),
                ],
                unlicensed_rows,
            ),
        ]
    )

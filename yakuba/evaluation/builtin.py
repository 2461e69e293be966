"""The evidence report's built-in sections: conditions, use, service continuity, ways of
working and security readiness.

Each section is two steps: ``*_facts(request)`` (`facts.py`) reads through the other apps'
selectors in a constant number of queries, and ``build_*(facts, request)`` here makes the
figures and tables from plain data — tests call the builders with small fixed facts.
Registered from `EvaluationConfig.ready()` (`register_builtin`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from yakuba.core.charts import Chart, Reference, Series
from yakuba.evaluation import facts as F
from yakuba.evaluation import sections
from yakuba.evaluation.grouping import Group, merge_small, min_group, rate
from yakuba.evaluation.sections import (
    Figure,
    Period,
    ReportRequest,
    ReportSection,
    SectionResult,
    Source,
    Table,
)

# ---------------------------------------------------------------- helpers


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def source_rosters() -> Source:
    return Source(_("公開済みの勤務表"), _url("rosters:period_list"))


def source_policy() -> Source:
    return Source(_("在宅勤務の実施要件と職員ごとの対象判定"), _url("rosters:policy_edit"))


def source_pools() -> Source:
    return Source(
        _("リモート接続枠（勤務表・予約・満席で断られた予約）"), _url("remoteseats:resource_list")
    )


def period_name(period: Period | None, fallback: str) -> str:
    if period is None:
        return fallback
    return period.label or f"{period.start:%Y/%m/%d}〜{period.end:%Y/%m/%d}"


def _names(request: ReportRequest) -> tuple[str, str]:
    """The short names of the periods in column headings (the report's heading says what
    they are): 「対象期間」 and 「比較期間」."""
    return _("対象期間"), _("比較期間")


def _legends(request: ReportRequest) -> tuple[str, str]:
    """The periods' own names, for chart legends."""
    return period_name(request.period, _("対象期間")), period_name(
        request.comparison, _("比較期間")
    )


def change(value: float | None, comparison: float | None) -> float | None:
    if value is None or comparison is None:
        return None
    return round(value - comparison, 1)


def _below_minimum(n: int) -> object:
    """A count small enough to point at people is shown as 「5人未満」, never as itself."""
    return n if n == 0 or n >= min_group() else _("%(n)s人未満") % {"n": min_group()}


def _merged_people(p: int, c: int | None) -> int:
    """A group is shown when it has enough people in each period where it has any."""
    if c is None or c == 0:
        return p
    if p == 0:
        return c
    return min(p, c)


# ---------------------------------------------------------------- 1. conditions


def build_conditions(f: F.ConditionsFacts, request: ReportRequest) -> SectionResult:
    p_name, c_name = _names(request)
    judged = f.eligibility
    if not judged:
        return SectionResult(has_data=False)
    has_c = f.comparison_days is not None
    eligible = {pk for pk, e in judged.items() if e.eligible}
    did_p = {pk for pk, d in f.telework_days.items() if d > 0 and pk in judged}
    did_c = {pk for pk, d in (f.comparison_days or {}).items() if d > 0 and pk in judged}
    src, policy = source_rosters(), source_policy()
    figures = [
        Figure(
            "judged",
            _("判定した職員"),
            len(judged),
            pgettext("unit of people", "人"),
            source=policy,
        ),
        Figure(
            "eligible",
            _("在宅勤務の対象者"),
            len(eligible),
            pgettext("unit of people", "人"),
            source=policy,
        ),
        Figure(
            "teleworked",
            _("在宅勤務をした職員"),
            len(did_p),
            pgettext("unit of people", "人"),
            comparison=len(did_c) if has_c else None,
            source=src,
        ),
        Figure(
            "teleworked_share",
            _("対象者のうち在宅勤務をした割合"),
            rate(len(did_p & eligible), len(eligible)),
            "%",
            comparison=rate(len(did_c & eligible), len(eligible)) if has_c else None,
            source=src,
        ),
    ]
    tables = [
        Table(
            "rules",
            _("在宅勤務の実施要件（所属別）"),
            [
                _("所属"),
                _("適用される要件"),
                _("対象の雇用区分"),
                _("個人情報を扱う業務の職員は対象外"),
                _("所属長の承認が必要"),
                _("在宅勤務の上限（日/週）"),
                _("出勤の下限（日/週）"),
            ],
            [
                [
                    r.group,
                    r.source,
                    r.employment_types,
                    _("はい") if r.exclude_personal_data else _("いいえ"),
                    _("はい") if r.requires_head_approval else _("いいえ"),
                    r.weekly_cap,
                    r.min_office_days,
                ]
                for r in f.rules
            ],
            source=policy,
        )
    ]
    columns = [
        _("人数"),
        _("在宅勤務の対象者"),
        _("在宅勤務をした人（%(p)s）") % {"p": p_name},
        _("対象者に占める割合（%(p)s, %%）") % {"p": p_name},
    ]
    if has_c:
        columns += [
            _("在宅勤務をした人（%(p)s）") % {"p": c_name},
            _("対象者に占める割合（%(p)s, %%）") % {"p": c_name},
        ]
    for key, title, attr in (
        ("by_unit", _("対象者と在宅勤務をした人（所属別）"), "group"),
        ("by_position", _("対象者と在宅勤務をした人（職名別）"), "position"),
        ("by_employment", _("対象者と在宅勤務をした人（雇用区分別）"), "employment_type"),
    ):
        groups: dict[str, Group] = {}
        for pk in judged:
            person = f.people.get(pk)
            if person is None:
                continue
            label = getattr(person, attr) or "—"
            g = groups.setdefault(label, Group(label, 0, [0.0, 0.0, 0.0]))
            g.people += 1
            g.values[0] += pk in eligible
            g.values[1] += pk in did_p and pk in eligible
            g.values[2] += pk in did_c and pk in eligible
        merged = merge_small(sorted(groups.values(), key=lambda g: g.label))
        rows: list[list[object]] = []
        for g in merged.groups:
            elig, p, c = (int(v) for v in g.values)
            row: list[object] = [g.label, g.people, elig, p, rate(p, elig)]
            if has_c:
                row += [c, rate(c, elig)]
            rows.append(row)
        chart = None
        if key == "by_unit" and rows:
            series = [Series(_legends(request)[0], [r[4] for r in rows])]  # type: ignore[misc]
            if has_c:
                series.append(Series(_legends(request)[1], [r[6] for r in rows]))  # type: ignore[misc]
            chart = Chart(
                title=str(title),
                categories=[str(r[0]) for r in rows],
                series=series,
                unit="%",
                y_max=100,
                description=_("所属ごとの、対象者のうち在宅勤務をした人の割合"),
                chart_id=f"chart-conditions-{key}",
            )
        tables.append(
            Table(
                key,
                title,
                [
                    {"group": _("所属"), "position": _("職名"), "employment_type": _("雇用区分")}[
                        attr
                    ],
                    *columns,
                ],
                rows,
                source=policy,
                chart=chart,
                note=_withheld_note(merged),
            )
        )
    reasons: dict[str, int] = defaultdict(int)
    for e in judged.values():
        for label in e.unmet:
            reasons[label] += 1
    tables.append(
        Table(
            "not_eligible_reasons",
            _("対象外となった理由（在宅勤務の対象判定）"),
            [_("満たしていない要件"), _("人数")],
            [
                [label, _below_minimum(n)]
                for label, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            source=policy,
            note=_("1人が複数の要件を満たしていないことがあります。"),
        )
    )
    paragraphs = [
        _(
            "対象の判定は、報告の作成時点の実施要件と職員の勤務条件によります（過去の時点の判定は記録されていません）。"
            "判定した職員は、各期間の公開済みの勤務表に載っている人です。"
        )
    ]
    return SectionResult(figures=figures, tables=tables, paragraphs=paragraphs)


def _withheld_note(merged: Any) -> str:
    if merged.withheld:
        return _("%(n)s人未満のため表示しません。") % {"n": min_group()}
    if merged.merged_groups:
        return _("%(n)s人未満の区分は「その他」にまとめています。") % {"n": min_group()}
    return ""


# ---------------------------------------------------------------- 2. use

MODES = ("telework", "satellite", "office", "counter", "off")


def mode_labels() -> dict[str, str]:
    return {
        "telework": _("在宅勤務"),
        "satellite": _("サテライト勤務"),
        "office": _("庁内勤務"),
        "counter": _("窓口"),
        "off": _("休み"),
    }


def access_labels() -> dict[str, str]:
    return {
        "vpn": _("VPN"),
        "lgwan": _("LGWANテレワーク"),
        "standalone": _("スタンドアロン（貸出端末のみ）"),
        "none": _("なし"),
    }


def mode_counts(cells: F.Cells, acts: Mapping[int, F.Activity]) -> dict[str, int]:
    counts = dict.fromkeys(MODES, 0)
    for act in cells.values():
        a = acts.get(act) if act is not None else None
        counts["off" if a is None else a.kind if a.kind in counts else "office"] += 1
    return counts


def _share(counts: Mapping[str, int], mode: str) -> float | None:
    working = sum(n for m, n in counts.items() if m != "off")
    return rate(counts.get(mode, 0), working)


def pool_days(
    pool: F.Pool, period: Period, use: F.UsePeriod
) -> list[tuple[dt.date, int, int, int]]:
    """(day, seats used, bookings refused, wishes not granted for lack of a seat)."""
    return [
        (
            day,
            use.pool_use.get((pool.id, day), 0),
            use.refused.get((pool.id, day), 0),
            use.unmet_wishes.get((pool.id, day), 0),
        )
        for day in F.days_of(period)
    ]


def pool_summary(pool: F.Pool, days: Sequence[tuple[dt.date, int, int, int]]) -> dict[str, int]:
    """Days used, peak, days full, refused, unmet wishes, and the seats that would have met
    the demand (the busiest day's seats used + refused + unmet)."""
    return {
        "days_used": sum(1 for _d, used, _r, _u in days if used),
        "peak": max((used for _d, used, _r, _u in days), default=0),
        "days_full": sum(1 for _d, used, _r, _u in days if used >= pool.capacity > 0),
        "refused": sum(r for _d, _used, r, _u in days),
        "unmet": sum(u for _d, _used, _r, u in days),
        "needed": max((used + r + u for _d, used, r, u in days), default=0),
    }


def build_use(f: F.UseFacts, request: ReportRequest) -> SectionResult:
    p_name, c_name = _names(request)
    comparison = f.comparison
    if (
        not f.period.cells
        and not (comparison and comparison.cells)
        and not any(f.period.pool_use.values())
    ):
        return SectionResult(has_data=False)
    src, pools_src = source_rosters(), source_pools()
    labels = mode_labels()
    p_counts = mode_counts(f.period.cells, f.activities)
    c_counts = mode_counts(comparison.cells, f.activities) if comparison else None
    figures = [
        Figure(
            "telework_days",
            _("在宅勤務の延べ日数"),
            p_counts["telework"],
            pgettext("unit of days", "日"),
            comparison=c_counts["telework"] if c_counts else None,
            source=src,
        ),
        Figure(
            "telework_share",
            _("勤務日に占める在宅勤務の割合"),
            _share(p_counts, "telework"),
            "%",
            comparison=_share(c_counts, "telework") if c_counts else None,
            source=src,
        ),
    ]
    header = [_("勤務形態"), _("%(p)s（日）") % {"p": p_name}, _("%(p)s（%%）") % {"p": p_name}]
    if c_counts:
        header += [
            _("%(p)s（日）") % {"p": c_name},
            _("%(p)s（%%）") % {"p": c_name},
            _("増減（日）"),
        ]
    total_p = sum(p_counts.values())
    total_c = sum(c_counts.values()) if c_counts else 0
    rows: list[list[object]] = []
    for mode in MODES:
        row: list[object] = [labels[mode], p_counts[mode], rate(p_counts[mode], total_p)]
        if c_counts:
            row += [c_counts[mode], rate(c_counts[mode], total_c), p_counts[mode] - c_counts[mode]]
        rows.append(row)
    series = [Series(_legends(request)[0], [float(p_counts[m]) for m in MODES])]
    if c_counts:
        series.append(Series(_legends(request)[1], [float(c_counts[m]) for m in MODES]))
    tables = [
        Table(
            "days_by_mode",
            _("勤務形態別の延べ日数"),
            header,
            rows,
            source=src,
            chart=Chart(
                title=_("勤務形態別の延べ日数"),
                categories=[labels[m] for m in MODES],
                series=series,
                unit=pgettext("unit of days", "日"),
                description=_("公開済みの勤務表の、勤務形態ごとの延べ日数"),
                chart_id="chart-use-modes",
            ),
        )
    ]
    # Telework days by access method.
    access = access_labels()
    by_access: dict[str, list[int]] = {m: [0, 0] for m in access}
    for index, use in enumerate((f.period, comparison)):
        if use is None:
            continue
        for act in use.cells.values():
            a = f.activities.get(act) if act is not None else None
            if a is not None and a.kind == "telework":
                by_access.setdefault(a.access_method, [0, 0])[index] += 1
    tables.append(
        Table(
            "telework_by_access",
            _("接続方法別の在宅勤務の延べ日数"),
            [_("接続方法"), p_name, *([c_name] if comparison else [])],
            [
                [access.get(m, m), v[0], *([v[1]] if comparison else [])]
                for m, v in by_access.items()
                if v[0] or v[1]
            ],
            source=src,
        )
    )
    # Telework share by unit (groups of fewer than the minimum merged).
    groups: dict[str, Group] = {}
    people_seen: dict[str, list[set[int]]] = defaultdict(lambda: [set(), set()])
    for index, use in enumerate((f.period, comparison)):
        if use is None:
            continue
        for (pid, _day), act in use.cells.items():
            person = f.people.get(pid)
            if person is None:
                continue
            g = groups.setdefault(person.group, Group(person.group, 0, [0.0] * 4))
            people_seen[person.group][index].add(pid)
            a = f.activities.get(act) if act is not None else None
            if a is not None:
                g.values[2 * index] += 1
                g.values[2 * index + 1] += a.kind == "telework"
    for label, g in groups.items():
        seen = people_seen[label]
        g.people = _merged_people(len(seen[0]), len(seen[1]) if comparison else None)
    merged = merge_small(sorted(groups.values(), key=lambda g: g.label))
    unit_rows: list[list[object]] = []
    for g in merged.groups:
        wp, tp, wc, tc = (int(v) for v in g.values)
        row = [g.label, g.people, wp, tp, rate(tp, wp)]
        if comparison:
            row += [wc, tc, rate(tc, wc), change(rate(tp, wp), rate(tc, wc))]
        unit_rows.append(row)
    unit_header = [
        _("所属"),
        _("人数"),
        _("勤務日（%(p)s）") % {"p": p_name},
        _("在宅勤務（%(p)s）") % {"p": p_name},
        _("在宅勤務の割合（%(p)s, %%）") % {"p": p_name},
    ]
    if comparison:
        unit_header += [
            _("勤務日（%(p)s）") % {"p": c_name},
            _("在宅勤務（%(p)s）") % {"p": c_name},
            _("在宅勤務の割合（%(p)s, %%）") % {"p": c_name},
            _("増減（ポイント）"),
        ]
    unit_series = [Series(_legends(request)[0], [r[4] for r in unit_rows])]  # type: ignore[misc]
    if comparison:
        unit_series.append(Series(_legends(request)[1], [r[7] for r in unit_rows]))  # type: ignore[misc]
    tables.append(
        Table(
            "telework_by_unit",
            _("所属別の在宅勤務の割合"),
            unit_header,
            unit_rows,
            source=src,
            chart=Chart(
                title=_("所属別の在宅勤務の割合"),
                categories=[str(r[0]) for r in unit_rows],
                series=unit_series,
                unit="%",
                y_max=100,
                description=_("勤務日に占める在宅勤務の割合（所属別）"),
                chart_id="chart-use-units",
            )
            if unit_rows
            else None,
            note=_withheld_note(merged),
        )
    )
    # Remote-access pools against capacity.
    pool_header = [
        _("リモート接続枠"),
        _("期間"),
        _("1日あたりの上限"),
        _("利用のあった日"),
        _("最大の利用数"),
        _("満席の日"),
        _("満席で断られた予約"),
        _("枠が足りず通らなかった在宅勤務の希望"),
        _("需要を満たせた台数"),
    ]
    pool_rows: list[list[object]] = []
    for pool in f.pools:
        p_days = pool_days(pool, request.period, f.period)
        s = pool_summary(pool, p_days)
        pool_rows.append([pool.name, p_name, pool.capacity, *s.values()])
        c_summary = None
        if comparison and request.comparison:
            c_summary = pool_summary(pool, pool_days(pool, request.comparison, comparison))
            pool_rows.append([pool.name, c_name, pool.capacity, *c_summary.values()])
        figures.append(
            Figure(
                f"pool_{pool.id}_full",
                _("%(pool)s が満席の日") % {"pool": pool.name},
                s["days_full"],
                pgettext("unit of days", "日"),
                comparison=c_summary["days_full"] if c_summary else None,
                source=pools_src,
            )
        )
        figures.append(
            Figure(
                f"pool_{pool.id}_needed",
                _("%(pool)s の需要を満たせた台数") % {"pool": pool.name},
                s["needed"],
                pgettext("unit of seats", "台"),
                comparison=c_summary["needed"] if c_summary else None,
                note=_("上限 %(n)s") % {"n": pool.capacity},
                source=pools_src,
            )
        )
        if s["days_used"] or s["refused"] or s["unmet"]:
            daily_rows: list[list[object]] = [
                [day, used, refused, unmet, used + refused + unmet]
                for day, used, refused, unmet in p_days
            ]
            tables.append(
                Table(
                    f"pool_{pool.id}_daily",
                    _("%(pool)s の日別の利用（%(p)s）") % {"pool": pool.name, "p": p_name},
                    [
                        _("日付"),
                        _("利用"),
                        _("満席で断られた予約"),
                        _("通らなかった希望"),
                        _("需要"),
                    ],
                    daily_rows,
                    source=pools_src,
                    chart=Chart(
                        title=_("%(pool)s の日別の利用と需要") % {"pool": pool.name},
                        categories=[f"{d:%m/%d}" for d, *_rest in p_days],
                        series=[
                            Series(_("利用"), [float(r[1]) for r in p_days]),
                            Series(_("満席で断られた予約"), [float(r[2]) for r in p_days]),
                            Series(_("通らなかった希望"), [float(r[3]) for r in p_days]),
                        ],
                        unit=pgettext("unit of seats", "台"),
                        references=[Reference(_("上限"), float(pool.capacity))],
                        description=_(
                            "日ごとの利用数に、満席で断られた予約と通らなかった希望を積み上げ、上限を線で示します"
                        ),
                        chart_id=f"chart-pool-{pool.id}",
                    ),
                    chart_kind="stacked",
                )
            )
    tables.insert(
        2,
        Table(
            "pools",
            _("リモート接続枠の利用と上限"),
            pool_header,
            pool_rows,
            source=pools_src,
            note=_(
                "需要を満たせた台数＝最も多い日の「利用＋満席で断られた予約＋通らなかった希望」。"
                "接続枠は全庁共通のため、所属を絞った報告でも全庁の数です。"
            ),
        ),
    )
    return SectionResult(figures=figures, tables=tables)


# ---------------------------------------------------------------- 3. service continuity


def counter_days(
    counters: Sequence[F.CounterRule], acts: Mapping[int, F.Activity], cells: F.Cells
) -> dict[int, dict[str, int]]:
    """Per counter: the rostered days it needed cover, those at or above the minimum, those
    short, and the missing person-days."""
    from yakuba.rosters.models import day_type_of

    staffed: dict[tuple[int, dt.date], int] = defaultdict(int)
    rostered_days: set[dt.date] = set()
    for (_pid, day), act in cells.items():
        rostered_days.add(day)
        a = acts.get(act) if act is not None else None
        if a is not None and a.counter_id is not None:
            staffed[(a.counter_id, day)] += 1
    day_types = {day: day_type_of(day) for day in rostered_days}
    out: dict[int, dict[str, int]] = {}
    for c in counters:
        row = {"days": 0, "ok": 0, "short": 0, "missing": 0}
        for day in sorted(rostered_days):
            need = c.minimum.get(day_types[day], 0)
            if need <= 0:
                continue
            have = staffed.get((c.counter_id, day), 0)
            row["days"] += 1
            if have >= need:
                row["ok"] += 1
            else:
                row["short"] += 1
                row["missing"] += need - have
        out[c.counter_id] = row
    return out


def build_continuity(f: F.ContinuityFacts, request: ReportRequest) -> SectionResult:
    p_name, c_name = _names(request)
    if not f.counters:
        return SectionResult(has_data=False)
    p = counter_days(f.counters, f.activities, f.period)
    c = counter_days(f.counters, f.activities, f.comparison) if f.comparison is not None else None
    if not any(r["days"] for r in p.values()) and not (c and any(r["days"] for r in c.values())):
        return SectionResult(has_data=False)
    src = Source(_("公開済みの勤務表と窓口の配置基準"), _url("rosters:period_list"))

    def totals(rows: Mapping[int, dict[str, int]]) -> dict[str, int]:
        return {k: sum(r[k] for r in rows.values()) for k in ("days", "ok", "short", "missing")}

    tp, tc = totals(p), totals(c) if c is not None else None
    figures = [
        Figure(
            "counter_days",
            _("窓口を開けた日（窓口×日）"),
            tp["days"],
            pgettext("unit of days", "日"),
            comparison=tc["days"] if tc else None,
            source=src,
        ),
        Figure(
            "counter_ok_rate",
            _("最低人数を満たした割合"),
            rate(tp["ok"], tp["days"]),
            "%",
            comparison=rate(tc["ok"], tc["days"]) if tc else None,
            source=src,
        ),
        Figure(
            "counter_short",
            _("人数が不足した窓口日"),
            tp["short"],
            pgettext("unit of days", "日"),
            comparison=tc["short"] if tc else None,
            source=src,
        ),
    ]
    header = [
        _("窓口"),
        _("窓口日（%(p)s）") % {"p": p_name},
        _("最低人数以上（%(p)s）") % {"p": p_name},
        _("不足（%(p)s）") % {"p": p_name},
        _("不足した延べ人数（%(p)s）") % {"p": p_name},
        _("充足率（%(p)s, %%）") % {"p": p_name},
    ]
    if c is not None:
        header += [
            _("窓口日（%(p)s）") % {"p": c_name},
            _("不足（%(p)s）") % {"p": c_name},
            _("充足率（%(p)s, %%）") % {"p": c_name},
        ]
    rows: list[list[object]] = []
    for counter in f.counters:
        r = p[counter.counter_id]
        row: list[object] = [
            counter.counter,
            r["days"],
            r["ok"],
            r["short"],
            r["missing"],
            rate(r["ok"], r["days"]),
        ]
        if c is not None:
            rc = c[counter.counter_id]
            row += [rc["days"], rc["short"], rate(rc["ok"], rc["days"])]
        rows.append(row)
    series = [Series(_legends(request)[0], [r[5] for r in rows])]  # type: ignore[misc]
    if c is not None:
        series.append(Series(_legends(request)[1], [r[8] for r in rows]))  # type: ignore[misc]
    return SectionResult(
        figures=figures,
        tables=[
            Table(
                "counters",
                _("窓口ごとの配置（最低人数との比較）"),
                header,
                rows,
                source=src,
                chart=Chart(
                    title=_("窓口ごとの充足率"),
                    categories=[str(r[0]) for r in rows],
                    series=series,
                    unit="%",
                    y_max=100,
                    description=_("最低人数以上の職員を配置できた窓口日の割合"),
                    chart_id="chart-counters",
                ),
            )
        ],
    )


# ---------------------------------------------------------------- 4. ways of working

# Blockers carry free text only: they are counted under the first category whose words
# the text contains (the text itself never leaves the morning reports).
BLOCKER_CATEGORIES: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    (
        "connection",
        gettext_lazy("接続・端末・システム"),
        (
            "VPN",
            "接続",
            "回線",
            "端末",
            "システム",
            "ログイン",
            "パソコン",
            "PC",
            "Wi-Fi",
            "ルーター",
            "LGWAN",
        ),
    ),
    (
        "paper",
        gettext_lazy("書類・決裁・押印"),
        ("書類", "決裁", "押印", "印鑑", "紙", "郵送", "FAX", "印刷"),
    ),
    (
        "communication",
        gettext_lazy("連絡・相談・会議"),
        ("連絡", "相談", "確認", "会議", "電話", "調整", "返事"),
    ),
    ("counter", gettext_lazy("窓口・人手"), ("窓口", "人手", "応援", "人数", "混雑", "来庁")),
)


def blocker_category(text: str) -> str:
    upper = text.upper()
    for code, _label, words in BLOCKER_CATEGORIES:
        if any(w.upper() in upper for w in words):
            return code
    return "other"


def blocker_labels() -> dict[str, str]:
    return {code: str(label) for code, label, _w in BLOCKER_CATEGORIES} | {"other": _("その他")}


def blocker_stats(rows: Iterable[F.BlockerRow], period_end: dt.date) -> dict[str, dict[str, Any]]:
    """Per category: count, resolved, median days to resolution, still open at the end of
    the period."""
    found: dict[str, list[F.BlockerRow]] = defaultdict(list)
    for row in rows:
        found[blocker_category(row.text)].append(row)
    out: dict[str, dict[str, Any]] = {}
    for code in blocker_labels():
        items = found.get(code, [])
        resolved = [
            (r.resolved_on - r.opened_on).days
            for r in items
            if r.resolved_on is not None and r.resolved_on <= period_end
        ]
        out[code] = {
            "count": len(items),
            "resolved": len(resolved),
            "median_days": statistics.median(resolved) if resolved else None,
            "open": len(items) - len(resolved),
        }
    return out


def meeting_stats(period: F.WaysPeriod) -> dict[str, Any]:
    conns = period.connections
    hours = sum(c.present_s for c in conns) / 3600
    dropped = sum(1 for c in conns if c.long_drops)
    acked = sum(1 for _pk, ack in period.catchups if ack)
    return {
        "meetings": period.meetings,
        "connections": len(conns),
        "dropped": dropped,
        "drop_rate": rate(dropped, len(conns)),
        "drops_per_hour": round(sum(c.drops for c in conns) / hours, 2) if hours else None,
        "catchups": len(period.catchups),
        "acknowledged": acked,
        "ack_rate": rate(acked, len(period.catchups)),
    }


def build_ways(f: F.WaysFacts, request: ReportRequest) -> SectionResult:
    p_name, c_name = _names(request)
    periods = [f.period, *([f.comparison] if f.comparison else [])]
    has_reports = any(r.expected for w in periods for r in w.completion)
    has_blockers = any(w.blockers for w in periods)
    has_meetings = any(w.meetings for w in periods)
    if not (has_reports or has_blockers or has_meetings):
        return SectionResult(has_data=False)
    reports_src = Source(_("朝の業務報告（提出状況）"), _url("dailyreports:overview"))
    blockers_src = Source(_("朝の業務報告の困りごと"), _url("dailyreports:blockers"))
    meetings_src = Source(_("会議の出席記録とフォローアップ"), _url("meetings:meeting_list"))
    figures: list[Figure] = []
    tables: list[Table] = []
    paragraphs: list[str] = []
    cmp = f.comparison
    # Morning reports.
    if has_reports:

        def totals(w: F.WaysPeriod) -> tuple[int, int, int]:
            return (
                sum(r.expected for r in w.completion),
                sum(r.done for r in w.completion),
                sum(r.late for r in w.completion),
            )

        ep, dp, _lp = totals(f.period)
        ec, dc, _lc = totals(cmp) if cmp else (0, 0, 0)
        figures.append(
            Figure(
                "report_rate",
                _("朝の業務報告の提出率"),
                rate(dp, ep),
                "%",
                comparison=rate(dc, ec) if cmp else None,
                source=reports_src,
            )
        )
        groups: dict[str, Group] = {}
        people: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for index, w in enumerate(periods):
            for r in w.completion:
                label = f.unit_group.get(r.unit_id, "")
                g = groups.setdefault(label, Group(label, 0, [0.0] * 6))
                people[label][index] += r.people
                g.values[3 * index] += r.expected
                g.values[3 * index + 1] += r.done
                g.values[3 * index + 2] += r.late
        for label, g in groups.items():
            g.people = _merged_people(people[label][0], people[label][1] if cmp else None)
        merged = merge_small(sorted(groups.values(), key=lambda g: g.label))
        rows: list[list[object]] = []
        for g in merged.groups:
            e1, d1, l1, e2, d2, _l2 = (int(v) for v in g.values)
            row: list[object] = [g.label, g.people, e1, d1, rate(d1, e1), rate(l1, e1)]
            if cmp:
                row += [e2, d2, rate(d2, e2)]
            rows.append(row)
        header = [
            _("所属"),
            _("人数"),
            _("提出すべき日（%(p)s）") % {"p": p_name},
            _("提出（%(p)s）") % {"p": p_name},
            _("提出率（%(p)s, %%）") % {"p": p_name},
            _("遅れた割合（%(p)s, %%）") % {"p": p_name},
        ]
        if cmp:
            header += [
                _("提出すべき日（%(p)s）") % {"p": c_name},
                _("提出（%(p)s）") % {"p": c_name},
                _("提出率（%(p)s, %%）") % {"p": c_name},
            ]
        tables.append(
            Table(
                "report_completion",
                _("朝の業務報告の提出率（所属別）"),
                header,
                rows,
                source=reports_src,
                note=_withheld_note(merged),
            )
        )
    else:
        paragraphs.append(_("朝の業務報告：この期間のデータがありません。"))
    # Blockers.
    if has_blockers:
        labels = blocker_labels()
        sp = blocker_stats(f.period.blockers, request.period.end)
        sc = (
            blocker_stats(cmp.blockers, request.comparison.end)
            if cmp and request.comparison
            else None
        )
        figures.append(
            Figure(
                "blockers",
                _("報告された困りごと"),
                sum(v["count"] for v in sp.values()),
                pgettext("unit of cases", "件"),
                comparison=sum(v["count"] for v in sc.values()) if sc else None,
                source=blockers_src,
            )
        )
        header = [
            _("分類"),
            _("件数（%(p)s）") % {"p": p_name},
            _("解決（%(p)s）") % {"p": p_name},
            _("解決までの日数・中央値（%(p)s）") % {"p": p_name},
            _("期間末に未解決（%(p)s）") % {"p": p_name},
        ]
        if sc:
            header += [
                _("件数（%(p)s）") % {"p": c_name},
                _("解決までの日数・中央値（%(p)s）") % {"p": c_name},
            ]
        rows = []
        for code, label in labels.items():
            v = sp[code]
            row = [label, v["count"], v["resolved"], v["median_days"], v["open"]]
            if sc:
                row += [sc[code]["count"], sc[code]["median_days"]]
            rows.append(row)
        series = [Series(_legends(request)[0], [float(sp[c]["count"]) for c in labels])]
        if sc:
            series.append(Series(_legends(request)[1], [float(sc[c]["count"]) for c in labels]))
        tables.append(
            Table(
                "blockers",
                _("困りごとの分類と解決までの日数"),
                header,
                rows,
                source=blockers_src,
                chart=Chart(
                    title=_("困りごとの分類別の件数"),
                    categories=list(labels.values()),
                    series=series,
                    unit=pgettext("unit of cases", "件"),
                    description=_("朝の業務報告で報告された困りごとの件数（分類別）"),
                    chart_id="chart-blockers",
                ),
                note=_("分類は困りごとの文中の語によります（本文は報告に表示しません）。"),
            )
        )
    else:
        paragraphs.append(_("困りごと：この期間のデータがありません。"))
    # Meetings.
    if has_meetings:
        mp = meeting_stats(f.period)
        mc = meeting_stats(cmp) if cmp else None
        figures += [
            Figure(
                "meeting_drop_rate",
                _("会議で接続が途切れた割合"),
                mp["drop_rate"],
                "%",
                comparison=mc["drop_rate"] if mc else None,
                source=meetings_src,
                note=_("出席者×会議のうち、基準以上の切断があったもの"),
            ),
            Figure(
                "catchup_ack_rate",
                _("フォローアップの確認率"),
                mp["ack_rate"],
                "%",
                comparison=mc["ack_rate"] if mc else None,
                source=meetings_src,
            ),
        ]
        measures = [
            ("meetings", _("オンライン会議")),
            ("connections", _("出席（人×会議）")),
            ("dropped", _("基準以上の切断があった出席")),
            ("drop_rate", _("切断があった割合（%）")),
            ("drops_per_hour", _("接続1時間あたりの切断回数")),
            ("catchups", _("送ったフォローアップ")),
            ("acknowledged", _("確認されたフォローアップ")),
            ("ack_rate", _("確認率（%）")),
        ]
        tables.append(
            Table(
                "meetings",
                _("会議の接続とフォローアップ"),
                [_("指標"), p_name, *([c_name, _("増減")] if mc else [])],
                [
                    [label, mp[key], *([mc[key], change(mp[key], mc[key])] if mc else [])]
                    for key, label in measures
                ],
                source=meetings_src,
            )
        )
    else:
        paragraphs.append(_("会議：この期間のデータがありません。"))
    return SectionResult(figures=figures, tables=tables, paragraphs=paragraphs)


# ---------------------------------------------------------------- 5. security readiness


def build_security(f: F.SecurityFacts, request: ReportRequest) -> SectionResult:
    p_name, c_name = _names(request)
    figures: list[Figure] = []
    tables: list[Table] = []
    paragraphs: list[str] = []
    total = len(f.people)
    minimum = min_group()
    if f.connection_verdicts:
        from yakuba.netcheck.judging import Verdict

        src = Source(_("接続の確認（自宅での最新の結果）"), _url("netcheck:readiness"))
        tested = len(f.connection_verdicts)
        if tested >= minimum:
            counts = {v.value: 0 for v in Verdict}
            for verdict in f.connection_verdicts.values():
                counts[verdict] = counts.get(verdict, 0) + 1
            figures.append(
                Figure(
                    "netcheck_ok",
                    _("自宅の接続がビデオ会議に十分な職員"),
                    rate(counts[Verdict.OK], total),
                    "%",
                    source=src,
                    note=_("在職中の職員に占める割合（作成時点）"),
                )
            )
            tables.append(
                Table(
                    "netcheck",
                    _("自宅の接続の確認（作成時点）"),
                    [_("判定"), _("人数")],
                    [
                        *[[str(v.label), _below_minimum(counts[v.value])] for v in Verdict],
                        [_("未測定"), _below_minimum(total - tested)],
                    ],
                    source=src,
                )
            )
        else:
            paragraphs.append(_("接続の確認：%(n)s人未満のため表示しません。") % {"n": minimum})
    else:
        paragraphs.append(_("接続の確認：データがありません。"))
    if f.readiness:
        from yakuba.readiness.status import Status

        src = Source(_("在宅勤務の準備チェック"), _url("readiness:people"))
        counts = {s.value: 0 for s in Status}
        for status in f.readiness.values():
            counts[status] = counts.get(status, 0) + 1
        ready = counts[Status.READY] + counts[Status.EXPIRING]
        answered = total - counts[Status.NEVER]
        if answered:
            figures.append(
                Figure(
                    "readiness_ready",
                    _("準備チェックが有効な職員"),
                    rate(ready, total),
                    "%",
                    source=src,
                    note=_("在職中の職員に占める割合（作成時点）"),
                )
            )
            tables.append(
                Table(
                    "readiness",
                    _("在宅勤務の準備チェック（作成時点）"),
                    [_("状況"), _("人数")],
                    [[str(s.label), _below_minimum(counts[s.value])] for s in Status],
                    source=src,
                )
            )
        else:
            paragraphs.append(_("在宅勤務の準備チェック：データがありません。"))
    else:
        paragraphs.append(_("在宅勤務の準備チェック：データがありません。"))
    if f.incidents is not None and (
        any(f.incidents.values())
        or (f.comparison_incidents and any(f.comparison_incidents.values()))
    ):
        from yakuba.incidents.models import Category

        src = Source(_("インシデント・ヒヤリハットの報告"), _url("incidents:stats"))
        cmp = f.comparison_incidents
        p_total = sum(f.incidents.get(c, 0) for c in Category.values)
        c_total = sum(cmp.get(c, 0) for c in Category.values) if cmp is not None else None
        figures.append(
            Figure(
                "incidents",
                _("インシデント・ヒヤリハットの報告"),
                p_total,
                pgettext("unit of cases", "件"),
                comparison=c_total,
                source=src,
                note=_("全庁"),
            )
        )
        rows = [
            [
                str(c.label),
                f.incidents.get(c.value, 0),
                *([cmp.get(c.value, 0)] if cmp is not None else []),
            ]
            for c in Category
        ]
        rows.append(
            [
                _("うち個人情報を含むと確認されたもの"),
                f.incidents.get("personal_data", 0),
                *([cmp.get("personal_data", 0)] if cmp is not None else []),
            ]
        )
        tables.append(
            Table(
                "incidents",
                _("インシデント・ヒヤリハットの報告（種類別、全庁）"),
                [_("種類"), p_name, *([c_name] if cmp is not None else [])],
                rows,
                source=src,
            )
        )
    else:
        paragraphs.append(_("インシデント：この期間のデータがありません。"))
    return SectionResult(
        figures=figures, tables=tables, paragraphs=paragraphs, has_data=bool(tables)
    )


# ---------------------------------------------------------------- registration


def _compute(
    read: Callable[[ReportRequest], Any], build: Callable[[Any, ReportRequest], SectionResult]
) -> Callable[[ReportRequest], SectionResult]:
    def compute(request: ReportRequest) -> SectionResult:
        return build(read(request), request)

    return compute


BUILTIN = (
    ReportSection(
        "conditions",
        gettext_lazy("対象者の条件"),
        10,
        _compute(F.conditions_facts, build_conditions),
        intro=gettext_lazy(
            "在宅勤務の実施要件、対象者と実際に在宅勤務をした人の数（所属・職名・雇用区分別）、対象外となった理由。"
        ),
        tags=frozenset({"rosters"}),
    ),
    ReportSection(
        "use",
        gettext_lazy("在宅勤務とリモート接続枠の利用"),
        20,
        _compute(F.use_facts, build_use),
        intro=gettext_lazy(
            "勤務形態別の日数、所属別の在宅勤務の割合、リモート接続枠の利用と上限、足りなかった台数。"
        ),
        tags=frozenset({"rosters", "remoteseats"}),
    ),
    ReportSection(
        "continuity",
        gettext_lazy("窓口サービスの継続"),
        30,
        _compute(F.continuity_facts, build_continuity),
        intro=gettext_lazy("窓口ごとに、最低人数以上を配置できた日と不足した日。"),
        tags=frozenset({"rosters"}),
    ),
    ReportSection(
        "ways_of_working",
        gettext_lazy("働き方（朝の業務報告・困りごと・会議）"),
        40,
        _compute(F.ways_facts, build_ways),
        intro=gettext_lazy(
            "朝の業務報告の提出率、困りごとの分類と解決までの日数、会議の切断とフォローアップの確認。"
        ),
        tags=frozenset({"dailyreports", "meetings"}),
    ),
    ReportSection(
        "security_readiness",
        gettext_lazy("接続の確認とセキュリティの準備"),
        45,
        _compute(F.security_facts, build_security),
        intro=gettext_lazy("自宅の接続の確認、在宅勤務の準備チェック、インシデントの報告。"),
        tags=frozenset({"netcheck", "readiness", "incidents"}),
    ),
)


def register_builtin() -> None:
    for section in BUILTIN:
        sections.register(section)

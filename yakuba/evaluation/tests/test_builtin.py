"""Each built-in section on small fixed data: the plain functions, no database."""

import datetime as dt

import pytest

from yakuba.evaluation import builtin
from yakuba.evaluation import facts as F
from yakuba.evaluation.grouping import Group, merge_small
from yakuba.evaluation.sections import Period, ReportRequest

P = Period(dt.date(2020, 4, 6), dt.date(2020, 4, 10), "2020")  # Monday to Friday
C = Period(dt.date(2021, 4, 5), dt.date(2021, 4, 9), "2021")
REQ = ReportRequest(P, C)

OFFICE = F.Activity(1, "office", "none")
VPN = F.Activity(2, "telework", "vpn", pool_ids=(10,))
STANDALONE = F.Activity(3, "telework", "standalone")
DESK = F.Activity(4, "counter", "none", counter_id=7)
ACTS = {a.id: a for a in (OFFICE, VPN, STANDALONE, DESK)}


def person(pk, group="市民課", position="主事", employment="正規"):
    return F.Person(pk, 1, group, position, employment)


def days(period):
    return F.days_of(period)


# ------------------------------------------------------------- groups of five


def test_small_groups_are_merged_and_never_shown_alone():
    merged = merge_small(
        [Group("A", 7, [7]), Group("B", 2, [1]), Group("C", 2, [2]), Group("D", 5, [0])],
        minimum=5,
    )
    # B and C (4 people) are too few even together: D, the smallest group, joins them.
    assert [g.label for g in merged.groups] == ["A", "その他（5人未満の区分をまとめたもの）"]
    assert merged.groups[1].people == 9 and merged.groups[1].values == [3]
    assert merged.merged_groups == 3


def test_a_merged_group_still_too_small_takes_in_the_smallest_group():
    merged = merge_small([Group("A", 9, [1]), Group("B", 5, [2]), Group("C", 3, [3])], minimum=5)
    assert merged.groups[0].label == "A"
    other = merged.groups[-1]
    assert other.people == 8 and other.values == [5]  # B (smallest ≥ 5) joined C
    assert all(g.people >= 5 for g in merged.groups)


def test_fewer_people_than_the_minimum_in_all_are_withheld():
    merged = merge_small([Group("A", 2, [1]), Group("B", 1, [0])], minimum=5)
    assert merged.groups == [] and merged.withheld


# ------------------------------------------------------------- conditions


def conditions_facts(n_eligible=6, n_other=4, telework=(0, 1, 2), comparison=(0,)):
    people = {pk: person(pk) for pk in range(n_eligible + n_other)}
    people[n_eligible].__dict__  # noqa: B018 - frozen, untouched
    eligibility = {
        pk: F.EligibilityFact(True)
        if pk < n_eligible
        else F.EligibilityFact(False, ("所属長の承認",))
        for pk in people
    }
    return F.ConditionsFacts(
        people=people,
        rules=[F.RuleRow("市民課", "全庁の実施要件", "全て", True, True, 3, 1)],
        eligibility=eligibility,
        telework_days={pk: 3 for pk in telework},
        comparison_days={pk: 1 for pk in comparison},
    )


def test_conditions_counts_eligible_and_who_teleworked_in_each_period():
    result = builtin.build_conditions(conditions_facts(), REQ)
    figures = {f.key: f for f in result.figures}
    assert figures["judged"].value == 10 and figures["eligible"].value == 6
    assert figures["teleworked"].value == 3 and figures["teleworked"].comparison == 1
    assert figures["teleworked_share"].value == 50.0
    assert figures["teleworked_share"].comparison == pytest.approx(16.7)
    by_unit = next(t for t in result.tables if t.key == "by_unit")
    assert by_unit.rows == [["市民課", 10, 6, 3, 50.0, 1, pytest.approx(16.7)]]
    assert by_unit.chart is not None


def test_conditions_reasons_below_five_people_are_not_shown_as_numbers():
    result = builtin.build_conditions(conditions_facts(n_eligible=6, n_other=3), REQ)
    reasons = next(t for t in result.tables if t.key == "not_eligible_reasons")
    assert reasons.rows == [["所属長の承認", "5人未満"]]


def test_conditions_small_units_are_merged():
    f = conditions_facts()
    people = dict(f.people)
    people[0] = person(0, group="税務課")  # one person alone in 税務課
    f = F.ConditionsFacts(people, f.rules, f.eligibility, f.telework_days, f.comparison_days)
    by_unit = next(t for t in builtin.build_conditions(f, REQ).tables if t.key == "by_unit")
    assert "税務課" not in [r[0] for r in by_unit.rows]
    assert all(int(str(r[1])) >= 5 for r in by_unit.rows)


def test_conditions_without_anyone_judged_has_no_data():
    f = F.ConditionsFacts(people={}, rules=[], eligibility={}, telework_days={})
    assert builtin.build_conditions(f, REQ).has_data is False


# ------------------------------------------------------------- use


def use_facts(with_comparison=True):
    people = {pk: person(pk) for pk in range(6)}
    p_cells = {}
    for d in days(P):
        for pk in people:
            p_cells[(pk, d)] = VPN.id if pk < 3 else STANDALONE.id if pk == 3 else OFFICE.id
    c_cells = {(pk, d): OFFICE.id for d in days(C) for pk in people}
    c_cells[(0, C.start)] = VPN.id
    pool = F.Pool(10, "VPN端末", 3)
    use_p = F.UsePeriod(
        cells=p_cells,
        pool_use={(10, d): 3 for d in days(P)},
        refused={(10, P.start): 2},
        unmet_wishes={(10, P.start): 1, (10, P.end): 4},
    )
    use_c = F.UsePeriod(cells=c_cells, pool_use={(10, C.start): 1})
    return F.UseFacts(people, ACTS, [pool], use_p, use_c if with_comparison else None)


def test_use_counts_days_by_mode_and_pool_demand():
    result = builtin.build_use(use_facts(), REQ)
    figures = {f.key: f for f in result.figures}
    assert figures["telework_days"].value == 20 and figures["telework_days"].comparison == 1
    assert figures["telework_share"].value == pytest.approx(66.7)
    assert figures["pool_10_full"].value == 5 and figures["pool_10_full"].comparison == 0
    # The busiest day: 3 used + 4 wishes not granted = 7 seats would have met the demand.
    assert figures["pool_10_needed"].value == 7 and figures["pool_10_needed"].comparison == 1
    pools = next(t for t in result.tables if t.key == "pools")
    assert pools.rows[0] == ["VPN端末", "対象期間", 3, 5, 3, 5, 2, 5, 7]
    access = next(t for t in result.tables if t.key == "telework_by_access")
    assert ["VPN", 15, 1] in access.rows and ["スタンドアロン（貸出端末のみ）", 5, 0] in access.rows
    daily = next(t for t in result.tables if t.key == "pool_10_daily")
    assert daily.rows[0] == [P.start, 3, 2, 1, 6] and daily.chart_kind == "stacked"


def test_use_without_rosters_has_no_data():
    empty = F.UseFacts({}, ACTS, [], F.UsePeriod(cells={}), F.UsePeriod(cells={}))
    assert builtin.build_use(empty, REQ).has_data is False


def test_use_without_comparison_has_no_comparison_columns():
    result = builtin.build_use(use_facts(with_comparison=False), ReportRequest(P))
    modes = next(t for t in result.tables if t.key == "days_by_mode")
    assert len(modes.columns) == 3 and all(f.comparison is None for f in result.figures)


# ------------------------------------------------------------- continuity


def test_continuity_counts_counter_days_at_or_above_minimum_and_shortfalls():
    counters = [F.CounterRule(7, "住民票窓口", {"weekday": 2})]
    p_cells: dict[tuple[int, dt.date], int | None] = {
        (pk, d): DESK.id for d in days(P) for pk in (1, 2)
    }
    p_cells[(2, P.start)] = None  # off that day: 1 of 2 at the counter
    del p_cells[(1, P.end)], p_cells[(2, P.end)]  # nobody rostered: the day is not counted
    c_cells = {(pk, d): DESK.id for d in days(C) for pk in (1, 2)}
    result = builtin.build_continuity(F.ContinuityFacts(counters, ACTS, p_cells, c_cells), REQ)
    figures = {f.key: f for f in result.figures}
    assert figures["counter_days"].value == 4 and figures["counter_days"].comparison == 5
    assert figures["counter_short"].value == 1 and figures["counter_short"].comparison == 0
    assert figures["counter_ok_rate"].value == 75.0
    assert figures["counter_ok_rate"].comparison == 100.0
    assert result.tables[0].rows == [["住民票窓口", 4, 3, 1, 1, 75.0, 5, 0, 100.0]]


def test_continuity_without_counters_or_rosters_has_no_data():
    assert builtin.build_continuity(F.ContinuityFacts([], ACTS, {}, {}), REQ).has_data is False
    counters = [F.CounterRule(7, "住民票窓口", {"weekday": 2})]
    assert (
        builtin.build_continuity(F.ContinuityFacts(counters, ACTS, {}, {}), REQ).has_data is False
    )


# ------------------------------------------------------------- ways of working


def ways(period, completion=(), blockers=(), connections=(), catchups=(), meetings=0):
    return F.WaysPeriod(
        period, list(completion), list(blockers), meetings, list(connections), list(catchups)
    )


def test_ways_of_working_reports_blockers_and_meetings():
    people = {pk: person(pk) for pk in range(6)}
    p = ways(
        P,
        completion=[F.CompletionRow(1, 6, 30, 24, 3)],
        blockers=[
            F.BlockerRow(1, "VPN に接続できない", P.start, P.start + dt.timedelta(days=4)),
            F.BlockerRow(1, "押印のために出勤", P.start, None),
            F.BlockerRow(1, "自宅の回線が遅い", P.start, P.start + dt.timedelta(days=2)),
        ],
        connections=[F.Connection(0, 3600, 2, 1), F.Connection(1, 3600, 0, 0)],
        catchups=[(0, True), (1, False)],
        meetings=1,
    )
    c = ways(
        C,
        completion=[F.CompletionRow(1, 6, 30, 29, 0)],
        connections=[F.Connection(0, 3600, 0, 0)],
        meetings=1,
    )
    result = builtin.build_ways(F.WaysFacts(people, {1: "市民課"}, p, c), REQ)
    figures = {f.key: f for f in result.figures}
    assert figures["report_rate"].value == 80.0 and figures[
        "report_rate"
    ].comparison == pytest.approx(96.7)
    assert figures["blockers"].value == 3 and figures["blockers"].comparison == 0
    assert (
        figures["meeting_drop_rate"].value == 50.0
        and figures["meeting_drop_rate"].comparison == 0.0
    )
    assert figures["catchup_ack_rate"].value == 50.0
    blockers = next(t for t in result.tables if t.key == "blockers")
    connection_row = blockers.rows[0]
    assert connection_row[:5] == ["接続・端末・システム", 2, 2, 3.0, 0]  # median of 4 and 2 days
    paper = blockers.rows[1]
    assert paper[:5] == ["書類・決裁・押印", 1, 0, None, 1]
    # No blocker text anywhere in the section.
    cells = [str(v) for t in result.tables for r in t.rows for v in r]
    assert not any("VPN に接続" in v or "押印のために" in v for v in cells)


def test_ways_of_working_with_no_data_at_all():
    empty = F.WaysFacts({}, {}, ways(P), ways(C))
    assert builtin.build_ways(empty, REQ).has_data is False


def test_ways_of_working_says_which_capability_had_no_data():
    p = ways(P, completion=[F.CompletionRow(1, 6, 10, 9, 0)])
    result = builtin.build_ways(F.WaysFacts({}, {1: "市民課"}, p, ways(C)), REQ)
    assert result.has_data
    assert "会議：この期間のデータがありません。" in result.paragraphs
    assert "困りごと：この期間のデータがありません。" in result.paragraphs


def test_blocker_categories_follow_the_words_of_the_text():
    assert builtin.blocker_category("LGWAN の端末が足りない") == "connection"
    assert builtin.blocker_category("決裁が回ってこない") == "paper"
    assert builtin.blocker_category("天気が悪い") == "other"


# ------------------------------------------------------------- security readiness


def test_security_counts_readiness_and_incidents_and_hides_small_groups():
    people = {pk: person(pk) for pk in range(8)}
    f = F.SecurityFacts(
        people,
        connection_verdicts={0: "ok", 1: "ok"},  # 2 people tested: fewer than 5
        readiness={pk: "ready" if pk < 6 else "never" for pk in people},
        incidents={"lost_device": 1, "missent": 0, "personal_data": 1},
        comparison_incidents={"lost_device": 0},
    )
    result = builtin.build_security(f, REQ)
    figures = {x.key: x for x in result.figures}
    assert "netcheck_ok" not in figures
    assert any("5人未満のため表示しません" in str(p) for p in result.paragraphs)
    assert figures["readiness_ready"].value == 75.0
    readiness = next(t for t in result.tables if t.key == "readiness")
    assert ["準備完了", 6] in readiness.rows and ["未回答", "5人未満"] in readiness.rows
    assert figures["incidents"].value == 1 and figures["incidents"].comparison == 0


def test_security_when_the_capabilities_have_no_data():
    result = builtin.build_security(F.SecurityFacts({}, None, None, None), REQ)
    assert result.has_data is False and len(result.paragraphs) == 3

"""The evidence report's 「課題と対応策」 section: plain numbers on small fixed data, the
register read in a constant number of queries, nothing when the register is empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yakuba.evaluation import sections
from yakuba.evaluation.sections import Period, ReportRequest
from yakuba.problems.models import Status
from yakuba.problems.report_section import CODE, Line, compute, read_lines, summarise
from yakuba.problems.tests.factories import make_countermeasure, make_problem

EMERGENCY = Period(dt.date(2020, 4, 1), dt.date(2020, 5, 31), "緊急事態宣言下")
A_YEAR_LATER = Period(dt.date(2021, 4, 1), dt.date(2021, 5, 31), "1年後")
TODAY = dt.date(2021, 7, 1)

LINES = [
    Line(1, "VPN回線の容量不足", "自由記入", "情報政策課", "回線を増強", "情報政策課",
         dt.date(2020, 5, 15), Status.DONE, dt.date(2020, 5, 10)),
    Line(1, "VPN回線の容量不足", "自由記入", "情報政策課", "利用時間を分散", "総務課",
         dt.date(2020, 5, 20), Status.DONE, dt.date(2020, 6, 20)),  # done late
    Line(2, "押印・紙の決裁", "自由記入", "総務課", "電子決裁の拡大", "総務課",
         dt.date(2020, 4, 30), Status.IN_PROGRESS),
    Line(2, "押印・紙の決裁", "自由記入", "総務課", "押印の見直し", "総務課",
         dt.date(2021, 4, 30), Status.CONSIDERING),
    Line(3, "Web会議の機器不足", "自由記入", "情報政策課", "機器の購入", "情報政策課",
         None, Status.DECLINED, dt.date(2020, 8, 1)),
    Line(4, "研修の必要性", "自由記入", "人事課"),
]  # fmt: skip


def _figures(result):
    return {f.key: (f.value, f.comparison) for f in result.figures}


def test_counts_by_status_due_and_overdue_in_the_period():
    result = summarise(LINES, ReportRequest(EMERGENCY, A_YEAR_LATER), TODAY)
    figures = _figures(result)
    assert figures["problems"] == (4, None)
    assert figures["countermeasures"] == (5, None)
    assert figures["status_considering"][0] == 1
    assert figures["status_in_progress"][0] == 1
    assert figures["status_done"][0] == 2
    assert figures["status_declined"][0] == 1
    # Due in the emergency months: three; a year later: one.
    assert figures["due_in_period"] == (3, 1)
    # Not done by 31 May 2020: 電子決裁 (still open) and 利用時間を分散 (done in June);
    # a year later: 押印の見直し (still being considered).
    assert figures["overdue_in_period"] == (2, 1)
    tables = {t.key: t for t in result.tables}
    register = tables["problems_register"]
    assert len(register.rows) == 6
    assert register.rows[-1][3] == "（対応策なし）"
    by_status = tables["problems_by_status"]
    assert [list(r) for r in by_status.rows] == [
        ["検討中", 1],
        ["対応中", 1],
        ["対応済", 2],
        ["見送り", 1],
    ]
    assert by_status.chart is not None
    due = tables["problems_due"]
    assert [(r[1], r[5]) for r in due.rows] == [
        ("電子決裁の拡大", "期限超過"),
        ("回線を増強", ""),
        ("利用時間を分散", "期限超過"),
    ]
    assert all(
        t.source is not None and t.source.url.startswith("/problems/") for t in result.tables
    )


def test_an_empty_register_has_no_data():
    assert summarise([], ReportRequest(EMERGENCY), TODAY).has_data is False


@pytest.mark.django_db
def test_the_section_is_registered_and_reads_in_constant_queries(org):
    assert CODE in {s.code for s in sections.registered()}
    assert compute(ReportRequest(EMERGENCY)).has_data is False

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            compute(ReportRequest(EMERGENCY, A_YEAR_LATER))
        return len(ctx.captured_queries)

    problem = make_problem(org["shimin"])
    make_countermeasure(problem, due_on=dt.date(2020, 5, 1))
    few = queries()
    for n in range(8):
        p = make_problem(org["zeimu" if n % 2 else "madoguchi"], f"課題{n}")
        make_countermeasure(p, due_on=dt.date(2020, 4, 1) + dt.timedelta(days=n))
        make_problem(org["shimin"], f"対応策のない課題{n}")
    assert queries() == few == 2


@pytest.mark.django_db
def test_units_narrow_the_section(org):
    shimin = make_problem(org["shimin"], "市民課の課題")
    make_countermeasure(shimin, org["zeimu"], description="税務課が担う対応策")
    make_problem(org["zeimu"], "税務課の課題")
    lines = read_lines(frozenset({org["shimin"].pk}))
    assert {x.problem for x in lines} == {"市民課の課題"}
    lines = read_lines(frozenset({org["zeimu"].pk}))
    assert {x.problem for x in lines} == {"市民課の課題", "税務課の課題"}

import datetime

import pytest

from yakuba.evaluation import sections
from yakuba.evaluation.sections import (
    Figure,
    Period,
    ReportRequest,
    ReportSection,
    SectionResult,
    Source,
)

APRIL = Period(datetime.date(2020, 4, 1), datetime.date(2020, 4, 30), "2020年4月")


def test_a_period_counts_both_ends_and_refuses_to_run_backwards():
    assert APRIL.days == 30
    assert datetime.date(2020, 4, 30) in APRIL
    assert datetime.date(2020, 5, 1) not in APRIL
    with pytest.raises(ValueError):
        Period(datetime.date(2020, 5, 1), datetime.date(2020, 4, 1))


@pytest.fixture
def empty_registry():
    saved = dict(sections._REGISTRY.items)
    sections._REGISTRY.items.clear()
    yield
    sections._REGISTRY.items.clear()
    sections._REGISTRY.items.update(saved)


def test_sections_are_computed_in_order_with_progress(empty_registry):
    def figures(value):
        return lambda request: SectionResult(
            figures=[Figure("days", "日数", value + request.period.days, source=Source("勤務表"))]
        )

    sections.register(ReportSection("late", "後", 20, figures(2)))
    sections.register(ReportSection("early", "先", 10, figures(1)))
    seen = []
    computed = sections.compute_all(
        ReportRequest(APRIL), progress=lambda done, total, s: seen.append((done, total, s.code))
    )
    assert [c.section.code for c in computed] == ["early", "late"]
    assert [c.result.figures[0].value for c in computed] == [31, 32]
    assert seen == [(1, 2, "early"), (2, 2, "late")]


def test_a_code_is_registered_once(empty_registry):
    section = ReportSection("use", "利用", 10, lambda request: SectionResult())
    sections.register(section)
    sections.register(section)
    with pytest.raises(ValueError):
        sections.register(ReportSection("use", "別物", 10, lambda request: SectionResult()))

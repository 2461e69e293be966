"""The sections of the evidence report (テレワーク点検・評価報告) — the seam apps plug into.

The report is built from live data for a period and, optionally, a comparison period
(e.g. the emergency months against the same months a year later). Each section is a
`ReportSection` registered from its owner's ``AppConfig.ready()``: the evaluation app
registers the sections it reads from rosters, morning reports and meetings; the surveys
app registers "effects and problems from the survey"; the register of problems and
countermeasures registers its own. No section owner imports another, and the report
imports no section owner: a capability with no data for the period answers a result
with ``has_data=False`` (shown as "no data for this period"), never an error.

Rules every ``compute`` keeps:
- it reads through its app's selectors, in a constant number of queries whatever the
  staff count (the report's benchmark checks the total);
- its numbers come from plain functions that tests can call with small fixed data;
- every `Figure` and `Table` names its `Source` (what the figure is counted from) and,
  where there is one, the page behind it, so that a reader can check each figure;
- it never names a person: figures are counts, rates and groups (groups of people below
  ``EVALUATION_MIN_GROUP`` are merged, as in the survey results).

The renderers (HTML page, .docx, .xlsx) read only these dataclasses, so a new section
needs no change to them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

from yakuba.core.charts import Chart
from yakuba.core.registry import Registry

Text = str | Promise
Number = int | float


@dataclass(frozen=True)
class Period:
    """Calendar days from ``start`` to ``end``, both included."""

    start: datetime.date
    end: datetime.date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after the day it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class ReportRequest:
    """What one report covers: the period, the comparison period, the units (None: all)."""

    period: Period
    comparison: Period | None = None
    unit_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class Source:
    """Where a figure comes from (e.g. "公開済みの勤務表") and the page behind it."""

    label: Text
    url: str = ""


@dataclass(frozen=True)
class Figure:
    """One headline number, with its value in the comparison period when there is one.

    ``value`` is None when the data needed does not exist for the period (shown as "—").
    """

    key: str
    label: Text
    value: Number | None
    unit: Text = ""
    comparison: Number | None = None
    source: Source | None = None
    note: Text = ""


@dataclass(frozen=True)
class Table:
    """A table of the report (also one sheet of the .xlsx), optionally drawn as a chart.

    Cells are plain values (text, numbers, dates, None); ``chart`` draws some of them with
    `yakuba.core.charts` on the page and as an image in the .docx.
    """

    key: str
    title: Text
    columns: Sequence[Text]
    rows: Sequence[Sequence[object]]
    source: Source | None = None
    chart: Chart | None = None
    note: Text = ""
    # How ``chart`` is drawn: "bar" (series side by side), "stacked" or "line".
    chart_kind: str = "bar"


@dataclass(frozen=True)
class SectionResult:
    figures: Sequence[Figure] = ()
    tables: Sequence[Table] = ()
    paragraphs: Sequence[Text] = ()
    has_data: bool = True


@dataclass(frozen=True)
class ReportSection:
    """A section of the report: ``compute(request)`` answers its figures and tables."""

    code: str
    title: Text
    order: int
    compute: Callable[[ReportRequest], SectionResult]
    intro: Text = ""
    tags: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ComputedSection:
    section: ReportSection
    result: SectionResult


_REGISTRY: Registry[ReportSection] = Registry(
    "a report section", name=lambda s: s.code, order=lambda s: (s.order, s.code)
)
register = _REGISTRY.register
unregister = _REGISTRY.unregister
registered = _REGISTRY.registered


def compute_all(
    request: ReportRequest,
    *,
    progress: Callable[[int, int, ReportSection], None] | None = None,
) -> list[ComputedSection]:
    """Every registered section for ``request``, in order; ``progress(done, total, section)``
    is called after each one (the generation task records it for the progress display)."""
    sections = registered()
    computed: list[ComputedSection] = []
    for done, section in enumerate(sections, start=1):
        computed.append(ComputedSection(section, section.compute(request)))
        if progress is not None:
            progress(done, len(sections), section)
    return computed

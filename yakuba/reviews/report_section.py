"""「手続・会議の見直し」, the evidence report's section on the review (issue 17).

It reads the effect through `progress.effect_summary` (the reviews decided in the report
period, and in the comparison period): items reviewed, the share of seals abolished,
procedures moved online, visits and attachments dropped, meetings changed, what law keeps,
and the staff hours (and meeting cost) saved per year under the planning unit's
assumptions. A constant number of queries whatever the number of items; no person named.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.core.charts import BLUE, ORANGE, Chart, Series
from yakuba.evaluation.sections import (
    Figure,
    ReportRequest,
    ReportSection,
    SectionResult,
    Source,
    Table,
)
from yakuba.reviews.progress import Effect, effect_summary

CODE = "reviews"


def summarise(effect: Effect, comparison: Effect | None) -> SectionResult:
    """The section's figures and table from the effect (no database)."""
    if not effect.reviewed and (comparison is None or not comparison.reviewed):
        return SectionResult(has_data=False)
    source = Source(_("手続・会議の見直し（決定・実施済）"), reverse("reviews:dashboard"))
    blocked = Source(_("法令等により存続するもの"), reverse("reviews:blocked"))
    c = comparison

    def fig(
        key: str,
        label: str,
        value: float | int | None,
        unit: str,
        before: float | int | None,
        src: Source = source,
        note: str = "",
    ) -> Figure:
        return Figure(key, label, value, unit, comparison=before, source=src, note=note)

    figures = [
        fig(
            "reviews_decided",
            _("見直しを決定した手続・会議"),
            effect.reviewed,
            _("件"),
            c.reviewed if c else None,
        ),
        fig(
            "reviews_seal_abolished",
            _("押印を廃止した割合"),
            effect.seal_abolished_percent,
            "%",
            c.seal_abolished_percent if c else None,
            note=_("押印・署名を求めていた手続のうち押印廃止とした割合"),
        ),
        fig(
            "reviews_online",
            _("オンライン化した手続"),
            effect.online,
            _("件"),
            c.online if c else None,
        ),
        fig(
            "reviews_no_visit",
            _("来庁不要とした手続"),
            effect.in_person_removed,
            _("件"),
            c.in_person_removed if c else None,
        ),
        fig(
            "reviews_attachments",
            _("添付書類を省略した手続"),
            effect.attachments_omitted,
            _("件"),
            c.attachments_omitted if c else None,
        ),
        fig(
            "reviews_meetings",
            _("見直した定例会議（廃止・統合・短縮・オンライン等）"),
            effect.meetings_changed,
            _("件"),
            c.meetings_changed if c else None,
        ),
        fig(
            "reviews_hours",
            _("削減時間（年間・推計）"),
            effect.hours_saved,
            _("時間"),
            c.hours_saved if c else None,
            note=_("年間件数×結果ごとの1件あたり削減時間（企画政策課の前提）"),
        ),
        fig(
            "reviews_meeting_cost",
            _("会議の人件費の削減（年間・推計）"),
            effect.meeting_cost_yen,
            _("円"),
            c.meeting_cost_yen if c else None,
        ),
        fig(
            "reviews_blocked",
            _("法令等により存続"),
            effect.blocked_by_law,
            _("件"),
            c.blocked_by_law if c else None,
            src=blocked,
        ),
    ]
    rows = [
        [
            r.name,
            r.reviewed,
            r.seal_abolished_percent,
            r.effects.get("online", 0),
            r.in_person_removed,
            r.procedure_hours,
            r.meeting_hours,
            r.blocked,
        ]
        for r in effect.rows
    ]
    table = Table(
        "reviews_by_department",
        _("部ごとの見直しの効果（報告期間に決定したもの）"),
        [
            _("部"),
            _("決定"),
            _("押印廃止の割合（%）"),
            _("オンライン化"),
            _("来庁不要"),
            _("手続の削減時間"),
            _("会議の削減時間"),
            _("法令等により存続"),
        ],
        rows,
        source=source,
        chart=Chart(
            title=_("部ごとの削減時間（年間・推計）"),
            categories=[r.name for r in effect.rows],
            series=[
                Series(_("手続"), [r.procedure_hours for r in effect.rows], BLUE),
                Series(_("会議"), [r.meeting_hours for r in effect.rows], ORANGE),
            ],
            unit=_("時間"),
            chart_id="chart-reviews-hours",
            label_every=1,
        ),
        chart_kind="stacked",
    )
    return SectionResult(figures=figures, tables=[table])


def compute(request: ReportRequest) -> SectionResult:
    period, comparison = request.period, request.comparison
    effect = effect_summary(start=period.start, end=period.end, unit_ids=request.unit_ids)
    before = (
        effect_summary(start=comparison.start, end=comparison.end, unit_ids=request.unit_ids)
        if comparison is not None
        else None
    )
    return summarise(effect, before)


SECTION = ReportSection(
    code=CODE,
    title=gettext_lazy("手続・会議の見直し"),
    order=85,
    compute=compute,
    intro=gettext_lazy(
        "押印・書面・対面（来庁）・添付書類と定例会議の見直しのうち、報告期間に決定したものの"
        "効果です。削減時間は年間件数と結果ごとの前提から推計した、年間の職員の作業時間です。"
    ),
    tags=frozenset({"reviews"}),
)

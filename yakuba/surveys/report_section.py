"""The evidence report's section 「アンケートから見た効果と課題」 (evaluation.sections).

For the report's period — and its comparison period — the latest survey that closed in it
(not a template, launched): its response rate, each 5-point question as a figure (share
agreeing, 4 or 5, with the mean in the note; the comparison is the same question, by its
text, in the comparison period's survey), a table of those questions (drawn as a chart),
and for each free-text question the largest groups of answers by shared words with their
counts. Everything comes from `results_selectors.survey_results` — the small-group rule
applied, so a survey with fewer than 5 respondents gives no figures — in a constant number
of queries (two surveys at most). Each figure and table links to the survey's results page.
``has_data=False`` when no survey closed in the period.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yakuba.core.charts import BLUE, GREY, Chart, Series
from yakuba.evaluation.sections import (
    Figure,
    Period,
    ReportRequest,
    ReportSection,
    SectionResult,
    Source,
    Table,
    register,
)
from yakuba.surveys import results as R
from yakuba.surveys import results_selectors
from yakuba.surveys.models import Survey, SurveyStatus

CODE = "surveys"
TOP_GROUPS = 5


def closed_in(period: Period) -> Survey | None:
    """The latest survey closed within ``period`` or about it (its own period, the days it
    asks about, overlaps it), in one query. A survey about last month closes in this
    month; it still belongs to a report on last month."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    about = Q(period_start__isnull=False, period_end__isnull=False) & Q(
        period_start__lte=period.end, period_end__gte=period.start
    )
    closed_then = Q(closes_at__gte=start, closes_at__lt=end)
    return (
        Survey.objects.filter(
            about | closed_then,
            is_template=False,
            status__in=(SurveyStatus.OPEN, SurveyStatus.CLOSED),
            closes_at__lte=timezone.now(),
        )
        .order_by("-closes_at", "-pk")
        .first()
    )


def _scales(data: results_selectors.SurveyResults) -> dict[str, R.QuestionSummary]:
    return {
        q.question.text: q
        for q in data.results.questions
        if q.kind == R.SCALE and q.agree_percent is not None
    }


def compute(request: ReportRequest) -> SectionResult:
    survey = closed_in(request.period)
    if survey is None:
        return SectionResult(has_data=False)
    earlier = closed_in(request.comparison) if request.comparison else None
    data = results_selectors.survey_results(survey)
    before = results_selectors.survey_results(earlier) if earlier else None
    source = Source(
        _("アンケート「%(title)s」の回答") % {"title": survey.title},
        reverse("surveys:results", args=[survey.pk]),
    )
    paragraphs: list[str] = []
    if request.unit_ids is not None:
        paragraphs.append(
            _("アンケートの結果は、個人が特定されないよう全庁の回答者についてのものです。")
        )
    if before is not None and earlier is not None:
        paragraphs.append(
            _("比較期間の値は、アンケート「%(title)s」の同じ質問の結果です。")
            % {"title": earlier.title}
        )
    figures = [
        Figure(
            key="survey-response-rate",
            label=_("回答率"),
            value=data.rate.percent,
            unit="%",
            comparison=before.rate.percent if before else None,
            source=source,
            note=_("回答 %(answered)s 人 / 対象 %(invited)s 人")
            % {"answered": data.rate.answered, "invited": data.rate.invited},
        )
    ]
    if not data.results.shown:
        paragraphs.append(
            _("回答者が%(k)s人未満のため、個人が特定されないよう結果は載せていません。")
            % {"k": data.results.min_group}
        )
        return SectionResult(figures=figures, paragraphs=paragraphs)
    now_scales = _scales(data)
    then_scales = _scales(before) if before and before.results.shown else {}
    for index, (text, q) in enumerate(now_scales.items(), start=1):
        then = then_scales.get(text)
        figures.append(
            Figure(
                key=f"survey-scale-{index}",
                label=text,
                value=q.agree_percent,
                unit="%",
                comparison=then.agree_percent if then else None,
                source=source,
                note=_("「ややそう思う」「そう思う」の割合。平均 %(mean)s（5段階、回答 %(n)s 人）")
                % {"mean": q.mean, "n": q.answered},
            )
        )
    tables: list[Table] = []
    if now_scales:
        texts = list(now_scales)
        rows: list[list[object]] = [
            [
                text,
                now_scales[text].agree_percent,
                now_scales[text].mean,
                then_scales[text].agree_percent if text in then_scales else None,
                then_scales[text].mean if text in then_scales else None,
                now_scales[text].answered,
            ]
            for text in texts
        ]
        series = [
            Series(_("対象期間"), [now_scales[t].agree_percent for t in texts], BLUE),
        ]
        if then_scales:
            series.append(
                Series(
                    _("比較期間"),
                    [then_scales[t].agree_percent if t in then_scales else None for t in texts],
                    GREY,
                )
            )
        tables.append(
            Table(
                key="survey-scales",
                title=_("5段階評価の質問：肯定的な回答の割合と平均"),
                columns=[
                    _("質問"),
                    _("肯定的な回答（%）"),
                    _("平均（1〜5）"),
                    _("比較期間の肯定的な回答（%）"),
                    _("比較期間の平均"),
                    _("回答者"),
                ],
                rows=rows,
                source=source,
                chart=Chart(
                    title=_("肯定的な回答（4・5）の割合"),
                    categories=[f"問{now_scales[t].question.number}" for t in texts],
                    series=series,
                    unit="%",
                    y_max=100,
                    point_titles=[
                        _("%(text)s：%(value)s%%")
                        % {"text": t, "value": now_scales[t].agree_percent}
                        for t in texts
                    ],
                    chart_id="report-survey-scales",
                    label_every=1,
                ),
            )
        )
    for q in data.results.questions:
        if q.kind != R.TEXT or not q.texts:
            continue
        groups, _texts = R.text_groups(q.question, data.answers, data.results.members)
        top = [g for g in groups if not g.other][:TOP_GROUPS]
        if not top:
            continue
        tables.append(
            Table(
                key=f"survey-texts-{q.question.number}",
                title=_("問%(n)s「%(text)s」の記述：多かった話題")
                % {"n": q.question.number, "text": q.question.text},
                columns=[_("共通する言葉"), _("件数"), _("記述のうちの割合（%）")],
                rows=[[g.label, g.count, round(100.0 * g.count / q.texts, 1)] for g in top],
                source=source,
                note=_(
                    "記述 %(n)s 件を共通する言葉でまとめたもの。"
                    "1件が複数の話題に入ることがあります。"
                )
                % {"n": q.texts},
            )
        )
    return SectionResult(figures=figures, tables=tables, paragraphs=paragraphs)


SECTION = ReportSection(
    code=CODE,
    title=gettext_lazy("アンケートから見た効果と課題"),
    order=50,
    compute=compute,
    intro=gettext_lazy(
        "期間中に締め切った職員アンケートの結果です。5人未満のまとまりは載せていません。"
    ),
    tags=frozenset({"survey"}),
)


def register_section() -> None:
    register(SECTION)

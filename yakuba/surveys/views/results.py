"""Survey results (VIEW_SURVEY_RESULTS: hr, planning, auditor): the list, a survey's
results with a filter and a breakdown, its free-text groups (htmx) and the .xlsx export.

Thin: the selectors apply the small-group rule; these pages only render what they get.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core import charts
from yakuba.core.downloads import XLSX_CONTENT_TYPE, download
from yakuba.core.permissions import capability_required, get_for_user_or_404, parse_pk
from yakuba.surveys import results as R
from yakuba.surveys import results_export as export
from yakuba.surveys import results_selectors
from yakuba.surveys.models import Survey

MAX_FILTER_PARAM = 60


def _survey(request: AuthenticatedHttpRequest, pk: int) -> Survey:
    return get_for_user_or_404(results_selectors.surveys_with_results, request.user, pk)


def _params(request: AuthenticatedHttpRequest) -> tuple[str, str]:
    raw_filter = request.GET.get("filter", "")[:MAX_FILTER_PARAM]
    breakdown = request.GET.get("by", "")
    return raw_filter, breakdown if breakdown in R.DIMENSIONS else ""


@capability_required(Capability.VIEW_SURVEY_RESULTS)
def results_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    surveys = list(results_selectors.surveys_with_results(request.user))
    return render(request, "surveys/results_list.html", {"surveys": surveys})


def _chart(summary: R.QuestionSummary) -> SafeString | None:
    if summary.kind not in (R.SCALE, R.SINGLE, R.MULTIPLE, R.DATE) or not summary.answered:
        return None
    q = summary.question
    return charts.bar_chart(
        charts.Chart(
            title=_("問%(n)s %(text)s") % {"n": q.number, "text": q.text},
            description=_("回答した %(n)s 人の内訳（人数）。数値は下の表にあります。")
            % {"n": summary.answered},
            categories=[o.label for o in summary.options],
            series=[charts.Series(_("回答数"), [o.count for o in summary.options], charts.BLUE)],
            unit=_("人"),
            point_titles=[
                _("%(label)s：%(count)s 人（%(percent)s%%）")
                % {
                    "label": o.label,
                    "count": o.count,
                    "percent": o.percent if o.percent is not None else "—",
                }
                for o in summary.options
            ],
            chart_id=f"q{q.id}",
            label_every=1,
        )
    )


@capability_required(Capability.VIEW_SURVEY_RESULTS)
def results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    raw_filter, breakdown = _params(request)
    data = results_selectors.survey_results(survey, filter_param=raw_filter, breakdown=breakdown)
    questions = [
        {"summary": q, "chart": _chart(q), "rows": _breakdown_rows(data.results, q)}
        for q in data.results.questions
    ]
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "data": data,
            "results": data.results,
            "questions": questions,
            "dimensions": list(R.dimension_labels().items()),
            "breakdown_label": R.dimension_labels().get(data.results.breakdown, ""),
            "filter_param": raw_filter,
            "breakdown": breakdown,
        },
    )


def _breakdown_rows(results: R.Results, q: R.QuestionSummary) -> list[tuple[R.Row, object]]:
    return [(row, row.summaries[q.question.id]) for row in results.rows]


@capability_required(Capability.VIEW_SURVEY_RESULTS)
def text_groups(request: AuthenticatedHttpRequest, pk: int, question: int) -> HttpResponse:
    """The free texts of one question grouped by shared words (htmx partial)."""
    survey = _survey(request, pk)
    raw_filter, _breakdown = _params(request)
    data = results_selectors.survey_results(survey, filter_param=raw_filter)
    info = next((q for q in data.questions if q.id == parse_pk(question)), None)
    if info is None:
        raise Http404("no such question in this survey")
    groups, texts = (
        R.text_groups(info, data.answers, data.results.members)
        if data.shown and data.results.shown
        else ([], [])
    )
    return render(
        request,
        "surveys/partials/text_groups.html",
        {
            "survey": survey,
            "question": info,
            "data": data,
            "groups": [(g, [texts[i] for i in g.keys]) for g in groups],
            "texts": len(texts),
        },
    )


@capability_required(Capability.VIEW_SURVEY_RESULTS)
def results_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    raw_filter, _breakdown = _params(request)
    data = results_selectors.survey_results(survey, filter_param=raw_filter)
    if not data.shown or not data.results.shown:
        sheets: list[export.Sheet] = [(_("集計"), [_("お知らせ")], [[_withheld_message(data)]])]
    else:
        breakdowns = {
            dimension: data.by(dimension)
            for dimension in R.DIMENSIONS
            if not (data.results.filter and data.results.filter.dimension == dimension)
        }
        sheets = export.sheets(data, breakdowns)
        if not survey.anonymous and not raw_filter:
            keys, people, answers = results_selectors.named_responses(
                survey, data.questions, data.answers
            )
            sheets.insert(0, export.named_sheet(data.questions, people, answers, keys))
    return download(
        lambda: export.workbook(sheets),
        filename=f"survey-{survey.pk}-results.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="surveys.survey",
        object_repr=f"survey {survey.pk} results (xlsx)",
        changes={
            "anonymous": survey.anonymous,
            "filter": raw_filter,
            "respondents": data.results.respondents,
        },
    )


def _withheld_message(data: results_selectors.SurveyResults) -> str:
    if not data.shown:
        return _("匿名のアンケートの結果は、回答の締切後に表示します。")
    if data.results.withheld == "filter":
        return _(
            "この条件に当てはまる回答者は、個人が特定されないよう表示できる人数"
            "（%(k)s人）に達していません。"
        ) % {"k": data.results.min_group}
    return _("回答者が%(k)s人未満のため、個人が特定されないよう結果は表示しません。") % {
        "k": data.results.min_group
    }

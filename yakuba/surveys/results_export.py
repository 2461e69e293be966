"""The results as .xlsx (core.tabular.write_xlsx: every cell through safe_cell).

- every survey: 「集計」 (each question's figures) and one sheet per breakdown
  (所属別, 役割別, 雇用区分別, 在宅勤務日数別) with the rows the small-group rule allows —
  the very `results.Results` the page shows, so an export never shows more than the page;
  free-text questions as their word groups with counts (never the texts of an anonymous
  survey);
- named surveys also 「回答一覧」: one row per respondent with staff number, name and unit.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from yakuba.core.tabular import write_xlsx
from yakuba.surveys import results as R
from yakuba.surveys.results_selectors import SurveyResults

Sheet = tuple[str, Sequence[str], list[list[object]]]


def _summary_rows(q: R.QuestionSummary, label: str = "") -> list[list[object]]:
    head: list[object] = [f"問{q.question.number}", q.question.text]
    if label:
        head = [label, *head]
    rows: list[list[object]] = []
    if q.kind in (R.SCALE, R.SINGLE, R.MULTIPLE, R.DATE):
        for option in q.options:
            rows.append([*head, option.label, option.count, option.percent, q.answered])
        if q.kind == R.SCALE:
            rows.append([*head, _("平均（1〜5）"), q.mean, None, q.answered])
            rows.append([*head, _("肯定的な回答（4・5）の割合"), None, q.agree_percent, q.answered])
    elif q.kind == R.NUMBER:
        for name, value in (
            (_("平均"), q.mean),
            (_("第1四分位"), q.p25),
            (_("中央値"), q.median),
            (_("第3四分位"), q.p75),
        ):
            rows.append([*head, name, value, None, q.answered])
    else:
        rows.append([*head, _("回答数"), q.texts, None, q.answered])
    return rows


def sheets(data: SurveyResults, breakdowns: dict[str, R.Results]) -> list[Sheet]:
    header = [_("問"), _("質問"), _("選択肢・項目"), _("回答数"), _("割合（%）"), _("回答者数")]
    out: list[Sheet] = []
    summary: list[list[object]] = []
    for q in data.results.questions:
        summary.extend(_summary_rows(q))
        if q.kind == R.TEXT or q.texts:
            groups, _texts = R.text_groups(q.question, data.answers, data.results.members)
            for group in groups:
                summary.append(
                    [
                        f"問{q.question.number}",
                        q.question.text,
                        _("記述のまとまり：%(label)s") % {"label": group.label or _("その他")},
                        group.count,
                        None,
                        q.answered,
                    ]
                )
    out.append((_("集計"), header, summary))
    names = R.dimension_labels()
    for dimension, result in breakdowns.items():
        rows: list[list[object]] = []
        for row in result.rows:
            for q in row.summaries.values():
                for line in _summary_rows(q, row.label):
                    rows.append([*line[:1], row.respondents, *line[1:]])
        out.append(
            (
                _("%(dimension)s別") % {"dimension": names[dimension]},
                [names[dimension], _("回答者数（グループ）"), *header],
                rows,
            )
        )
    return out


def named_sheet(
    questions: Sequence[R.QuestionInfo],
    people: Sequence[tuple[str, str, str, str]],
    answers: dict[object, dict[int, list[str]]],
    keys: Sequence[object],
) -> Sheet:
    header: list[str] = [
        _("職員番号"),
        _("氏名"),
        _("所属"),
        _("回答日"),
        *(f"問{q.number} {q.text}" for q in questions),
    ]
    rows: list[list[object]] = [
        [*person, *("、".join(answers.get(key, {}).get(q.id, [])) for q in questions)]
        for key, person in zip(keys, people, strict=True)
    ]
    return (_("回答一覧"), header, rows)


def workbook(sheet_list: Sequence[Sheet]) -> bytes:
    return write_xlsx([(title[:31], header, rows) for title, header, rows in sheet_list])

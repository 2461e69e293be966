"""Answering (every member of staff, only the surveys they are invited to — others 404):
「わたしのアンケート」 and the survey page, one section per page, phone-first.

Every button keeps a draft (「一時保存」 on purpose, 「次へ」/「戻る」 on the way) so a
person can stop and come back. 「次へ」 checks the page's answers; 「回答を送信」 checks
everything again on the server (`answering.submit`). A question shown by an answer on
the same page is revealed by a small script (`surveys/answer.js`); without it, it stays
visible with its condition written next to it, and the server ignores it when hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.core.permissions import get_for_user_or_404, login_required
from yakuba.surveys import answering, selectors
from yakuba.surveys.models import Draft, Invitation, Question, Section
from yakuba.surveys.validation import (
    draft_values,
    field_name,
    is_shown,
    other_name,
    validate,
    values,
)


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    rows: list[dict[str, Any]] = [
        {"invitation": inv, "survey": inv.survey, "accepting": selectors.accepting(inv.survey, now)}
        for inv in selectors.my_invitations(request.user)
    ]
    return render(
        request,
        "surveys/mine.html",
        {
            "to_answer": [r for r in rows if r["accepting"] and not r["invitation"].answered],
            "others": [r for r in rows if not (r["accepting"] and not r["invitation"].answered)],
        },
    )


def page_questions(
    structure: selectors.Structure,
    section: Section,
    answers: Mapping[str, Any],
    telework_days: int | None,
) -> list[dict[str, Any]]:
    """The questions of `section` to show, with the current answers. `telework_days`
    None (the builder's preview) shows every question with its condition noted."""
    preview = telework_days is None
    mine = set(structure.in_section(section))
    earlier = [q for q in structure.questions if q not in mine]
    outcome = validate(earlier, structure.choices, answers, telework_days or 0)
    chosen = {c.pk for a in outcome.answers.values() for c in a.choices}
    owner = {c.pk: q for q in structure.questions for c in structure.choices.get(q.pk, [])}
    rows: list[dict[str, Any]] = []
    for q in structure.in_section(section):
        target = owner.get(q.show_if_choice_id) if q.show_if_choice_id else None
        same_page = target is not None and target in mine
        if not preview:
            extra = {q.show_if_choice_id} if same_page and q.show_if_choice_id else set()
            visible = is_shown(q, chosen | extra, telework_days or 0)
            if not visible:
                continue
        given = values(answers, field_name(q))
        rows.append(
            {
                "question": q,
                "name": field_name(q),
                "other_name": other_name(q),
                "choices": structure.choices.get(q.pk, []),
                "given": given,
                "value": given[0] if given else "",
                "other": " ".join(values(answers, other_name(q))),
                "labels": list(enumerate(q.labels(), start=1)),
                "js_condition": q.show_if_choice_id if same_page else None,
                "condition_target": target,
                "condition_choice": q.show_if_choice,
                "preview": preview,
            }
        )
    return rows


def _pages(
    structure: selectors.Structure, answers: Mapping[str, Any], telework_days: int
) -> list[tuple[Section, list[dict[str, Any]]]]:
    pages = []
    for section in structure.sections:
        rows = page_questions(structure, section, answers, telework_days)
        if rows:
            pages.append((section, rows))
    return pages


def _merged(structure: selectors.Structure, draft: Draft | None, post: Any) -> dict[str, Any]:
    merged = dict(draft.answers) if draft is not None else {}
    for value in post.getlist("shown"):
        if value.isdigit():
            merged.pop(f"q{value}", None)
            merged.pop(f"q{value}_other", None)
    merged.update(draft_values(structure.questions, post))
    return merged


def _page_number(raw: str | None, count: int) -> int:
    number = int(raw) if raw and raw.isdigit() else 1
    return min(max(number, 1), max(count, 1))


@login_required
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = get_for_user_or_404(selectors.my_surveys, request.user, pk)
    staff = request.user.staff
    invitation = Invitation.objects.get(survey=survey, staff=staff)
    base = {"survey": survey, "invitation": invitation}
    if invitation.answered:
        if request.method == "POST":
            # A second submit (another tab, the back button): refused, said plainly.
            messages.error(request, answering.AlreadyAnswered().message)
            return render(request, "surveys/answered.html", base, status=409)
        return render(request, "surveys/answered.html", base)
    now = timezone.now()
    if not selectors.accepting(survey, now):
        return render(
            request,
            "surveys/closed.html",
            {**base, "message": answering.NotAccepting(survey, now).message},
        )
    structure = selectors.structure(survey)
    draft = Draft.objects.filter(survey=survey, staff=staff).first()
    errors: dict[int, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        answers = _merged(structure, draft, request.POST)
        number = _page_number(request.POST.get("page"), 10_000)
        try:
            if action == "submit":
                answering.submit(actor=request.user, survey=survey, raw=answers)
                messages.success(
                    request,
                    _("ご回答ありがとうございました。「%(title)s」への回答を受け付けました。")
                    % {"title": survey.title},
                )
                return redirect("surveys:mine")
            answering.save_draft(actor=request.user, survey=survey, raw=request.POST)
        except answering.NotAccepting as exc:
            return render(request, "surveys/closed.html", {**base, "message": exc.message})
        except answering.AlreadyAnswered as exc:
            messages.info(request, exc.message)
            return redirect("surveys:mine")
        except answering.Invalid as exc:
            answering.save_draft(actor=request.user, survey=survey, raw=request.POST)
            errors = exc.outcome.errors
            pages = _pages(structure, answers, invitation.telework_days)
            first = next(
                (
                    i
                    for i, (_s, rows) in enumerate(pages, 1)
                    if any(r["question"].pk in errors for r in rows)
                ),
                number,
            )
            return _render_page(request, base, pages, first, errors, answers)
        pages = _pages(structure, answers, invitation.telework_days)
        if action in ("next", "prev"):
            if action == "next":
                shown = (
                    {r["question"].pk for r in pages[number - 1][1]}
                    if number <= len(pages)
                    else set()
                )
                outcome = validate(
                    structure.questions,
                    structure.choices,
                    answers,
                    invitation.telework_days,
                    only=shown,
                )
                if outcome.errors:
                    return _render_page(request, base, pages, number, outcome.errors, answers)
            target = number + (1 if action == "next" else -1)
            return redirect(f"{request.path}?page={_page_number(str(target), len(pages))}")
        messages.success(
            request,
            _("一時保存しました。締切（%(at)s）までに「回答を送信」を押してください。")
            % {"at": timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M")},
        )
        return redirect(f"{request.path}?page={_page_number(str(number), len(pages))}")
    answers = dict(draft.answers) if draft is not None else {}
    pages = _pages(structure, answers, invitation.telework_days)
    number = _page_number(request.GET.get("page"), len(pages))
    return _render_page(request, base, pages, number, errors, answers)


def _render_page(
    request: AuthenticatedHttpRequest,
    base: dict[str, Any],
    pages: list[tuple[Section, list[dict[str, Any]]]],
    number: int,
    errors: dict[int, str],
    answers: Mapping[str, Any],
) -> HttpResponse:
    number = _page_number(str(number), len(pages))
    section, rows = pages[number - 1] if pages else (None, [])
    for row in rows:
        row["error"] = errors.get(row["question"].pk, "")
    here = {r["question"].pk for r in rows}
    elsewhere = [
        {"page": i, "section": s, "question": r["question"], "error": errors[r["question"].pk]}
        for i, (s, page_rows) in enumerate(pages, 1)
        for r in page_rows
        if r["question"].pk in errors and r["question"].pk not in here
    ]
    return render(
        request,
        "surveys/answer.html",
        {
            **base,
            "section": section,
            "rows": rows,
            "number": number,
            "count": len(pages),
            "last": number >= len(pages),
            "errors": errors,
            "elsewhere": elsewhere,
            "shown_ids": sorted(here),
        },
        status=400 if errors else 200,
    )


def question_label(question: Question) -> str:
    return question.text

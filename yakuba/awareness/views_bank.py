"""Infosec's question bank (`Capability.MANAGE_AWARENESS`): list and filter, lessons and
questions with their choices, take out of use, .xlsx import/export, the starter bank and
the weekly number of questions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.awareness import bank, selectors, services
from yakuba.awareness.forms import (
    BankFilterForm,
    ImportForm,
    LessonForm,
    QuestionForm,
    SettingsForm,
)
from yakuba.awareness.models import Lesson, Question
from yakuba.core.downloads import download
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.core.tabular import XLSX_CONTENT_TYPE

manage = capability_required(Capability.MANAGE_AWARENESS)


@manage
def bank_list(request: HttpRequest) -> HttpResponse:
    form = BankFilterForm(request.GET or None)
    values = form.values()
    questions = list(selectors.bank_questions(**values))
    lessons = list(selectors.bank_lessons(**values))
    empty = not questions and not lessons and not Question.objects.exists()
    return render(
        request,
        "awareness/bank/list.html",
        {
            "form": form,
            "questions": questions,
            "lessons": lessons,
            "empty": empty,
            "filtered": any(values.values()),
            "weekly": selectors.weekly_quota(),
        },
    )


def _question_form(request: AuthenticatedHttpRequest, question: Question | None) -> HttpResponse:
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in bank.QUESTION_FIELDS if k != "active"}
        try:
            saved = bank.save_question(
                actor=request.user, question=question, values=values, choices=form.choices()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("問題「%(code)s」を保存しました。") % {"code": saved.code})
            return redirect("awareness:bank")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "awareness/bank/question_form.html",
        {"form": form, "question": question},
        status=status,
    )


@manage
def question_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _question_form(request, None)


@manage
def question_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _question_form(request, get_for_user_or_404(Question.objects.all(), request.user, pk))


def _lesson_form(request: AuthenticatedHttpRequest, lesson: Lesson | None) -> HttpResponse:
    form = LessonForm(request.POST or None, instance=lesson)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in bank.LESSON_FIELDS if k != "active"}
        try:
            saved = bank.save_lesson(actor=request.user, lesson=lesson, values=values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("レッスン「%(title)s」を保存しました。") % {"title": saved})
            return redirect("awareness:bank")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "awareness/bank/lesson_form.html", {"form": form, "lesson": lesson}, status=status
    )


@manage
def lesson_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _lesson_form(request, None)


@manage
def lesson_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _lesson_form(request, get_for_user_or_404(Lesson.objects.all(), request.user, pk))


def _set_active(request: AuthenticatedHttpRequest, obj: Lesson | Question, label: str) -> None:
    active = request.POST.get("active") == "1"
    bank.set_active(actor=request.user, obj=obj, active=active)
    if active:
        messages.success(request, _("「%(name)s」を使用中に戻しました。") % {"name": label})
    else:
        messages.success(
            request,
            _("「%(name)s」を使用しないようにしました（回答の履歴は残ります）。") % {"name": label},
        )


@require_POST
@manage
def question_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = get_for_user_or_404(Question.objects.all(), request.user, pk)
    _set_active(request, question, question.code)
    return redirect("awareness:bank")


@require_POST
@manage
def lesson_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lesson = get_for_user_or_404(Lesson.objects.all(), request.user, pk)
    _set_active(request, lesson, lesson.title)
    return redirect("awareness:bank")


@manage
def bank_export(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate().isoformat()
    return download(
        bank.export_xlsx,
        filename=f"question-bank-{day}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        actor=request.user,
        object_type="awareness.question",
        object_repr=f"question bank {day} (xlsx)",
    )


@manage
def bank_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[bank.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = bank.import_bank(actor=request.user, filename=upload.name, data=upload.read())
        except bank.BankProblems as exc:
            problems = exc.problems
        else:
            messages.success(
                request,
                _(
                    "取り込みました：レッスン 追加 %(lc)s件・更新 %(lu)s件、"
                    "問題 追加 %(qc)s件・更新 %(qu)s件。"
                )
                % {
                    "lc": summary.lessons_created,
                    "lu": summary.lessons_updated,
                    "qc": summary.questions_created,
                    "qu": summary.questions_updated,
                },
            )
            return redirect("awareness:bank")
    status = 400 if request.method == "POST" else 200
    context: dict[str, Any] = {"form": form, "problems": problems}
    return render(request, "awareness/bank/import.html", context, status=status)


@require_POST
@manage
def load_starter(request: AuthenticatedHttpRequest) -> HttpResponse:
    summary = bank.load_starter_bank(actor=request.user)
    messages.success(
        request,
        _("スターター問題集を読み込みました（レッスン %(lessons)s件・問題 %(questions)s件）。")
        % {"lessons": summary.lessons_created, "questions": summary.questions_created},
    )
    return redirect("awareness:bank")


@manage
def bank_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    row = selectors.settings_row()
    form = SettingsForm(
        request.POST or None, initial={"weekly_questions": selectors.weekly_quota()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(
                actor=request.user, weekly_questions=form.cleaned_data["weekly_questions"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("出題の設定を保存しました。"))
            return redirect("awareness:bank")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "awareness/bank/settings.html", {"form": form, "row": row}, status=status
    )

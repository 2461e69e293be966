"""The builders' pages (MANAGE_SURVEYS: HR and the planning unit): list, create (from
scratch or the shipped template), edit sections/questions/choices, preview, launch,
remind, close. Thin: form → service → redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakuba.accounts.request import AuthenticatedHttpRequest
from yakuba.accounts.roles import Capability
from yakuba.core.permissions import capability_required, get_for_user_or_404
from yakuba.rosters.audience import Audience, AudienceForm, previous_month, resolve
from yakuba.surveys import building, defaults, reminders, selectors
from yakuba.surveys.forms import QuestionForm, SectionForm, SurveyForm
from yakuba.surveys.models import Question, Section, Survey, SurveyStatus
from yakuba.surveys.views.answer import page_questions

MANAGE = Capability.MANAGE_SURVEYS
AUDIENCE_PREFIX = "aud"


def _errors(request: AuthenticatedHttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _survey(request: AuthenticatedHttpRequest, pk: int) -> Survey:
    return get_for_user_or_404(selectors.manageable_surveys, request.user, pk)


def _section(request: AuthenticatedHttpRequest, pk: int) -> Section:
    scoped = Section.objects.filter(survey__in=selectors.manageable_surveys(request.user))
    return get_for_user_or_404(scoped.select_related("survey"), request.user, pk)


def _question(request: AuthenticatedHttpRequest, pk: int) -> Question:
    scoped = Question.objects.filter(survey__in=selectors.manageable_surveys(request.user))
    return get_for_user_or_404(scoped.select_related("survey", "section"), request.user, pk)


@capability_required(MANAGE)
def survey_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    surveys = list(selectors.manageable_surveys(request.user).filter(is_template=False))
    templates = list(selectors.manageable_surveys(request.user).filter(is_template=True))
    counts = selectors.counts(s.pk for s in surveys)
    now = timezone.now()
    rows = [
        {
            "survey": s,
            "invited": counts.get(s.pk, (0, 0))[0],
            "answered": counts.get(s.pk, (0, 0))[1],
            "accepting": selectors.accepting(s, now),
        }
        for s in surveys
    ]
    shipped = not any(t.template_key == defaults.TEMPLATE_KEY for t in templates)
    return render(
        request,
        "surveys/manage_list.html",
        {
            "rows": rows,
            "templates": templates,
            "shipped_title": defaults.TITLE if shipped else "",
            "shipped_questions": defaults.question_count(),
        },
    )


def _survey_form(request: AuthenticatedHttpRequest, survey: Survey | None) -> HttpResponse:
    draft = survey is None or survey.status == SurveyStatus.DRAFT
    if request.method == "POST":
        form = SurveyForm(request.POST, instance=survey)
        audience_form = AudienceForm(request.POST, prefix=AUDIENCE_PREFIX)
        audience_ok = audience_form.is_valid() if draft else True
        if form.is_valid() and audience_ok:
            values = {k: form.cleaned_data[k] for k in form.Meta.fields}
            try:
                saved = building.save_survey(
                    actor=request.user,
                    survey=survey,
                    values=values,
                    audience=audience_form.audience() if draft else None,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("「%(title)s」を保存しました。") % {"title": saved})
                return redirect("surveys:survey_detail", pk=saved.pk)
    else:
        form = SurveyForm(instance=survey)
        audience = Audience.from_json(survey.audience) if survey else Audience()
        audience_form = AudienceForm(
            initial=AudienceForm.initial_for(audience), prefix=AUDIENCE_PREFIX
        )
    start, end = previous_month(timezone.localdate())
    return render(
        request,
        "surveys/survey_form.html",
        {
            "form": form,
            "audience_form": audience_form if draft else None,
            "survey": survey,
            "last_month": (start, end),
            "locked_message": None if draft else building.locked_message(),
        },
    )


@capability_required(MANAGE)
def survey_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _survey_form(request, None)


@capability_required(MANAGE)
def survey_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    if survey.status == SurveyStatus.CLOSED:
        messages.error(request, _("終了したアンケートは変更できません。"))
        return redirect("surveys:survey_detail", pk=survey.pk)
    return _survey_form(request, survey)


@require_POST
@capability_required(MANAGE)
def survey_from_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new draft copied from the shipped 「テレワーク実施状況調査」, with last month as
    its period and audience 「先月在宅勤務した人」 to start from."""
    copy = building.create_from_template(actor=request.user)
    template = copy.source or copy
    messages.success(
        request,
        _("ひな形「%(title)s」から作成しました。対象・締切・質問を確かめてください。")
        % {"title": template.title},
    )
    return redirect("surveys:survey_detail", pk=copy.pk)


@require_POST
@capability_required(MANAGE)
def survey_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = _survey(request, pk)
    copy = building.copy_survey(
        actor=request.user, source=source, title=_("%(title)s（コピー）") % {"title": source}
    )
    messages.success(request, _("コピーを作成しました。"))
    return redirect("surveys:survey_detail", pk=copy.pk)


@require_POST
@capability_required(MANAGE)
def survey_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        building.delete_survey(actor=request.user, survey=survey)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("surveys:survey_detail", pk=survey.pk)
    messages.success(request, _("「%(title)s」を削除しました。") % {"title": survey})
    return redirect("surveys:manage_list")


@capability_required(MANAGE)
def survey_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    structure = selectors.structure(survey)
    now = timezone.now()
    context: dict[str, Any] = {
        "survey": survey,
        "sections": [
            {"section": s, "questions": structure.in_section(s)} for s in structure.sections
        ],
        "choices": structure.choices,
        "draft": survey.status == SurveyStatus.DRAFT,
        "accepting": selectors.accepting(survey, now),
        "locked_message": building.locked_message(),
    }
    if survey.status == SurveyStatus.DRAFT and not survey.is_template:
        context["audience_count"] = resolve(Audience.from_json(survey.audience)).count()
        context["problems"] = building.launch_problems(survey, now)
    else:
        invited, answered = selectors.counts([survey.pk]).get(survey.pk, (0, 0))
        context.update(invited=invited, answered=answered)
    return render(request, "surveys/survey_detail.html", context)


@capability_required(MANAGE)
def survey_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every question on one page as a respondent sees it (nothing is saved). Questions
    shown by telework days are all shown, marked with their condition."""
    survey = _survey(request, pk)
    structure = selectors.structure(survey)
    return render(
        request,
        "surveys/preview.html",
        {
            "survey": survey,
            "pages": [
                {"section": s, "questions": page_questions(structure, s, {}, None)}
                for s in structure.sections
            ],
        },
    )


@require_POST
@capability_required(MANAGE)
def survey_launch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        invited = building.launch(actor=request.user, survey=survey)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("回答の受付を始めました。%(n)s 名に回答をお願いしました。") % {"n": invited},
        )
    return redirect("surveys:survey_detail", pk=survey.pk)


@require_POST
@capability_required(MANAGE)
def survey_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        building.close(actor=request.user, survey=survey)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("締め切りました。これ以降の回答は受け付けません。"))
    return redirect("surveys:survey_detail", pk=survey.pk)


@require_POST
@capability_required(MANAGE)
def survey_remind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        sent = reminders.remind_now(actor=request.user, survey=survey)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if sent:
            messages.success(request, _("未回答の %(n)s 名に催促を送りました。") % {"n": sent})
        else:
            messages.info(
                request,
                _("催促する人はいません（全員回答済みか、今日すでに催促しています）。"),
            )
    return redirect("surveys:survey_detail", pk=survey.pk)


# --- sections ---------------------------------------------------------------------------


def _section_form(
    request: AuthenticatedHttpRequest, survey: Survey, section: Section | None
) -> HttpResponse:
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            building.save_section(
                actor=request.user, survey=survey, section=section, values=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("セクションを保存しました。"))
            return redirect("surveys:survey_detail", pk=survey.pk)
    return render(
        request, "surveys/section_form.html", {"form": form, "survey": survey, "section": section}
    )


@capability_required(MANAGE)
def section_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    if survey.status != SurveyStatus.DRAFT:
        messages.error(request, building.locked_message())
        return redirect("surveys:survey_detail", pk=survey.pk)
    return _section_form(request, survey, None)


@capability_required(MANAGE)
def section_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    return _section_form(request, section.survey, section)


@require_POST
@capability_required(MANAGE)
def section_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    try:
        building.delete_section(actor=request.user, section=section)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("セクション「%(title)s」を削除しました。") % {"title": section})
    return redirect("surveys:survey_detail", pk=section.survey_id)


def _delta(request: AuthenticatedHttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


@require_POST
@capability_required(MANAGE)
def section_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    try:
        building.move_section(actor=request.user, section=section, delta=_delta(request))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:survey_detail", pk=section.survey_id)


# --- questions --------------------------------------------------------------------------


def _question_form(
    request: AuthenticatedHttpRequest, survey: Survey, question: Question | None
) -> HttpResponse:
    initial = {}
    if question is None and request.GET.get("section", "").isdigit():
        initial["section"] = int(request.GET["section"])
    form = QuestionForm(request.POST or None, instance=question, survey=survey, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            building.save_question(
                actor=request.user,
                survey=survey,
                question=question,
                values=form.values(),
                choice_labels=form.cleaned_data["choice_labels"],
                with_other=form.cleaned_data["with_other"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("質問を保存しました。"))
            return redirect("surveys:survey_detail", pk=survey.pk)
    return render(
        request,
        "surveys/question_form.html",
        {
            "form": form,
            "survey": survey,
            "question": question,
            "locked_message": None
            if survey.status == SurveyStatus.DRAFT
            else building.locked_message(),
        },
    )


@capability_required(MANAGE)
def question_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    if survey.status != SurveyStatus.DRAFT:
        messages.error(request, building.locked_message())
        return redirect("surveys:survey_detail", pk=survey.pk)
    if not survey.sections.exists():
        messages.error(request, _("先にセクションを作成してください。"))
        return redirect("surveys:survey_detail", pk=survey.pk)
    return _question_form(request, survey, None)


@capability_required(MANAGE)
def question_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    if question.survey.status == SurveyStatus.CLOSED:
        messages.error(request, _("終了したアンケートは変更できません。"))
        return redirect("surveys:survey_detail", pk=question.survey_id)
    return _question_form(request, question.survey, question)


@require_POST
@capability_required(MANAGE)
def question_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    try:
        building.delete_question(actor=request.user, question=question)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("質問を削除しました。"))
    return redirect("surveys:survey_detail", pk=question.survey_id)


@require_POST
@capability_required(MANAGE)
def question_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    try:
        building.move_question(actor=request.user, question=question, delta=_delta(request))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:survey_detail", pk=question.survey_id)

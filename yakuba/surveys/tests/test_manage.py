"""The builders' pages: HR and the planning unit may, nobody else; the shipped template;
editing sections, questions and choices; what stays fixed once a survey is open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yakuba.audit.models import AuditEntry
from yakuba.surveys import building, defaults
from yakuba.surveys.models import Choice, Invitation, Question, Section, Survey, SurveyStatus
from yakuba.surveys.tests.factories import launched, make_survey

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["staff", "unit_head", "infosec", "auditor", "sysadmin"])
def test_only_hr_and_planning_build_surveys(role, client_for, org) -> None:
    survey = make_survey()
    client = client_for(role)
    assert client.get(reverse("surveys:manage_list")).status_code == 403
    assert client.get(reverse("surveys:survey_detail", args=[survey.pk])).status_code == 403
    assert client.post(reverse("surveys:survey_launch", args=[survey.pk])).status_code == 403
    assert client.post(reverse("surveys:survey_from_template")).status_code == 403
    assert Survey.objects.count() == 1 and survey.status == SurveyStatus.DRAFT


@pytest.mark.parametrize("role", ["hr", "planning"])
def test_from_the_shipped_template_to_launch(role, client_for, org, roster) -> None:
    import datetime as dt

    from django.utils import timezone

    from yakuba.rosters.audience import previous_month

    start, end = previous_month(timezone.localdate())
    roster(org["staff"]["1001"], [start + dt.timedelta(days=1), start + dt.timedelta(days=2)])
    client = client_for(role)
    response = client.post(reverse("surveys:survey_from_template"))
    survey = Survey.objects.get(is_template=False)
    assert response["Location"] == reverse("surveys:survey_detail", args=[survey.pk])
    assert survey.title == "テレワーク実施状況調査" and survey.anonymous
    assert survey.questions.count() == defaults.question_count() >= 20
    assert Section.objects.filter(survey=survey).count() == 7
    assert survey.questions.filter(show_if_choice__isnull=False).exists()
    assert Choice.objects.filter(question__survey=survey, is_other=True).count() >= 3
    assert (survey.period_start, survey.period_end) == (start, end)
    page = client.get(response["Location"]).content.decode()
    # The audience preview: one person teleworked last month (the roster's published days).
    assert "今開始すると、1 名に回答をお願いします" in page
    assert "在宅勤務した人" in page
    client.post(reverse("surveys:survey_launch", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    inv = Invitation.objects.get(survey=survey)
    assert inv.staff == org["staff"]["1001"] and inv.telework_days == 2
    # The template itself stays a draft template; a second copy is a second survey.
    client.post(reverse("surveys:survey_from_template"))
    assert Survey.objects.filter(is_template=True).count() == 1
    assert Survey.objects.filter(is_template=False).count() == 2
    # The preview shows every question with its condition.
    preview = client.get(reverse("surveys:survey_preview", args=[survey.pk])).content.decode()
    assert (
        "在宅勤務を1日以上した人だけに表示" in preview
        and "「はい」を選んだ方への質問です" in preview
    )


def test_launch_refuses_clearly(planner, org) -> None:
    _user, client = planner
    survey = make_survey()  # conditions on telework days but no period
    page = client.post(reverse("surveys:survey_launch", args=[survey.pk]), follow=True)
    assert "対象期間（在宅勤務の日数を数える期間）を設定してください" in page.content.decode()
    assert not Invitation.objects.exists()


def test_building_sections_questions_and_choices(planner, org) -> None:
    _user, client = planner
    client.post(
        reverse("surveys:survey_create"),
        {"title": "職場環境アンケート", "anonymous": "on", "closes_at": "2030-01-31T17:00"},
    )
    survey = Survey.objects.get()
    assert survey.owner_role == "planning" and survey.owner_unit == org["shimin"]
    client.post(reverse("surveys:section_create", args=[survey.pk]), {"title": "働き方"})
    section = Section.objects.get()
    url = reverse("surveys:question_create", args=[survey.pk])
    # Too few choices: a clear message, nothing written.
    page = client.post(
        url, {"section": section.pk, "kind": "single", "text": "通勤手段", "choices_text": "電車"}
    )
    assert "選択肢を2つ以上入力してください" in page.content.decode()
    assert not Question.objects.exists()
    client.post(
        url,
        {
            "section": section.pk,
            "kind": "single",
            "text": "通勤手段",
            "required": "on",
            "choices_text": "電車\nバス\n自転車",
            "with_other": "on",
        },
    )
    question = Question.objects.get()
    assert [c.label for c in question.choices.order_by("order")] == [
        "電車",
        "バス",
        "自転車",
        "その他（自由記述）",
    ]
    bus = question.choices.get(label="バス")
    # A follow-up shown when 「バス」 is chosen.
    client.post(
        url,
        {
            "section": section.pk,
            "kind": "number",
            "text": "バスの乗車時間",
            "required": "on",
            "min_value": "0",
            "max_value": "180",
            "integer_only": "on",
            "show_if_choice": bus.pk,
        },
    )
    follow = Question.objects.get(text="バスの乗車時間")
    assert follow.show_if_choice == bus
    # Editing the choices keeps the ids of those kept (the condition survives).
    client.post(
        reverse("surveys:question_edit", args=[question.pk]),
        {
            "section": section.pk,
            "kind": "single",
            "text": "通勤手段",
            "required": "on",
            "choices_text": "徒歩\nバス\n電車",
        },
    )
    assert [c.label for c in question.choices.order_by("order")] == ["徒歩", "バス", "電車"]
    assert question.choices.get(label="バス").pk == bus.pk
    # A choice used by a condition cannot be removed.
    page = client.post(
        reverse("surveys:question_edit", args=[question.pk]),
        {"section": section.pk, "kind": "single", "text": "通勤手段", "choices_text": "徒歩\n電車"},
    )
    assert "表示条件に使われている選択肢は削除できません" in page.content.decode()
    # Moving the follow-up above its condition is refused.
    page = client.post(
        reverse("surveys:question_move", args=[follow.pk]), {"direction": "up"}, follow=True
    )
    assert "前にある質問の回答しか使えない" in page.content.decode()
    assert AuditEntry.objects.filter(object_type="surveys.question").count() >= 3


def test_once_open_only_wording_may_change(planner, org) -> None:
    _user, client = planner
    survey = make_survey()
    launched(survey, [org["staff"]["1001"]])
    q = survey.q["single"]
    detail = client.get(reverse("surveys:survey_detail", args=[survey.pk])).content.decode()
    assert building.locked_message() in detail
    base = {
        "section": q.section_id,
        "kind": "single",
        "required": "on",
        "choices_text": "はい\nいいえ",
        "with_other": "on",
    }
    # Fixing a typo in the wording is fine.
    client.post(
        reverse("surveys:question_edit", args=[q.pk]), {**base, "text": "在宅勤務をしましたか？"}
    )
    q.refresh_from_db()
    assert q.text == "在宅勤務をしましたか？"
    # Changing what an answer means is refused, with the reason.
    for change in (
        {"kind": "multiple"},
        {"choices_text": "はい\nいいえ\nたぶん"},
        {"required": ""},
    ):
        page = client.post(
            reverse("surveys:question_edit", args=[q.pk]), {**base, "text": q.text, **change}
        )
        assert "回答の意味が変わる変更" in page.content.decode(), change
    q.refresh_from_db()
    assert q.kind == "single" and q.choices.count() == 3 and q.required
    assert client.get(reverse("surveys:question_create", args=[survey.pk])).status_code == 302
    client.post(reverse("surveys:question_delete", args=[q.pk]))
    assert Question.objects.filter(pk=q.pk).exists()


def test_close_and_counts_on_the_list(planner, org, make_user) -> None:
    from yakuba.surveys import answering
    from yakuba.surveys.tests.factories import full_answers

    _user, client = planner
    survey = make_survey(title="満足度調査")
    person = make_user("staff")
    launched(survey, [org["staff"]["1001"], person.staff])
    answering.submit(actor=person, survey=survey, raw=full_answers(survey))
    page = client.get(reverse("surveys:manage_list")).content.decode()
    assert "満足度調査" in page and "50%" in page
    client.post(reverse("surveys:survey_close", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED and survey.closed_at is not None

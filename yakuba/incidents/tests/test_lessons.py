"""One step from an incident to an anonymised lesson and question for the bank (drafts)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_client
from yakuba.audit.models import AuditEntry
from yakuba.awareness.models import Choice, Lesson, Question
from yakuba.incidents.anonymise import anonymise
from yakuba.incidents.models import Category, TimelineEntry
from yakuba.incidents.tests.factories import make_incident

pytestmark = pytest.mark.django_db

STORY = (
    "山田 太郎さんが住民票の写しをFAXで送る際、佐藤係長が番号を確認しました。"
    "誤送信先は 03-1234-5678、連絡は yamada@city.example.lg.jp から。山田太郎は報告済み。"
)


def test_names_addresses_and_numbers_are_taken_out() -> None:
    text = anonymise(STORY, ["山田 太郎", "佐藤 花子"])
    for leaked in ("山田", "太郎", "佐藤", "03-1234-5678", "yamada@"):
        assert leaked not in text, leaked
    assert "〇〇さん" in text and "〇〇係長" in text
    assert "（電話番号）" in text and "（メールアドレス）" in text
    assert "住民票の写し" in text


def test_the_form_is_prefilled_without_names_and_saves_inactive_drafts(
    client, make_user, org
) -> None:
    reporter = make_user("staff", username="reporter")
    incident = make_incident(reporter, category=Category.MISSENT, description=STORY)
    page = verified_client(client, make_user("infosec"))
    url = reverse("incidents:triage_lesson", args=[incident.pk])
    form = page.get(url).content.decode()
    assert "事例から学ぶ" in form and "誤った宛先" in form
    assert "山田" not in form and "03-1234-5678" not in form
    response = page.post(
        url,
        {
            "title": "事例から学ぶ：FAXの誤送信",
            "body": "〇〇さんがFAXを送る際、番号を1桁誤りかけました。",
            "question": "FAXを送る前にすることは？",
            "choice_1": "番号を声に出して確認する",
            "choice_2": "急いで送る",
            "choice_3": "",
            "correct": "1",
            "explanation": "読み上げ確認で誤送信を防げます。",
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get(code=f"INC-{incident.pk}-1")
    question = Question.objects.get(lesson=lesson)
    assert not lesson.active and not question.active
    assert lesson.topic == "missent_mail"
    assert list(Choice.objects.filter(question=question).values_list("text", "correct")) == [
        ("番号を声に出して確認する", True),
        ("急いで送る", False),
    ]
    assert TimelineEntry.objects.filter(incident=incident, kind="lesson", for_reporter=False)
    assert AuditEntry.objects.filter(object_type="awareness.lesson", action="create").exists()


def test_a_draft_with_a_blank_correct_choice_writes_nothing(client, make_user) -> None:
    incident = make_incident(make_user("staff", username="reporter"))
    page = verified_client(client, make_user("infosec"))
    response = page.post(
        reverse("incidents:triage_lesson", args=[incident.pk]),
        {
            "title": "題",
            "body": "本文",
            "question": "問",
            "choice_1": "a",
            "choice_2": "b",
            "choice_3": "",
            "correct": "3",
            "explanation": "解説",
        },
    )
    assert response.status_code == 200
    assert "正解にした選択肢3が空欄です" in response.content.decode()
    assert not Lesson.objects.exists() and not Question.objects.exists()

"""A person takes their assignment: lessons, questions with an explanation after each,
the result; a failed course is taken again until passed; each answer reaches the
spaced repetition through `question_answered`."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from yakuba.audit.models import AuditEntry
from yakuba.campaigns.models import Answer, Assignment, Attempt
from yakuba.campaigns.tests.factories import launched, make_campaign, make_course
from yakuba.security import signals

pytestmark = pytest.mark.django_db

RIGHT = {
    "t-q-1": ["貸与端末"],
    "t-q-2": ["○"],
    "t-q-3": ["多要素認証", "使い回さない"],
    "t-q-4": ["報告する"],
}
WRONG = {"t-q-1": ["私物PC"], "t-q-2": ["×"], "t-q-3": ["付箋に書く"], "t-q-4": ["黙る"]}


@pytest.fixture
def heard():
    """What the spaced repetition would hear (a real receiver on the real signal)."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    signals.question_answered.connect(receiver, dispatch_uid="campaigns-test")
    yield calls
    signals.question_answered.disconnect(dispatch_uid="campaigns-test")


def _choice_ids(html: str, labels: list[str]) -> list[str]:
    ids = []
    for label in labels:
        found = re.search(r'name="choice" value="(\d+)"[^>]*> <span>' + re.escape(label), html)
        assert found, f"choice {label} not on the page"
        ids.append(found.group(1))
    return ids


def go_through(client, assignment: Assignment, answers: dict[str, list[str]]) -> str:
    """Start (or continue) and answer every step from the page as a person would."""
    url = reverse("campaigns:take", args=[assignment.pk])
    page = client.get(url).content.decode()
    if "始める" in page or "もう一度受ける" in page:
        client.post(reverse("campaigns:start", args=[assignment.pk]))
    for _ in range(20):
        page = client.get(url).content.decode()
        if "読みました・次へ" in page:
            assert (
                client.post(reverse("campaigns:lesson_read", args=[assignment.pk])).status_code
                == 302
            )
            continue
        question = re.search(r'name="question" value="(\d+)"', page)
        if question is None:
            return page
        code = next(c for c in answers if _is(page, c))
        response = client.post(
            reverse("campaigns:answer", args=[assignment.pk]),
            {"question": question.group(1), "choice": _choice_ids(page, answers[code])},
        )
        assert response.status_code == 302 and "answered=" in response["Location"]
        feedback = client.get(response["Location"]).content.decode()
        assert f"{code} の解説です。" in feedback  # the explanation after each answer
    raise AssertionError("did not finish")


def _is(page: str, code: str) -> bool:
    texts = {
        "t-q-1": "業務データはどこで扱う？",
        "t-q-2": "離席時は画面をロックする。",
        "t-q-3": "正しいものをすべて選ぶ",
        "t-q-4": "リンクを開いてしまったら？",
    }
    return texts[code] in page


def test_course_fail_then_retake_and_pass(me, heard) -> None:
    user, client = me
    course = make_course(pass_percent=75)
    campaign = make_campaign(course=course)
    (assignment,) = launched(campaign, [user.staff])

    # First time: two of four right (50 %) — not passed.
    answers = {**RIGHT, "t-q-3": WRONG["t-q-3"], "t-q-4": WRONG["t-q-4"]}
    result = go_through(client, assignment, answers)
    assert "不合格" in result and "2 / 4 問正解（50%）" in result
    assert "もう一度受ける" in result
    assignment.refresh_from_db()
    assert assignment.completed_at is None and assignment.best_percent == 50

    # Retake: all right — passed, completed, and no third attempt offered.
    result = go_through(client, assignment, RIGHT)
    assert "合格" in result and "4 / 4 問正解（100%）" in result
    assert "もう一度受ける" not in result
    assignment.refresh_from_db()
    assert assignment.completed_at is not None and assignment.best_percent == 100
    assert list(Attempt.objects.filter(assignment=assignment).values_list("passed", flat=True)) == [
        False,
        True,
    ]
    # Every answer went to the spaced repetition, with the person and the verdict.
    assert len(heard) == 8
    assert {h["staff_id"] for h in heard} == {user.staff.pk}
    assert [h["correct"] for h in heard[:4]] == [True, True, False, False]
    assert AuditEntry.objects.filter(object_type="campaigns.answer", actor=user).count() == 8
    # After passing, starting again is refused (nothing new opened).
    client.post(reverse("campaigns:start", args=[assignment.pk]))
    assert Attempt.objects.filter(assignment=assignment).count() == 2


def test_a_double_tap_records_one_answer(me, heard) -> None:
    user, client = me
    campaign = make_campaign(codes=("t-q-4", "t-q-2"))
    (assignment,) = launched(campaign, [user.staff])
    client.post(reverse("campaigns:start", args=[assignment.pk]))
    page = client.get(reverse("campaigns:take", args=[assignment.pk])).content.decode()
    question = re.search(r'name="question" value="(\d+)"', page).group(1)
    data = {"question": question, "choice": _choice_ids(page, ["報告する"])}
    first = client.post(reverse("campaigns:answer", args=[assignment.pk]), data)
    second = client.post(reverse("campaigns:answer", args=[assignment.pk]), data)
    assert first["Location"] == second["Location"]
    assert Answer.objects.count() == 1 and len(heard) == 1


def test_a_campaign_set_completes_without_a_pass_mark(me) -> None:
    user, client = me
    campaign = make_campaign(codes=("t-lesson-2", "t-q-4"))
    (assignment,) = launched(campaign, [user.staff])
    result = go_through(client, assignment, WRONG)
    assert "すべての項目を終えました" in result
    assignment.refresh_from_db()
    assert assignment.completed_at is not None


def test_an_empty_or_foreign_answer_is_refused(me) -> None:
    user, client = me
    campaign = make_campaign(codes=("t-q-4",))
    (assignment,) = launched(campaign, [user.staff])
    client.post(reverse("campaigns:start", args=[assignment.pk]))
    page = client.get(reverse("campaigns:take", args=[assignment.pk])).content.decode()
    question = re.search(r'name="question" value="(\d+)"', page).group(1)
    empty = client.post(
        reverse("campaigns:answer", args=[assignment.pk]), {"question": question}, follow=True
    )
    assert "答えを選んでください" in empty.content.decode()
    other_choice = (
        make_course().items.filter(question__code="t-q-1").first().question.choices.first()
    )
    foreign = client.post(
        reverse("campaigns:answer", args=[assignment.pk]),
        {"question": question, "choice": [str(other_choice.pk)]},
        follow=True,
    )
    assert "答えを選んでください" in foreign.content.decode()
    assert not Answer.objects.exists()


def test_someone_elses_assignment_is_not_found(client_for, org, make_user) -> None:
    campaign = make_campaign()
    (assignment,) = launched(campaign, [org["staff"]["1001"]])
    for role in ("staff", "unit_head", "infosec"):
        client = client_for(role)
        assert client.get(reverse("campaigns:take", args=[assignment.pk])).status_code == 404
        assert client.post(reverse("campaigns:start", args=[assignment.pk])).status_code == 404
    assert not Attempt.objects.exists()


def test_get_never_starts_an_attempt(me) -> None:
    user, client = me
    (assignment,) = launched(make_campaign(), [user.staff])
    page = client.get(reverse("campaigns:take", args=[assignment.pk]))
    assert "始める" in page.content.decode()
    assert not Attempt.objects.exists()


def test_self_enrolment_in_the_required_course(me) -> None:
    user, client = me
    course = make_course()
    page = client.get(reverse("campaigns:course_take", args=[course.pk]))
    assert "受講を始める" in page.content.decode()
    response = client.post(reverse("campaigns:course_enrol", args=[course.pk]))
    assignment = Assignment.objects.get(staff=user.staff, campaign=None)
    assert response["Location"] == reverse("campaigns:take", args=[assignment.pk])
    # Enrolling again returns the same assignment; the course page now leads to it.
    client.post(reverse("campaigns:course_enrol", args=[course.pk]))
    assert Assignment.objects.filter(staff=user.staff).count() == 1
    again = client.get(reverse("campaigns:course_take", args=[course.pk]))
    assert again.status_code == 302 and again["Location"] == response["Location"]
    # A course that is not required for telework cannot be self-enrolled.
    optional = make_course(required=False, title="任意")
    assert client.get(reverse("campaigns:course_take", args=[optional.pk])).status_code == 404

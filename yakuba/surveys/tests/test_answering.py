"""Answering: only invitees, drafts, submit once, closing at the end time (nothing
written after it), conditional questions, and what each page says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yakuba.audit.models import AuditEntry
from yakuba.surveys import answering
from yakuba.surveys.models import Answer, Draft, Invitation, Response
from yakuba.surveys.tests.factories import full_answers, launched, make_survey

pytestmark = pytest.mark.django_db


def post_data(survey, action="submit", page=None, **overrides):
    data = full_answers(survey, **overrides)
    data["action"] = action
    if page is not None:
        data["page"] = str(page)
    return data


def test_only_invited_people_see_a_survey(org, me, make_user, client_factory) -> None:
    from conftest import verified_client

    user, client = me
    survey = make_survey()
    launched(survey, [user.staff])
    assert client.get(reverse("surveys:answer", args=[survey.pk])).status_code == 200
    other = verified_client(client_factory(), make_user("unit_head", username="other"))
    assert other.get(reverse("surveys:answer", args=[survey.pk])).status_code == 404
    assert (
        other.post(reverse("surveys:answer", args=[survey.pk]), post_data(survey)).status_code
        == 404
    )
    assert not Response.objects.exists()
    # A draft survey is not shown even to someone with an invitation row.
    draft = make_survey(title="下書き")
    Invitation.objects.create(survey=draft, staff=user.staff, invited_at=timezone.now())
    assert client.get(reverse("surveys:answer", args=[draft.pk])).status_code == 404


def test_mine_and_the_home_panel_list_open_surveys_to_answer(org, me) -> None:
    user, client = me
    survey = make_survey(title="テレワーク実施状況調査")
    launched(survey, [user.staff])
    page = client.get(reverse("surveys:mine")).content.decode()
    assert "テレワーク実施状況調査" in page and "回答をお願いしているアンケート" in page
    home = client.get(reverse("core:home")).content.decode()
    assert "アンケートへのご回答のお願い" in home and "テレワーク実施状況調査" in home
    answering.submit(actor=user, survey=survey, raw=full_answers(survey))
    assert "アンケートへのご回答のお願い" not in client.get(reverse("core:home")).content.decode()
    assert "回答済み" in client.get(reverse("surveys:mine")).content.decode()


def test_pages_go_section_by_section_and_keep_a_draft(org, me) -> None:
    user, client = me
    survey = make_survey()
    launched(survey, [user.staff])
    q = survey.q
    url = reverse("surveys:answer", args=[survey.pk])
    first = client.get(url).content.decode()
    assert "1 / 2 ページ" in first and "効率よく働けた" in first and "希望日数" not in first
    # 「次へ」 with a missing required answer: the page says which, nothing moves on.
    response = client.post(
        url,
        {
            "action": "next",
            "page": "1",
            "shown": [q["scale"].pk, q["single"].pk],
            f"q{q['scale'].pk}": "4",
        },
    )
    assert response.status_code == 400
    assert "この質問は回答が必要です。" in response.content.decode()
    # The draft kept what was given.
    assert Draft.objects.get(survey=survey, staff=user.staff).answers[f"q{q['scale'].pk}"] == "4"
    shown = [q["scale"].pk, q["single"].pk, q["multiple"].pk, q["cond"].pk]
    response = client.post(
        url,
        {
            "action": "next",
            "page": "1",
            "shown": shown,
            f"q{q['scale'].pk}": "4",
            f"q{q['single'].pk}": str(q["no"].pk),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    second = client.get(response["Location"]).content.decode()
    assert "希望日数" in second and "2 / 2 ページ" in second
    # Stop here and come back later: the answers are still there.
    client.post(
        url, {"action": "save", "page": "2", "shown": [q["number"].pk], f"q{q['number'].pk}": "3"}
    )
    again = client.get(url + "?page=2").content.decode()
    assert 'value="3"' in again
    assert f'value="{q["no"].pk}" checked' in client.get(url + "?page=1").content.decode()
    # Submit from page 2: the draft and the page together make the answer; draft deleted.
    response = client.post(
        url, {"action": "submit", "page": "2", "shown": [q["number"].pk], f"q{q['number'].pk}": "3"}
    )
    assert response.status_code == 302
    assert not Draft.objects.exists()
    response_row = Response.objects.get()
    answers = {a.question_id: a for a in Answer.objects.filter(response=response_row)}
    assert answers[q["scale"].pk].scale == 4
    assert answers[q["single"].pk].choice == q["no"]
    assert answers[q["number"].pk].number == 3
    assert q["cond"].pk not in answers  # hidden by 「いいえ」


def test_unticking_a_box_on_a_page_clears_it_in_the_draft(org, me) -> None:
    user, client = me
    survey = make_survey()
    launched(survey, [user.staff])
    q = survey.q
    url = reverse("surveys:answer", args=[survey.pk])
    client.post(
        url,
        {
            "action": "save",
            "page": "1",
            "shown": [q["multiple"].pk],
            f"q{q['multiple'].pk}": [str(q["vpn"].pk)],
        },
    )
    client.post(url, {"action": "save", "page": "1", "shown": [q["multiple"].pk]})
    assert f"q{q['multiple'].pk}" not in Draft.objects.get().answers


def test_submit_once_a_second_submit_is_refused_clearly(org, me) -> None:
    user, client = me
    survey = make_survey()
    launched(survey, [user.staff])
    url = reverse("surveys:answer", args=[survey.pk])
    assert client.post(url, post_data(survey)).status_code == 302
    second = client.post(url, post_data(survey))
    assert second.status_code == 409
    assert "回答済みです。回答は1回だけです。" in second.content.decode()
    assert Response.objects.count() == 1
    with pytest.raises(answering.AlreadyAnswered):
        answering.submit(actor=user, survey=survey, raw=full_answers(survey))
    assert Response.objects.count() == 1
    assert "このアンケートには回答済みです" in client.get(url).content.decode()


def test_invalid_submission_writes_nothing_but_the_draft(org, me) -> None:
    user, client = me
    survey = make_survey()
    launched(survey, [user.staff])
    response = client.post(
        reverse("surveys:answer", args=[survey.pk]), post_data(survey, number="99")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "0〜10の範囲で入力してください。" in page and "回答に確認が必要な箇所があります。" in page
    )
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not Invitation.objects.get().answered


def _nothing_written(survey) -> None:
    assert not Response.objects.filter(survey=survey).exists()
    assert not Answer.objects.filter(survey=survey).exists()
    assert not Invitation.objects.filter(survey=survey, answered=True).exists()


def test_after_the_end_time_answers_are_refused_and_nothing_is_written(org, me) -> None:
    user, client = me
    survey = make_survey()
    launched(survey, [user.staff])
    survey.closes_at = timezone.now() - dt.timedelta(seconds=1)
    survey.save()
    url = reverse("surveys:answer", args=[survey.pk])
    response = client.post(url, post_data(survey))
    assert response.status_code == 200
    assert "締め切られました" in response.content.decode()
    assert "回答は保存されていません" in response.content.decode()
    _nothing_written(survey)
    assert not Draft.objects.exists()
    assert "締め切られました" in client.get(url).content.decode()


def test_end_time_passing_between_page_load_and_submit(org, me) -> None:
    """The page was opened before the end; the answer arrives after it: refused."""
    user, client = me
    survey = make_survey(closes_in=dt.timedelta(minutes=5))
    launched(survey, [user.staff])
    url = reverse("surveys:answer", args=[survey.pk])
    assert client.get(url).status_code == 200
    # The clock moves past the end while the person is typing.
    after = survey.closes_at + dt.timedelta(milliseconds=1)
    with pytest.raises(answering.NotAccepting) as refused:
        answering.submit(actor=user, survey=survey, raw=full_answers(survey), now=after)
    assert "締め切られました" in refused.value.message
    _nothing_written(survey)
    # Just before the end it is accepted.
    before = survey.closes_at - dt.timedelta(milliseconds=1)
    answering.submit(actor=user, survey=survey, raw=full_answers(survey), now=before)
    assert Response.objects.filter(survey=survey).count() == 1


def test_closing_by_hand_refuses_a_submit_of_a_page_loaded_before(org, me, planner) -> None:
    from yakuba.surveys import building

    user, client = me
    survey = make_survey()
    launched(survey, [user.staff])
    url = reverse("surveys:answer", args=[survey.pk])
    assert client.get(url).status_code == 200
    building.close(actor=planner[0], survey=survey)
    response = client.post(url, post_data(survey))
    assert "締め切られました" in response.content.decode()
    _nothing_written(survey)


def test_the_submit_reads_the_time_after_taking_the_lock(org, me, monkeypatch) -> None:
    """Under load a submit may wait for the survey row; the end time is judged when it
    holds the lock, not when the request arrived."""
    from yakuba.surveys import answering as module

    user, _client = me
    survey = make_survey(closes_in=dt.timedelta(seconds=30))
    launched(survey, [user.staff])
    arrived = timezone.now()
    calls = []
    real_now = timezone.now

    def late_now():
        calls.append(1)
        return survey.closes_at + dt.timedelta(seconds=1)

    monkeypatch.setattr(module.timezone, "now", late_now)
    with pytest.raises(answering.NotAccepting):
        answering.submit(actor=user, survey=survey, raw=full_answers(survey))
    monkeypatch.setattr(module.timezone, "now", real_now)
    assert calls and arrived < survey.closes_at
    _nothing_written(survey)


def test_answers_before_opening_are_refused(org, me) -> None:
    user, client = me
    survey = make_survey()
    launched(survey, [user.staff])
    survey.opens_at = timezone.now() + dt.timedelta(hours=1)
    survey.save()
    response = client.get(reverse("surveys:answer", args=[survey.pk]))
    assert "まだ回答を受け付けていません" in response.content.decode()
    with pytest.raises(answering.NotAccepting):
        answering.submit(actor=user, survey=survey, raw=full_answers(survey))


def test_hidden_questions_are_never_stored(org, me) -> None:
    user, _client = me
    survey = make_survey()
    (inv,) = launched(survey, [user.staff])
    q = survey.q
    answering.submit(
        actor=user,
        survey=survey,
        raw=full_answers(survey, single=str(q["no"].pk), cond="消えるはず", tw="5"),
    )
    stored = set(Answer.objects.values_list("question_id", flat=True))
    assert q["cond"].pk not in stored and q["tw"].pk not in stored
    assert inv.telework_days == 0


def test_the_page_tells_what_an_anonymous_survey_keeps(org, me) -> None:
    user, client = me
    anonymous = make_survey()
    named = make_survey(title="記名の調査", anonymous=False)
    launched(anonymous, [user.staff])
    launched(named, [user.staff])
    page = client.get(reverse("surveys:answer", args=[anonymous.pk])).content.decode()
    assert "匿名のアンケートです。" in page and "回答した日時を残しません" in page
    page = client.get(reverse("surveys:answer", args=[named.pk])).content.decode()
    assert "記名式のアンケートです。" in page


def test_submitting_is_audited_without_pointing_at_the_anonymous_response(org, me) -> None:
    user, _client = me
    survey = make_survey()
    (inv,) = launched(survey, [user.staff])
    response = answering.submit(actor=user, survey=survey, raw=full_answers(survey))
    entry = AuditEntry.objects.filter(object_type="surveys.invitation").latest("seq")
    assert entry.object_id == str(inv.pk) and entry.changes["answered"] == [False, True]
    assert str(response.pk) not in str(
        list(AuditEntry.objects.values_list("object_id", "object_repr", "changes"))
    )

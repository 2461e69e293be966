"""The weekly flow: new questions per person and week, idempotent; answers rescheduled by
FSRS; follow-ups and campaign answers from the other security apps; the score component."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yakuba.awareness import jobs, scoring, selectors, services
from yakuba.awareness.models import AnswerVia, Card, FollowUp, Review
from yakuba.awareness.tests.factories import (
    due_card,
    make_bank,
    make_question,
    right_orders,
    wrong_orders,
)
from yakuba.core import scheduling
from yakuba.core.models import JobClaim
from yakuba.security import signals
from yakuba.security.topics import Topic


def at(day: int = 4, hour: int = 7, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2027, 1, day, hour, minute))


@pytest.fixture
def people(org, make_user):
    me = make_user("staff")
    other = make_user("staff", username="u-other", unit_key="zeimu")
    return {"me": me.staff, "other": other.staff}


@pytest.mark.django_db
def test_new_questions_spread_over_topics_and_a_second_run_adds_nothing(people) -> None:
    make_bank(per_topic=3)
    me = people["me"]
    first = services.introduce_week(me.pk, at())
    assert len(first) == 3  # the default weekly number
    topics = {c.question.topic for c in Card.objects.filter(staff=me).select_related("question")}
    assert len(topics) == 3  # three different topics, not three of one
    assert services.introduce_week(me.pk, at(5)) == []  # same week: nothing more
    assert Card.objects.filter(staff=me).count() == 3
    # Next week, with this week's three answered right (due again in days), three new ones.
    for card in Card.objects.filter(staff=me):
        services.answer(actor=None, card=card, chosen=right_orders(card.question),
                        via=AnswerVia.WEEKLY, now=at(4, 9))  # fmt: skip
    second = services.introduce_week(me.pk, at(11))
    assert Card.objects.filter(staff=me).count() == 3 + len(second)
    assert not set(first) & set(second)


@pytest.mark.django_db
def test_questions_due_again_count_towards_the_weekly_number(people) -> None:
    make_bank(per_topic=1)
    me = people["me"]
    q1, q2 = make_question("Q-X-1", Topic.PHISHING), make_question("Q-X-2", Topic.PASSWORDS)
    due_card(me, q1, due=at(3))
    due_card(me, q2, due=at(6))  # due later this week: counts too
    assert len(services.introduce_week(me.pk, at())) == 1


@pytest.mark.django_db(transaction=True)
def test_the_job_claims_each_person_once_a_week_and_never_duplicates_cards(people) -> None:
    make_bank(per_topic=2)
    with time_machine.travel(at(4, 5, 30), tick=False):  # before 6:00: nothing yet
        assert scheduling.tick(jobs=[jobs.WEEKLY]).claimed == []
    with time_machine.travel(at(4, 6, 5), tick=False):
        result = scheduling.tick(jobs=[jobs.WEEKLY])
    expected = sorted(f"{s.pk}:2027-01-04" for s in people.values())
    assert sorted(result.keys("awareness.weekly")) == expected
    cards = sorted(Card.objects.values_list("staff_id", "question_id"))
    assert len(cards) == 6
    # A second tick, a restart on Thursday: no claim, no card.
    with time_machine.travel(at(4, 6, 6), tick=False):
        assert scheduling.tick(jobs=[jobs.WEEKLY]).claimed == []
    with time_machine.travel(at(7, 14, 0), tick=False):
        assert scheduling.tick(jobs=[jobs.WEEKLY]).claimed == []
    # The step itself run again (a task delivered twice): the same cards.
    with time_machine.travel(at(7, 14, 0), tick=False):
        jobs.run_person(people["me"].pk, "2027-01-04")
    assert sorted(Card.objects.values_list("staff_id", "question_id")) == cards
    assert JobClaim.objects.filter(job="awareness.weekly", finished_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_nothing_is_claimed_while_the_bank_is_empty(people) -> None:
    assert list(jobs.due_people(at(4, 9), frozenset())) == []


@pytest.mark.django_db
def test_due_questions_take_the_same_queries_whatever_the_history(people) -> None:
    questions = make_bank(per_topic=3)
    me, other = people["me"], people["other"]
    now = timezone.now()
    # A long history for "other": thirty questions answered many times.
    for q in questions[:30]:
        card = due_card(other, q, due=now - dt.timedelta(days=400))
        for week in range(12):
            services._review(card, correct=week % 3 != 0, chosen=[1], via=AnswerVia.WEEKLY,
                             at=now - dt.timedelta(days=390 - 30 * week))  # fmt: skip
    due_card(me, questions[0])
    due_card(other, questions[35])

    def count(staff_id: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            week = selectors.this_week(staff_id, now)
            for card in week.cards:
                list(card.question.choices.all())
        return len(ctx.captured_queries)

    assert Review.objects.filter(staff=other).count() == 360
    assert count(me.pk) == count(other.pk) == 2  # the due cards, their choices


@pytest.mark.django_db
def test_an_answer_reschedules_wrong_sooner_than_right(people) -> None:
    me = people["me"]
    q1, q2 = make_question("Q-A"), make_question("Q-B")
    now = timezone.now()
    wrong = services.answer(actor=None, card=due_card(me, q1), chosen=wrong_orders(q1),
                            via=AnswerVia.WEEKLY, now=now)  # fmt: skip
    right = services.answer(actor=None, card=due_card(me, q2), chosen=right_orders(q2),
                            via=AnswerVia.WEEKLY, now=now)  # fmt: skip
    assert (wrong.correct, right.correct) == (False, True)
    assert wrong.next_due < right.next_due
    card = Card.objects.get(staff=me, question=q1)
    assert (card.reps, card.lapses, card.due) == (1, 1, wrong.next_due)
    # The same card answered again at once (double submit): refused, nothing written.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.answer(actor=None, card=card, chosen=[1], via=AnswerVia.WEEKLY, now=now)
    assert Review.objects.filter(staff=me).count() == 2


@pytest.mark.django_db
def test_multiple_choice_is_right_only_with_every_correct_choice(people) -> None:
    q = make_question("Q-M", kind="multiple",
                      choices=(("a", True), ("b", True), ("c", False)))  # fmt: skip
    assert services.is_correct(q, [1, 2])
    assert not services.is_correct(q, [1])
    assert not services.is_correct(q, [1, 2, 3])


@pytest.mark.django_db
def test_the_week_stops_at_the_weekly_number(people) -> None:
    me = people["me"]
    now = timezone.now()
    for i in range(5):
        due_card(me, make_question(f"Q-W-{i}"))
    assert len(selectors.this_week(me.pk, now).cards) == 3
    card = selectors.this_week(me.pk, now).cards[0]
    services.answer(actor=None, card=card, chosen=[1], via=AnswerVia.WEEKLY, now=now)
    week = selectors.this_week(me.pk, now)
    assert (week.answered, week.remaining) == (1, 2)


@pytest.mark.django_db
def test_follow_up_brings_the_topic_forward_once_per_source(people) -> None:
    me, other = people["me"], people["other"]
    later = timezone.now() + dt.timedelta(days=60)
    known = make_question("Q-PH-1", Topic.PHISHING)
    due_card(me, known, due=later)
    for i in range(2, 5):
        make_question(f"Q-PH-{i}", Topic.PHISHING)
    make_question("Q-PW-1", Topic.PASSWORDS)
    signals.follow_up_needed.send(
        sender="drills", staff_ids=[me.pk, other.pk], topic=Topic.PHISHING,
        reason="訓練メールのリンクを開いた", source="drills.campaign:1",
    )  # fmt: skip
    mine = Card.objects.filter(staff=me, due__lte=timezone.now())
    assert mine.count() == 3 and {c.question.topic for c in mine} == {Topic.PHISHING}
    assert all(c.follow_up == "訓練メールのリンクを開いた" for c in mine)
    # Follow-ups come first among the due questions.
    due_card(me, make_question("Q-OLD"), due=timezone.now() - dt.timedelta(days=30))
    assert selectors.this_week(me.pk, timezone.now()).cards[0].follow_up
    # The same signal again: nothing more.
    before = sorted(Card.objects.values_list("staff_id", "question_id", "due"))
    signals.follow_up_needed.send(
        sender="drills", staff_ids=[me.pk, other.pk], topic=Topic.PHISHING,
        reason="訓練メールのリンクを開いた", source="drills.campaign:1",
    )  # fmt: skip
    assert sorted(Card.objects.values_list("staff_id", "question_id", "due")) == before
    assert FollowUp.objects.count() == 2


@pytest.mark.django_db
def test_an_answer_given_in_a_campaign_becomes_a_review(people) -> None:
    me = people["me"]
    q = make_question("Q-C")
    answered = timezone.now() - dt.timedelta(hours=2)
    for _ in range(2):  # sent twice: recorded once
        signals.question_answered.send(
            sender="campaigns", staff_id=me.pk, question_id=q.pk, correct=True,
            answered_at=answered,
        )  # fmt: skip
    review = Review.objects.get(staff=me)
    assert (review.via, review.correct, review.answered_at) == (AnswerVia.CAMPAIGN, True, answered)
    card = Card.objects.get(staff=me, question=q)
    assert card.reps == 1 and card.due > timezone.now()
    # A campaign answer is not one of this week's questions.
    assert selectors.this_week(me.pk, timezone.now()).answered == 0


@pytest.mark.django_db
def test_retention_component_explains_itself_in_one_query(people) -> None:
    me, other = people["me"], people["other"]
    now = timezone.now()
    for i in range(4):
        q = make_question(f"Q-R-{i}")
        services.answer(actor=None, card=due_card(me, q),
                        chosen=right_orders(q) if i else wrong_orders(q),
                        via=AnswerVia.WEEKLY, now=now)  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        values = scoring.retention([me.pk, other.pk])
    assert len(ctx.captured_queries) == 1
    assert values[me.pk].value == pytest.approx(0.75)
    assert "4問中 3問正解" in str(values[me.pk].detail)
    assert values[other.pk].value is None

"""Anonymous surveys at the data level: nothing links a response to a person — no key,
no time, no order — while the breakdown attributes are copied onto the response."""

from __future__ import annotations

import uuid

import pytest
from django.db import models

from yakuba.org.models import Staff
from yakuba.surveys import answering
from yakuba.surveys.models import Answer, Invitation, Response
from yakuba.surveys.tests.factories import full_answers, launched, make_survey

pytestmark = pytest.mark.django_db


def test_the_schema_has_no_path_from_an_answer_to_a_person_but_the_named_link() -> None:
    """Every relation out of Response/Answer: only `Response.staff` reaches Staff (named
    surveys); no time field anywhere but the named survey's day; random keys."""
    for model in (Response, Answer):
        assert isinstance(model._meta.pk, models.UUIDField)
        for f in model._meta.get_fields():
            if isinstance(f, models.DateTimeField | models.TimeField):
                pytest.fail(f"{model.__name__}.{f.name} keeps a time")
    staff_links = [
        f.name
        for model in (Response, Answer)
        for f in model._meta.get_fields()
        if f.is_relation and f.related_model in (Staff, Invitation)
    ]
    assert staff_links == ["staff"]
    assert [f.name for f in Response._meta.get_fields() if isinstance(f, models.DateField)] == [
        "submitted_on"
    ]


def test_an_anonymous_response_keeps_no_person_no_time_only_the_breakdown(
    org, make_user, roster
) -> None:
    import datetime as dt

    people = [make_user("staff", username=f"p{i}", staff_number=f"50{i}") for i in range(3)]
    survey = make_survey()
    invitations = launched(survey, [u.staff for u in people], telework_days={people[0].staff.pk: 6})
    for user in people:
        answering.submit(actor=user, survey=survey, raw=full_answers(survey))
    rows = list(Response.objects.filter(survey=survey))
    assert len(rows) == 3
    for row in rows:
        assert row.staff_id is None and row.submitted_on is None
        assert isinstance(row.pk, uuid.UUID) and row.pk.version == 4
        # The breakdown attributes: department and division (市民部/市民課), role,
        # employment type, telework band.
        assert row.department == org["dept"] and row.division == org["shimin"]
        assert row.role == "staff" and row.employment_type == "regular"
    assert sorted(r.telework_band for r in rows) == ["0", "0", "5-9"]
    # The invitations say only that each answered — no day.
    for inv in Invitation.objects.filter(pk__in=[i.pk for i in invitations]):
        assert inv.answered and inv.answered_on is None
    assert dt.date.today()  # (no clock value stored anywhere above)


def test_responses_cannot_be_put_in_the_order_people_answered(org, make_user) -> None:
    """Primary keys are random: sorting by them does not give the order of submission
    (with 30 people the chance of an accidental match is 1/30!)."""
    people = [make_user("staff", username=f"o{i}", staff_number=f"60{i:02d}") for i in range(30)]
    survey = make_survey()
    launched(survey, [u.staff for u in people])
    submitted = [
        answering.submit(actor=u, survey=survey, raw=full_answers(survey)).pk for u in people
    ]
    assert sorted(submitted) != submitted
    assert list(Response.objects.filter(survey=survey).values_list("pk", flat=True)) == sorted(
        submitted
    )
    answer_ids = list(Answer.objects.filter(survey=survey).values_list("pk", flat=True))
    assert all(isinstance(pk, uuid.UUID) for pk in answer_ids)


def test_a_named_response_links_to_the_person_and_the_day(org, make_user) -> None:
    user = make_user("staff")
    survey = make_survey(anonymous=False)
    (inv,) = launched(survey, [user.staff])
    response = answering.submit(actor=user, survey=survey, raw=full_answers(survey))
    assert response.staff == user.staff and response.submitted_on is not None
    inv.refresh_from_db()
    assert inv.answered_on == response.submitted_on

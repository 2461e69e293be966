"""The demo step: the starter bank in use for three months; demo-staff has this week's
questions."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from yakuba.awareness import selectors
from yakuba.awareness.models import Question, Review
from yakuba.demo import accounts
from yakuba.org.models import Staff


@pytest.mark.django_db
def test_seed_awareness_demo_after_seed_demo() -> None:
    call_command("seed_demo", staff=40, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_awareness_demo", "--if-empty", stdout=out)
    assert Question.objects.count() >= 60
    reviews = Review.objects.all()
    assert reviews.count() > 40 * 13  # most people answer most weeks, three at a time
    share = reviews.filter(correct=True).count() / reviews.count()
    assert 0.6 < share < 0.95  # a realistic mix of right and wrong
    oldest = reviews.order_by("answered_at").first().answered_at
    assert 80 <= (timezone.now() - oldest).days <= 100
    me = Staff.objects.get(user__username=accounts.STAFF)
    week = selectors.this_week(me.pk, timezone.now())
    assert week.answered == 0 and week.remaining >= 1
    # --if-empty: a second run changes nothing.
    before = reviews.count()
    call_command("seed_awareness_demo", "--if-empty", stdout=io.StringIO())
    assert Review.objects.count() == before


@pytest.mark.django_db
def test_seed_awareness_demo_needs_the_demo_city() -> None:
    with pytest.raises(CommandError):
        call_command("seed_awareness_demo", stdout=io.StringIO())
    call_command("seed_awareness_demo", "--if-empty", stdout=io.StringIO())
    assert not Question.objects.exists()

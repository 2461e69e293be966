"""The reviews demo: criteria published, ~400 procedures and the meeting series, a round
about half reviewed with a mix of outcomes; demo-staff has items to answer and demo-head
answers waiting for approval; the costliest meeting proposed for merging, one abolished;
the loader is idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from yakuba.accounts.models import User
from yakuba.demo import accounts
from yakuba.notifications.models import Notice
from yakuba.reviews import progress, scoping
from yakuba.reviews.models import (
    CriteriaVersion,
    Review,
    ReviewRound,
    ReviewStatus,
    ReviewTrack,
    VersionStatus,
)


@pytest.mark.django_db
def test_seed_reviews_demo(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", "--no-sign-ins", stdout=StringIO())
    call_command("seed_meetings_demo", "--if-empty", stdout=StringIO())
    out = StringIO()
    call_command("seed_reviews_demo", "--if-empty", stdout=out)
    assert "見直しの回" in out.getvalue()
    assert CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 2
    review_round = ReviewRound.objects.get()
    reviews = Review.objects.filter(round=review_round)
    total = reviews.count()
    assert total >= 380
    done = reviews.filter(status__in=(ReviewStatus.DECIDED, ReviewStatus.IMPLEMENTED)).count()
    assert 0.4 <= done / total <= 0.6  # about half reviewed
    statuses = set(reviews.values_list("status", flat=True))
    assert statuses == set(ReviewStatus.values)

    staff = User.objects.get(username=accounts.STAFF)
    head = User.objects.get(username=accounts.HEAD)
    assert scoping.to_answer(staff).exists()
    waiting = scoping.approval_queue(head)
    assert waiting.filter(submitted_by=staff).count() == 2
    assert Notice.objects.filter(recipient=head, subject__contains="承認待ち").count() == 1

    effects = set(ReviewTrack.objects.exclude(effect="").values_list("effect", flat=True))
    assert {"seal_abolished", "online", "no_visit", "attachment_omitted", "kept_by_law"} <= effects
    series = reviews.filter(meeting_series__isnull=False).order_by(
        "-meeting_series__cost_per_year_yen"
    )
    costliest = series.first()
    assert costliest.status == ReviewStatus.SUBMITTED
    assert costliest.tracks.filter(effect="meeting_merged").exists()
    assert (costliest.meeting_series.cost_per_year_yen or 0) > 0
    abolished = reviews.get(tracks__effect="meeting_abolished")
    assert abolished.status == ReviewStatus.DECIDED

    board = progress.round_dashboard(review_round, departments=None, today=review_round.due_on)
    assert (
        board.total.seal_abolished_percent is not None and board.total.seal_abolished_percent >= 75
    )
    assert board.total.hours_saved > 0 and board.total.blocked > 0

    again = StringIO()
    call_command("seed_reviews_demo", "--if-empty", stdout=again)
    assert ReviewRound.objects.count() == 1

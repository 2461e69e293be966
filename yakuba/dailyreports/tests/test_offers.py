"""The seam other apps use to offer something once today's report is submitted: shown
under a submitted report only, for the person it was computed for."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.dailyreports import offers
from yakuba.dailyreports.tests.factories import submitted_report, window_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(settings, tmp_path):
    (tmp_path / "test_offer.html").write_text("<p>offer for {{ o.who }}</p>", encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]
    seen = []

    def context(request, report):
        seen.append(report)
        return {"who": request.user.get_username()}

    registered = offers.register(offers.Offer("test.offer", 1, "test_offer.html", context))
    yield seen
    offers.unregister(registered.name)


def test_an_offer_shows_under_the_submitted_report_only(offer, make_user, client_factory) -> None:
    user = make_user("staff")
    window_for(user.staff.unit)
    client = verified_client(client_factory(), user)
    url = reverse("dailyreports:my_report")
    assert "offer for" not in client.get(url).content.decode()
    assert offer == []  # not even asked before the report is submitted
    report = submitted_report(user.staff, timezone.localdate())
    assert "offer for u-staff" in client.get(url).content.decode()
    assert offer == [report]


def test_offer_names_are_unique(offer) -> None:
    with pytest.raises(ValueError):
        offers.register(offers.Offer("test.offer", 2, "x.html", lambda r, rep: None))

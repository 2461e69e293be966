"""The issue's "done when", walked on the demo city: the planning unit has published the
default criteria; demo-staff's unit answers the questions for one of its procedures; the
head approves; the dashboard shows the share of seals abolished and the hours saved; the
costliest recurring meeting is proposed for merging with its cost shown; the publication
list is exported."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from conftest import verified_client
from yakuba.accounts.models import User
from yakuba.audit.models import AuditEntry
from yakuba.demo import accounts
from yakuba.reviews import scoping
from yakuba.reviews.models import CriteriaVersion, ReviewStatus, VersionStatus
from yakuba.reviews.tests.workflow_factories import route_answers
from yakuba.reviews.workflow import save_answers, submit


@pytest.mark.django_db
def test_the_done_when_walk_on_the_demo_city(settings, client_factory) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--staff", "120", "--no-sign-ins", stdout=StringIO())
    call_command("seed_meetings_demo", "--if-empty", stdout=StringIO())
    call_command("seed_reviews_demo", "--if-empty", stdout=StringIO())
    planner = User.objects.get(username=accounts.PLANNING)
    staff = User.objects.get(username=accounts.STAFF)
    head = User.objects.get(username=accounts.HEAD)

    # 1. The default criteria, published by the planning unit (audited as theirs).
    published = CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED)
    assert published.count() == 2
    assert AuditEntry.objects.filter(actor=planner, object_type="reviews.criteriaversion").exists()

    # 2. demo-staff's unit answers one of its procedures: seal abolished, made online.
    review = scoping.to_answer(staff).filter(procedure__isnull=False).order_by("pk").first()
    assert review is not None
    version = review.criteria_version
    tracks = {t["key"]: t for t in version.definition["tracks"]}
    wanted = {}
    for key, track in tracks.items():
        outcomes = {o["key"]: o for o in track.get("outcomes", [])}
        wanted[key] = next(
            (k for k, o in outcomes.items() if o.get("effect") == "seal_abolished"),
            next(iter(outcomes)),
        )
    save_answers(actor=staff, review=review, answers=route_answers(version, wanted))
    submit(actor=staff, review=review)

    # 3. The head approves, from the page.
    head_client = verified_client(client_factory(), head)
    response = head_client.post(
        reverse("reviews:review_decide", args=[review.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.DECIDED and review.decided_by == head

    # 4. The dashboard: the share of seals abolished and the hours saved.
    plan = verified_client(client_factory(), planner)
    page = plan.get(reverse("reviews:dashboard")).content.decode()
    assert "押印を廃止した割合" in page and "削減時間（年間・推計）" in page
    board = plan.get(reverse("reviews:dashboard")).context["board"]
    assert board.total.seal_abolished_percent and board.total.hours_saved > 0

    # 5. The costliest recurring meeting, proposed for merging, with its cost shown.
    meetings = scoping.answerable_reviews(planner).filter(meeting_series__isnull=False)
    costliest = meetings.order_by("-meeting_series__cost_per_year_yen").first()
    assert costliest.tracks.filter(effect="meeting_merged").exists()
    detail = plan.get(reverse("reviews:review_detail", args=[costliest.pk])).content.decode()
    yen = f"{costliest.meeting_series.cost_per_year_yen:,}"
    assert yen in detail, yen

    # 6. The publication list, exported as .xlsx, lists the decided procedure.
    export = plan.get(reverse("reviews:publication_export"), {"fmt": "xlsx"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert review.procedure.name in names

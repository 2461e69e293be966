"""The demo register: ten problems of the source page's themes, sources of several kinds
drawn from the other demo data, every status, and a review of the last quarter."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from yakuba.problems.models import Countermeasure, Problem, ProgressReview, SourceKind, Status
from yakuba.problems.periods import last_quarter


@pytest.mark.django_db
def test_seed_problems_demo(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_problems_demo", "--if-empty", stdout=out)  # no city yet: skipped
    assert not Problem.objects.exists()
    call_command("seed_demo", "--staff", "120", stdout=StringIO())
    for loader in ("seed_reports_demo", "seed_incidents_demo", "seed_inspections_demo"):
        call_command(loader, "--if-empty", stdout=StringIO())
    call_command("seed_problems_demo", "--if-empty", stdout=out)
    assert "課題 10 件" in out.getvalue()
    assert 8 <= Problem.objects.count() <= 12
    kinds = set(Problem.objects.values_list("source_kind", flat=True))
    assert {SourceKind.BLOCKER_CATEGORY, SourceKind.FINDING, SourceKind.INCIDENT,
            SourceKind.FREE} <= kinds  # fmt: skip
    assert set(Countermeasure.objects.values_list("status", flat=True)) == set(Status.values)
    assert Countermeasure.objects.filter(status=Status.DECLINED).exclude(reason="").exists()
    assert len(set(Countermeasure.objects.values_list("unit__name", flat=True))) >= 4
    today = timezone.localdate()
    overdue = Countermeasure.objects.filter(
        status__in=(Status.CONSIDERING, Status.IN_PROGRESS), due_on__lt=today
    )
    assert overdue.count() >= 2
    quarter = last_quarter(today)
    reviews = ProgressReview.objects.filter(period_start=quarter.start)
    assert reviews.count() >= overdue.count() and reviews.exclude(note="").exists()
    call_command("seed_problems_demo", "--if-empty", stdout=out)
    assert Problem.objects.count() == 10

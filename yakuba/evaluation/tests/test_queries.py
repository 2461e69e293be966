"""Each built-in section reads a constant number of queries, whatever the staff count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yakuba.evaluation import builtin, facts, sections
from yakuba.evaluation.sections import Period, ReportRequest

from .conftest import WEEK_2020, WEEK_2021, add_staff, short_profiles

REQUEST = ReportRequest(Period(*WEEK_2020, "2020"), Period(*WEEK_2021, "2021"))


def _counts():
    out = {}
    for section in builtin.BUILTIN:
        with CaptureQueriesContext(connection) as ctx:
            result = section.compute(REQUEST)
        out[section.code] = (len(ctx.captured_queries), result.has_data)
    return out


@pytest.mark.django_db
def test_sections_read_the_same_number_of_queries_for_more_staff(org, make_user):
    from yakuba.dailyreports.models import Blocker, Report
    from yakuba.evaluation import history
    from yakuba.meetings.models import Meeting
    from yakuba.org.models import Staff
    from yakuba.rosters.demo import seed_setup
    from yakuba.rosters.models import (
        Assignment,
        RosterPeriod,
        StaffWorkProfile,
    )

    planner = make_user("planning", username="planner")
    add_staff(org, 10)
    seed_setup()
    history.build(short_profiles(), actor=planner)
    small = _counts()
    assert all(has_data for _n, has_data in list(small.values())[:4])
    # Four times the staff, the same periods rebuilt.
    for model in (Assignment, Report, Blocker, Meeting):
        model.objects.all().delete()
    RosterPeriod.objects.all().delete()
    add_staff(org, 40, start=100)
    StaffWorkProfile.objects.bulk_create(
        [
            StaffWorkProfile(staff=s, telework_approved=True)
            for s in Staff.objects.filter(work_profile__isnull=True)
        ]
    )
    history.build(short_profiles(), actor=planner)
    large = _counts()
    assert Staff.objects.count() > 4 * 10
    assert {k: n for k, (n, _d) in large.items()} == {k: n for k, (n, _d) in small.items()}


@pytest.mark.django_db
def test_a_whole_report_reads_the_shared_data_once(city):
    city(12)
    with CaptureQueriesContext(connection) as alone:
        for section in builtin.BUILTIN:
            section.compute(REQUEST)
    with CaptureQueriesContext(connection) as shared, facts.shared_facts():
        sections.compute_all(REQUEST)
    assert len(shared.captured_queries) < len(alone.captured_queries)

"""The roster page names the search the optimizer runs (「探索方法」), while it runs and
after, for those who may see the version and nobody else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from yakuba.rosters.models import RosterVersion, VersionStatus
from yakuba.rosters.tests.test_views import plan


@pytest.mark.django_db
def test_a_solved_version_keeps_the_search_that_made_it(client, make_user, roster_setup) -> None:
    head = verified_client(client, make_user("unit_head"))
    version = plan(head, roster_setup)
    version.refresh_from_db()
    assert version.status == VersionStatus.SOLVED
    # One division for a week: the full model is built in a blink, beside LNS.
    assert version.strategy == "full+lns"
    page = head.get(reverse("rosters:version_detail", args=[version.pk]))
    assert "探索方法" in page.content.decode()
    assert "全体モデル＋近傍探索" in page.content.decode()
    # An auditor reads every roster: they see it too, in English if they ask for it.
    auditor = verified_client(Client(), make_user("auditor"))
    page = auditor.get(
        reverse("rosters:version_detail", args=[version.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "Full model + neighbourhood search" in page.content.decode()


@pytest.mark.django_db
def test_a_running_version_shows_its_search_to_those_who_may_see_it(
    client, make_user, roster_setup
) -> None:
    head = verified_client(client, make_user("unit_head"))
    version = plan(head, roster_setup)
    # What the task has written a few seconds into a large office's run.
    RosterVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.RUNNING,
        started_at=timezone.now(),
        strategy="decomposition+lns",
        progress=[[0.4, 25816, 24807]],
    )
    detail = reverse("rosters:version_detail", args=[version.pk])
    fragment = reverse("rosters:version_progress", args=[version.pk])
    for url in (detail, fragment):
        text = head.get(url).content.decode()
        assert "探索方法：近傍探索＋分解による下限" in text
        assert "24807" in text  # the bound beside it
    english = head.get(fragment, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Search: Neighbourhood search + decomposition bound" in english
    # Another division's head and a member of staff see neither the page nor the search.
    other = verified_client(
        Client(), make_user("unit_head", unit_key="zeimu", username="zeimu-head")
    )
    assert other.get(detail).status_code == 404
    assert other.get(fragment).status_code == 404
    staff = Client()
    staff.force_login(make_user("staff"))
    for url in (detail, fragment):
        response = staff.get(url)
        assert response.status_code in (302, 403)
        assert "探索方法" not in response.content.decode()


@pytest.mark.django_db
def test_before_the_search_is_chosen_nothing_is_claimed(client, make_user, roster_setup) -> None:
    head = verified_client(client, make_user("unit_head"))
    version = plan(head, roster_setup)
    RosterVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.RUNNING, strategy="", progress=[]
    )
    text = head.get(reverse("rosters:version_progress", args=[version.pk])).content.decode()
    assert "最初の勤務表を探しています" in text
    assert "探索方法" not in text


def test_the_chart_tells_a_close_bound_from_the_objective() -> None:
    from yakuba.rosters.views import progress_chart

    version = RosterVersion(
        time_limit=60, progress=[[1.5, 25816, 0], [19.6, 25760, 24807], [40.2, 25728, 24807]]
    )
    chart = progress_chart(version)
    assert chart is not None
    last_objective = float(chart["objective"].split()[-1].split(",")[1])
    last_bound = float(chart["bound"].split()[-1].split(",")[1])
    # 3.6 % apart in value, most of the chart's 80 px apart on screen.
    assert last_bound - last_objective > 50
    # Before a bound is known it sits at the bottom of the chart, not below it.
    assert float(chart["bound"].split()[0].split(",")[1]) == 78

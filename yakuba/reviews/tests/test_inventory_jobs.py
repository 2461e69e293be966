"""The inventory's periodic jobs: the nightly regrouping of recurring meetings and the
purge of import previews never confirmed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from yakuba.audit.models import AuditEntry
from yakuba.core import scheduling
from yakuba.meetings.models import Meeting, Platform
from yakuba.reviews.import_models import ImportState, ProcedureImport
from yakuba.reviews.models import MeetingSeries

JST = ZoneInfo("Asia/Tokyo")


def at(day: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, 4, day, hh, mm, tzinfo=JST)


@pytest.mark.django_db(transaction=True)
def test_series_are_regrouped_every_night_at_two(org, make_user) -> None:
    head = make_user("unit_head")
    for week in range(3):
        start = at(1 + 7 * week, 10)
        Meeting.objects.create(
            title="市民課 課内会議",
            start=start,
            end=start + dt.timedelta(hours=1),
            platform=Platform.IN_PERSON,
            unit=org["shimin"],
            organiser=head,
        )
    job = scheduling.get_job("reviews.meeting_series")
    with time_machine.travel(at(20, 1, 59), tick=False):
        assert scheduling.tick(jobs=[job]).claimed == []
    with time_machine.travel(at(20, 2, 0), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2026-04-20"]
        assert scheduling.tick(jobs=[job]).claimed == []
    series = MeetingSeries.objects.get()
    assert series.occurrences == 3 and str(series.meetings_per_year) == "52.1"
    entry = AuditEntry.objects.get(object_type="reviews.meetingseries")
    assert entry.actor_label == "reviews.meeting_series" and entry.actor is None


@pytest.mark.django_db(transaction=True)
def test_previews_never_confirmed_lose_their_rows_after_the_keep_days() -> None:
    rows = [{"procedure_id": "X-1"}]
    with time_machine.travel(at(1, 9), tick=False):
        old = ProcedureImport.objects.create(filename="old.csv", state=ImportState.READY, rows=rows)
    with time_machine.travel(at(20, 9), tick=False):
        recent = ProcedureImport.objects.create(
            filename="new.csv", state=ImportState.READY, rows=rows
        )
    job = scheduling.get_job("reviews.purge_import_previews")
    with time_machine.travel(at(21, 3, 40), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2026-04-21"]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.rows == [] and recent.rows == rows

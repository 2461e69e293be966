"""Working days, holidays, roster days off and the scheduler (frozen time)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from yakuba.core import scheduling
from yakuba.core.models import JobClaim
from yakuba.dailyreports import jobs, roster_link
from yakuba.dailyreports import window as win
from yakuba.dailyreports.models import Digest, RunKind
from yakuba.dailyreports.tests.factories import window_for
from yakuba.notifications.models import Notice

JST = ZoneInfo("Asia/Tokyo")


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=JST)


def tick() -> list[tuple[int, str, str]]:
    """One scheduler tick of the window job: the (unit, date, kind) steps it claimed."""
    result = scheduling.tick(jobs=[jobs.WINDOW_STEPS])
    return [
        (int(unit), day, kind)
        for unit, day, kind in (key.split(":") for key in result.keys("dailyreports.window"))
    ]


def window_claims():
    return JobClaim.objects.filter(job="dailyreports.window")


@pytest.mark.django_db
def test_working_days_skip_weekends_and_public_holidays(org) -> None:
    window = window_for(org["shimin"])
    assert win.is_working_day(window, dt.date(2026, 4, 28))  # Tuesday
    assert not win.is_working_day(window, dt.date(2026, 4, 29))  # 昭和の日 (Wednesday)
    assert not win.is_working_day(window, dt.date(2026, 5, 2))  # Saturday
    assert not win.is_working_day(window, dt.date(2026, 5, 6))  # 振替休日
    window.work_on_holidays = True
    window.workdays = "1111110"
    assert win.is_working_day(window, dt.date(2026, 4, 29))
    assert win.is_working_day(window, dt.date(2026, 5, 2))
    assert not win.is_working_day(window, dt.date(2026, 5, 3))  # Sunday still off
    window.enabled = False
    assert not win.is_working_day(window, dt.date(2026, 4, 28))


@pytest.mark.django_db
def test_window_times_in_tokyo_and_lateness(org) -> None:
    window = window_for(org["shimin"])
    day = dt.date(2026, 4, 28)
    assert win.opens(window, day) == at(2026, 4, 28, 8, 30)
    assert win.closes(window, day) == at(2026, 4, 28, 8, 45)
    assert win.reminder_at(window, day) == at(2026, 4, 28, 8, 40)
    assert not win.is_late(window, day, at(2026, 4, 28, 8, 45))
    assert win.is_late(window, day, at(2026, 4, 28, 8, 46))
    assert win.due_times(window, dt.date(2026, 4, 29)) == {}


@pytest.mark.django_db
def test_roster_days_off_are_not_expected(org, monkeypatch) -> None:
    staff = org["staff"]["1001"]
    day = dt.date(2026, 4, 28)
    assert win.expected_staff(org["shimin"], day) == [staff]
    monkeypatch.setattr(
        roster_link,
        "work_statuses_for",
        lambda people, d: {staff.pk: roster_link.WorkStatus(off=True)},
    )
    assert win.expected_staff(org["shimin"], day) == []


@pytest.mark.django_db(transaction=True)
def test_scheduler_claims_each_step_once_per_unit_and_day(org, make_user) -> None:
    user = make_user("staff")  # in 市民課, has not reported
    window_for(org["shimin"])
    with time_machine.travel(at(2026, 4, 28, 8, 29), tick=False):
        assert tick() == []
    with time_machine.travel(at(2026, 4, 28, 8, 30), tick=False):
        assert [k for _u, _d, k in tick()] == [RunKind.OPEN]
        assert tick() == []  # a second tick (or scheduler) is a no-op
    assert Notice.objects.filter(recipient=user).count() == 1
    with time_machine.travel(at(2026, 4, 28, 8, 41), tick=False):
        assert [k for _u, _d, k in tick()] == [RunKind.REMIND]
    with time_machine.travel(at(2026, 4, 28, 8, 45), tick=False):
        assert [k for _u, _d, k in tick()] == [RunKind.CLOSE]
        tick()
    assert Notice.objects.filter(recipient=user).count() == 2
    assert Digest.objects.filter(unit=org["shimin"], date=dt.date(2026, 4, 28)).count() == 1
    assert window_claims().filter(finished_at__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True)
def test_scheduler_started_after_the_close_only_sends_the_digest(org, make_user) -> None:
    user = make_user("staff")
    window_for(org["shimin"])
    with time_machine.travel(at(2026, 4, 28, 10, 0), tick=False):
        claimed = tick()
    assert [k for _u, _d, k in claimed] == [RunKind.CLOSE]
    assert not Notice.objects.filter(recipient=user).exists()  # no reminder after the close
    assert Digest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_scheduler_does_nothing_on_a_holiday(org) -> None:
    window_for(org["shimin"])
    with time_machine.travel(at(2026, 4, 29, 9, 0), tick=False):  # 昭和の日
        assert tick() == []
    assert not window_claims().exists()


@pytest.mark.django_db(transaction=True)
def test_yesterdays_close_is_caught_up_only_if_that_window_ran(org) -> None:
    window_for(org["shimin"])
    with time_machine.travel(at(2026, 4, 27, 8, 31), tick=False):
        tick()  # Monday's window opened, then the scheduler went down
    with time_machine.travel(at(2026, 4, 28, 7, 0), tick=False):
        claimed = tick()
    assert claimed == [(org["shimin"].pk, "2026-04-27", RunKind.CLOSE)]
    assert Digest.objects.filter(date=dt.date(2026, 4, 27)).count() == 1
    # A unit whose window did not run yesterday (e.g. newly set up) gets no old digest.
    window_for(org["zeimu"])
    with time_machine.travel(at(2026, 4, 28, 7, 1), tick=False):
        assert tick() == []


@pytest.mark.django_db(transaction=True)
def test_stale_claims_are_enqueued_again(org, monkeypatch) -> None:
    window_for(org["shimin"])
    enqueued: list[int] = []
    monkeypatch.setattr(scheduling, "_enqueue", enqueued.append)
    with time_machine.travel(at(2026, 4, 28, 8, 30), tick=False):
        tick()  # claimed, but the worker never ran it
    run = window_claims().get()
    assert enqueued == [run.pk]
    with time_machine.travel(at(2026, 4, 28, 8, 50), tick=False):
        result = scheduling.tick(jobs=[jobs.WINDOW_STEPS])
    assert result.requeued == 1
    assert enqueued.count(run.pk) == 2


@pytest.mark.django_db(transaction=True)
def test_run_scheduler_command_once(org) -> None:
    import io

    from django.core.management import call_command

    window_for(org["shimin"])
    out = io.StringIO()
    with time_machine.travel(at(2026, 4, 28, 8, 31), tick=False):
        call_command("run_scheduler", "--once", stdout=out)
    assert "claimed" in out.getvalue()
    assert window_claims().get().key.endswith(":open")


@pytest.mark.django_db(transaction=True)
def test_scheduled_digest_links_back_to_yakuba(org, settings) -> None:
    from yakuba.notifications.models import Channel, Delivery

    settings.YAKUBA_BASE_URL = "https://yakuba.city.example"
    window = window_for(org["shimin"])
    channel = Channel(unit=org["shimin"], name="lw", kind="lineworks")
    channel.set_url("http://127.0.0.1:9/hooks/x")
    channel.save()
    window.channels.add(channel)
    with time_machine.travel(at(2026, 4, 28, 8, 46), tick=False):
        tick()
    body = Delivery.objects.get(channel=channel).payload
    assert body["title"].startswith("朝の業務報告 市民課 2026-04-28")
    assert (
        f"https://yakuba.city.example/reports/digest/{org['shimin'].pk}/2026-04-28/"
        in (body["body"]["text"])
    )

"""The core scheduler: jobs registered by apps are claimed once per key, survive
restarts, are enqueued again when their worker died, and give up after a few tries.

Each registered job kind has its own test of what it claims and does:
``dailyreports.window`` (dailyreports/tests/test_window.py), ``notifications.retries``
(notifications/tests/test_delivery.py), and the daily jobs below.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Set
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from yakuba.core import scheduling
from yakuba.core.models import JobClaim
from yakuba.core.scheduling import Due, Job

JST = ZoneInfo("Asia/Tokyo")
TESTED_ELSEWHERE = {
    "dailyreports.window",
    "notifications.retries",
    "accounts.directory_sync",  # yakuba/accounts/tests/test_directory_sync.py
    "awareness.weekly",  # yakuba/awareness/tests/test_flow.py
    "drills.release",  # yakuba/drills/tests/test_sending.py
    "drills.finish",  # yakuba/drills/tests/test_sending.py
    "surveys.reminders",  # yakuba/surveys/tests/test_reminders.py
    "training.reminders",  # yakuba/training/tests/test_reminders.py
}
TESTED_HERE = {
    # Daily from 9:00; whom it reminds, once a day: yakuba/inspections/tests/test_findings.py.
    "inspections.reminders",
    # Hourly; what it deletes: yakuba/accounts/tests/test_provisioning.py.
    "accounts.purge_activation_sheets",
    "dailyreports.purge_health",
    "meetings.connection_quality_nudges",
    "core.purge_claims",
    "core.recover_tasks",
    "org.purge_import_uploads",
    # Below, and with a whole April 1st import in yakuba/org/tests/test_personnel.py.
    "org.apply_staff_changes",
    "accounts.purge_signin_history",
    # Daily from the office's hour; what it sends: yakuba/campaigns/tests/test_reminders.py.
    "campaigns.reminders",
    # Daily at 8:00; whom it reminds, once: yakuba/readiness/tests/test_reminders.py.
    "readiness.expiry_reminders",
    # Daily at 9:00; whom it reminds, once per due date: yakuba/problems/tests/test_notices.py.
    "problems.overdue_reminders",
    # Daily (9:30, 9:00); escalation on working days and review reminders, once:
    # yakuba/knowledge/tests/test_services.py.
    "knowledge.escalate_unanswered",
    "knowledge.review_reminders",
    # Daily (2:00, 3:40); what they do: yakuba/reviews/tests/test_inventory_jobs.py.
    "reviews.meeting_series",
    "reviews.purge_import_previews",
}


def at(day: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, 4, day, hh, mm, tzinfo=JST)


def test_every_registered_job_has_a_test() -> None:
    names = {job.name for job in scheduling.registered()}
    assert names == TESTED_ELSEWHERE | TESTED_HERE, "a new job needs its own test (see above)"


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.runs: list[tuple[object, ...]] = []
        self.fail_times = fail_times

    def due(self, now: dt.datetime, claimed: Set[str]) -> list[Due]:
        local = timezone.localtime(now)
        return [Due(f"step-{local:%H}", (local.hour,))]

    def run(self, *args: object) -> None:
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("worker died")
        self.runs.append(args)


@pytest.mark.django_db(transaction=True)
def test_a_step_is_claimed_once_and_run_once() -> None:
    rec = Recorder()
    job = Job(name="test.hourly", due=rec.due, run=rec.run)
    scheduling.register(job)
    try:
        with time_machine.travel(at(28, 9, 5), tick=False):
            assert scheduling.tick(jobs=[job]).claimed == [("test.hourly", "step-09")]
            assert scheduling.tick(jobs=[job]).claimed == []  # a second tick is a no-op
        with time_machine.travel(at(28, 9, 40), tick=False):
            assert scheduling.tick(jobs=[job]).claimed == []  # restarted: the claim is kept
        with time_machine.travel(at(28, 10, 0), tick=False):
            assert scheduling.tick(jobs=[job]).keys("test.hourly") == ["step-10"]
        assert rec.runs == [(9,), (10,)]
        assert JobClaim.objects.filter(finished_at__isnull=False).count() == 2
    finally:
        scheduling._JOBS.pop("test.hourly")


@pytest.mark.django_db(transaction=True)
def test_a_step_whose_worker_died_is_enqueued_again_then_given_up() -> None:
    rec = Recorder(fail_times=99)
    job = Job(name="test.broken", due=rec.due, run=rec.run, max_attempts=2)
    scheduling.register(job)
    try:
        with time_machine.travel(at(28, 9, 0), tick=False):
            scheduling.tick(jobs=[job])  # the test backend runs the task inline; it fails
        claim = JobClaim.objects.get(job="test.broken")
        assert claim.finished_at is None and claim.attempts == 1
        assert "worker died" in claim.last_error
        with time_machine.travel(at(28, 9, 20), tick=False):
            assert scheduling.tick(jobs=[job]).requeued == 1
        claim.refresh_from_db()
        assert claim.attempts == 2
        with time_machine.travel(at(28, 9, 59), tick=False):
            result = scheduling.tick(jobs=[job])  # max_attempts reached: left for a person
        assert result.requeued == 0
    finally:
        scheduling._JOBS.pop("test.broken")


@pytest.mark.django_db(transaction=True)
def test_one_broken_job_does_not_stop_the_others() -> None:
    rec = Recorder()

    def broken_due(now: dt.datetime, claimed: Set[str]) -> list[Due]:
        raise ValueError("bad settings")

    good = Job(name="test.good", due=rec.due, run=rec.run)
    bad = Job(name="test.bad", due=broken_due, run=rec.run)
    for job in (good, bad):
        scheduling.register(job)
    try:
        with time_machine.travel(at(28, 9, 0), tick=False):
            result = scheduling.tick(jobs=[bad, good])
        assert result.failed_jobs == ["test.bad"] and result.keys("test.good") == ["step-09"]
    finally:
        for name in ("test.good", "test.bad"):
            scheduling._JOBS.pop(name)


def test_a_name_is_registered_once() -> None:
    job = scheduling.get_job("core.purge_claims")
    with pytest.raises(ValueError):
        scheduling.register(Job(name=job.name, due=job.due, run=job.run))


@pytest.mark.django_db(transaction=True)
def test_run_scheduler_lists_and_ticks() -> None:
    out = io.StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    assert "dailyreports.window" in out.getvalue()
    with time_machine.travel(at(28, 23, 30), tick=False):
        call_command("run_scheduler", "--once", stdout=io.StringIO())
    # The daily jobs were claimed for the day, the task recovery for the minute (nothing
    # else was due on an empty database).
    assert set(JobClaim.objects.values_list("job", flat=True)) == TESTED_HERE
    assert set(JobClaim.objects.values_list("key", flat=True)) == {
        "2026-04-28",
        "2026-04-28T23:30",
        "2026-04-28T23",  # the hourly purge of activation sheets
    }


# --- the daily jobs ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_health_purge_runs_once_a_day(make_user) -> None:
    from yakuba.dailyreports.models import HealthCheck
    from yakuba.dailyreports.tests.test_health import DAY, _report_with_health

    _report_with_health(make_user("staff"), "36.5")
    job = scheduling.get_job("dailyreports.purge_health")
    later = dt.datetime.combine(DAY + dt.timedelta(days=31), dt.time(0, 5), tzinfo=JST)
    with time_machine.travel(later, tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == [later.date().isoformat()]
        assert scheduling.tick(jobs=[job]).claimed == []
    assert not HealthCheck.objects.exists()
    # Nobody signed in did it: the trail names the job that did (issue 12 item 8).
    from yakuba.audit.models import AuditEntry

    purge = AuditEntry.objects.get(object_type="dailyreports.healthcheck", action="delete")
    assert purge.actor is None and purge.actor_label == "dailyreports.purge_health"


@pytest.mark.django_db(transaction=True)
def test_connection_nudges_start_at_the_nudge_hour_once_a_day(settings, monkeypatch) -> None:
    from yakuba.meetings.quality import services as quality_services

    sent: list[int] = []

    def send_nudges(now=None) -> int:
        sent.append(1)
        return 0

    monkeypatch.setattr(quality_services, "send_nudges", send_nudges)
    settings.MEETINGS_QUALITY_NUDGE_HOUR = 9
    job = scheduling.get_job("meetings.connection_quality_nudges")
    with time_machine.travel(at(28, 8, 59), tick=False):
        assert scheduling.tick(jobs=[job]).claimed == []
    with time_machine.travel(at(28, 9, 0), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2026-04-28"]
    with time_machine.travel(at(28, 17, 0), tick=False):
        assert scheduling.tick(jobs=[job]).claimed == []
    assert sent == [1]


@pytest.mark.django_db(transaction=True)
def test_old_claims_are_purged() -> None:
    JobClaim.objects.create(job="x", key="old", claimed_at=at(1, 9) - dt.timedelta(days=61))
    JobClaim.objects.create(job="x", key="recent", claimed_at=at(1, 9) - dt.timedelta(days=5))
    job = scheduling.get_job("core.purge_claims")
    with time_machine.travel(at(1, 3, 0), tick=False):
        scheduling.tick(jobs=[job])
    assert set(JobClaim.objects.filter(job="x").values_list("key", flat=True)) == {"recent"}


@pytest.mark.django_db(transaction=True)
def test_claims_of_the_minute_job_are_kept_a_day() -> None:
    JobClaim.objects.create(
        job="core.recover_tasks", key="old", claimed_at=at(1, 9) - dt.timedelta(days=2)
    )
    JobClaim.objects.create(
        job="core.recover_tasks", key="recent", claimed_at=at(1, 9) - dt.timedelta(hours=3)
    )
    with time_machine.travel(at(1, 9, 0), tick=False):
        scheduling.run_claim(
            JobClaim.objects.create(job="core.purge_claims", key="now", args=["2026-04-01"]).pk
        )
    keys = set(JobClaim.objects.filter(job="core.recover_tasks").values_list("key", flat=True))
    assert keys == {"recent"}


def _task(status: str, worker_ids: list[str]):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="yakuba.notifications.tasks.deliver",
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=worker_ids,
    )


@pytest.mark.django_db(transaction=True)
def test_the_tasks_of_dead_workers_are_requeued_every_minute() -> None:
    """A worker killed mid-task leaves its task RUNNING; the minute job puts it back in the
    queue unless its worker still beats (a live process on this host, beat within the
    lease); a task whose workers died five times is failed instead."""
    import os
    import subprocess

    from yakuba.core import workers
    from yakuba.core.models import WorkerBeat

    gone = subprocess.Popen(["true"])  # a process id that certainly no longer runs
    gone.wait()
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="live", host=workers.hostname(), pid=os.getpid())
    WorkerBeat.objects.create(worker_id="killed", host=workers.hostname(), pid=gone.pid)
    WorkerBeat.objects.create(
        worker_id="silent", host="other-host", pid=1, beat_at=now - dt.timedelta(minutes=5)
    )
    WorkerBeat.objects.create(worker_id="elsewhere", host="other-host", pid=1)
    running = {w: _task("RUNNING", [w]) for w in ("live", "killed", "silent", "elsewhere", "none")}
    doomed = _task("RUNNING", ["a", "b", "c", "d", "killed"])
    done = _task("SUCCESSFUL", ["killed"])
    job = scheduling.get_job("core.recover_tasks")
    local = timezone.localtime(now)
    result = scheduling.tick(now=now, jobs=[job])
    assert result.keys(job.name) == [f"{local:%Y-%m-%dT%H:%M}"]
    assert scheduling.tick(now=now, jobs=[job]).claimed == []  # once a minute
    for worker, task in running.items():
        task.refresh_from_db()
        assert task.status == ("RUNNING" if worker in ("live", "elsewhere") else "READY"), worker
    doomed.refresh_from_db()
    done.refresh_from_db()
    assert doomed.status == "FAILED" and "died 5 times" in doomed.traceback
    assert done.status == "SUCCESSFUL"
    assert set(WorkerBeat.objects.values_list("worker_id", flat=True)) == {"live", "elsewhere"}


@pytest.mark.django_db(transaction=True)
def test_unapplied_import_uploads_are_purged_once_a_day_from_half_past_three(make_user) -> None:
    from django.core.files.storage import default_storage

    from yakuba.org.imports import start_import
    from yakuba.org.models import ImportBatch, ImportStatus
    from yakuba.org.tests.test_importing import GOOD_ROWS, csv_bytes

    hr = make_user("hr")
    with time_machine.travel(at(10, 9), tick=False):
        old = start_import(actor=hr, filename="old.csv", data=csv_bytes(GOOD_ROWS))
    with time_machine.travel(at(27, 9), tick=False):
        recent = start_import(actor=hr, filename="new.csv", data=csv_bytes(GOOD_ROWS))
    old_file = str(ImportBatch.objects.get(pk=old.pk).upload.name)
    job = scheduling.get_job("org.purge_import_uploads")
    with time_machine.travel(at(28, 3, 29), tick=False):
        assert scheduling.tick(jobs=[job]).claimed == []
    assert default_storage.exists(old_file)
    with time_machine.travel(at(28, 3, 30), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2026-04-28"]
        assert scheduling.tick(jobs=[job]).claimed == []
    assert not default_storage.exists(old_file)
    assert ImportBatch.objects.get(pk=old.pk).status == ImportStatus.EXPIRED
    assert ImportBatch.objects.get(pk=recent.pk).status == ImportStatus.READY


@pytest.mark.django_db(transaction=True)
def test_pending_personnel_changes_apply_at_the_start_of_their_day(org) -> None:
    from yakuba.org.models import Staff, StaffChange

    yamada = org["staff"]["1001"]
    StaffChange.objects.create(
        staff=yamada,
        kind="move",
        from_unit=org["shimin"],
        to_unit=org["zeimu"],
        effective_date=dt.date(2026, 4, 28),
    )
    job = scheduling.get_job("org.apply_staff_changes")
    with time_machine.travel(at(27, 23, 59), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2026-04-27"]
    assert Staff.objects.get(pk=yamada.pk).unit == org["shimin"]
    with time_machine.travel(at(28, 0, 0), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2026-04-28"]
        assert scheduling.tick(jobs=[job]).claimed == []
    assert Staff.objects.get(pk=yamada.pk).unit == org["zeimu"]
    assert StaffChange.objects.get().applied_at is not None


@pytest.mark.django_db(transaction=True)
def test_sign_in_history_is_purged_once_a_day_after_its_days(make_user, settings) -> None:
    from yakuba.accounts.models import SignInEvent

    settings.SIGNIN_HISTORY_DAYS = 10
    person = make_user("staff")
    for day in (10, 18, 27):
        SignInEvent.objects.create(user=person, at=at(day, 9), outcome="success", method="local")
    job = scheduling.get_job("accounts.purge_signin_history")
    with time_machine.travel(at(28, 3, 44), tick=False):
        assert scheduling.tick(jobs=[job]).claimed == []
    with time_machine.travel(at(28, 3, 45), tick=False):
        assert scheduling.tick(jobs=[job]).keys(job.name) == ["2026-04-28"]
        assert scheduling.tick(jobs=[job]).claimed == []
    kept = sorted(e.at.day for e in SignInEvent.objects.all())
    assert kept == [18, 27]

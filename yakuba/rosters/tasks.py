"""Solving a roster version in the background, with progress a page can poll."""

from __future__ import annotations

import inspect
import logging
import threading
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yakuba import planner
from yakuba.core.faults import pause
from yakuba.core.workers import current_task_id
from yakuba.rosters.models import RosterPeriod, RosterVersion, VersionStatus
from yakuba.rosters.solver_io import build_problem, start_roster, write_result

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.5


def _cancel_requested(version_id: int) -> bool:
    return RosterVersion.objects.filter(pk=version_id, cancel_requested=True).exists()


@task()
def solve_version(version_id: int) -> None:
    """Build the problem, solve it and store the result; a cancel or crash writes no cells.

    One run per period at a time: a version delivered while another run of its period is
    going stays queued, and the run that ends starts the next queued one (a repair queued by
    `services.report_absence` while a solve was running).
    """
    version = claim_version(version_id)
    if version is not None:
        solve_claimed(version)


def claim_version(version_id: int) -> RosterVersion | None:
    """Mark a queued version running, or None if it is not queued (delivered twice,
    cancelled) or must wait for the run of its period that is going.

    A version RUNNING under this very task run is taken up again: its worker was killed
    mid-solve and the task was put back in the queue (`yakuba.core.workers`). Nothing of
    the killed run was kept: cells and figures are written in one transaction at the end.
    """
    run_id = current_task_id()
    with transaction.atomic():
        period_id = (
            RosterVersion.objects.filter(pk=version_id).values_list("period_id", flat=True).first()
        )
        if period_id is None:
            return None
        # The period row serialises claims with each other and with services that queue runs.
        RosterPeriod.objects.select_for_update(of=("self",)).get(pk=period_id)
        version = (
            RosterVersion.objects.select_for_update(of=("self",))
            .select_related("period__unit")
            .get(pk=version_id)
        )
        resumed = bool(run_id) and version.run_id == run_id
        if version.status != VersionStatus.QUEUED and not (
            resumed and version.status == VersionStatus.RUNNING
        ):
            return None
        running = RosterVersion.objects.filter(period_id=period_id, status=VersionStatus.RUNNING)
        if running.exclude(pk=version_id).exists():
            return None  # started by `start_next_queued` when that run ends
        version.status = VersionStatus.RUNNING
        version.started_at = timezone.now()
        version.progress = []
        version.run_id = run_id
        version.save(update_fields=["status", "started_at", "progress", "run_id"])
    return version


def solve_claimed(version: RosterVersion) -> None:
    """Run a claimed version to its end, then start the period's next queued version."""
    try:
        _solve(version)
    except Exception as exc:
        logger.exception("roster solve %s failed", version.pk)
        RosterVersion.objects.filter(pk=version.pk, status=VersionStatus.RUNNING).update(
            status=VersionStatus.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    finally:
        start_next_queued(version.period_id)


def start_next_queued(period_id: int) -> None:
    waiting = (
        RosterVersion.objects.filter(period_id=period_id, status=VersionStatus.QUEUED)
        .order_by("number")
        .values_list("pk", flat=True)
        .first()
    )
    if waiting is not None:
        solve_version.enqueue(waiting)


def _solve(version: RosterVersion) -> None:
    version_id = version.pk
    try:
        ctx = build_problem(version)
    except Exception as exc:
        logger.exception("building roster problem %s failed", version_id)
        RosterVersion.objects.filter(pk=version_id).update(
            status=VersionStatus.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
        )
        return

    progress: list[list[float]] = []
    chosen: list[str] = []
    stop = threading.Event()

    def on_progress(elapsed: float, objective: float, bound: float) -> None:
        # Called from solver threads: only record; the task's own thread writes to the DB.
        progress.append([round(elapsed, 2), objective, bound])

    def on_strategy(name: str) -> None:
        chosen.append(name)  # written by the task's thread, like the progress

    hint = start_roster(ctx)
    kwargs: dict[str, Any] = {
        "time_limit": version.time_limit,
        "workers": 2,
        "seed": version.pk,
        "on_progress": on_progress,
        "hint": hint,
        # A proven bound is shown beside the objective at any office size: the full
        # model's where it can be built in time, else the decomposition's (LNS searches).
        "full_model": planner.BY_SIZE,
        "on_strategy": on_strategy,
    }
    if "stop" in inspect.signature(planner.solve).parameters:
        kwargs["stop"] = stop
    outcome: dict[str, planner.SolveResult | BaseException] = {}

    def run() -> None:
        try:
            outcome["result"] = planner.solve(ctx.problem, **kwargs)
        except BaseException as exc:  # reported below, in the task's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=f"roster-solve-{version_id}")
    worker.start()
    written = 0
    strategy_written = False
    while worker.is_alive():
        worker.join(PROGRESS_EVERY_S)
        if chosen and not strategy_written:
            strategy_written = True
            # Shown on the progress card while the run goes on.
            RosterVersion.objects.filter(pk=version_id).update(strategy=chosen[0])
        if len(progress) != written:
            written = len(progress)
            RosterVersion.objects.filter(pk=version_id).update(progress=list(progress))
        if worker.is_alive() and _cancel_requested(version_id):
            stop.set()
            break
    if _cancel_requested(version_id):
        RosterVersion.objects.filter(pk=version_id).update(
            status=VersionStatus.CANCELLED, finished_at=timezone.now(), progress=progress
        )
        return
    worker.join()
    if "error" in outcome:
        logger.error("roster solve %s failed: %s", version_id, outcome["error"])
        RosterVersion.objects.filter(pk=version_id).update(
            status=VersionStatus.FAILED,
            failure=str(outcome["error"])[:2000],
            finished_at=timezone.now(),
        )
        return
    result = outcome["result"]
    assert isinstance(result, planner.SolveResult)
    with transaction.atomic():
        write_result(version, ctx, result)
        pause("rosters.write_result")
        RosterVersion.objects.filter(pk=version_id).update(
            progress=progress, finished_at=timezone.now()
        )

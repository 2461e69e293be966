"""`make bench-faults`: kill the task worker mid-work, restart it, count what was lost.

For SQLite and then PostgreSQL, in a benchmark site of its own (`core.benchserver`) with
the demo city loaded, a driver process (this module with ``--drive``) starts real
``manage.py db_worker`` processes and SIGKILLs them in the middle of:

* **digest delivery** — every report window's digest closed for a future day, its chat
  post going to a local HTTP receiver and its e-mails to a local SMTP server (aiosmtpd):
  killed right after a send, before the next recipient;
* **catch-ups** — a meeting's catch-ups sent again from scratch: killed between people;
* **staff import** — a CSV of new staff, checked and applied: killed inside the apply
  transaction, after every row is written and before the batch is marked done;
* **roster solve** — a new version of the smallest demo roster: killed while the
  optimizer runs, and inside the transaction that writes the cells.

Where the work is too quick to hit, the worker pauses at a named point (`core.faults`,
enabled only by ``YAKUBA_FAULT_PAUSES`` on these worker processes) and says so on its
standard error; the driver kills it a random moment into the pause. After every kill it
checks that nothing is half-written (an import not marked done has written no row, a
roster version not solved has no cell, a catch-up marked sent has its notice), then
starts a new worker, which requeues the killed task (`core.workers`). At the end it
counts, from the receivers and the database: *lost* (a message, catch-up, imported
person or roster that never arrived) and *duplicated* (anything that arrived twice).

Then a backup → wipe → restore round trip of the demo city (`core.backup`) must give
back every row of every table, on both databases; and a crawl of the demo city as
several roles sends every query parameter each page reads with hostile values
(`core.hostile`) — none may answer 500.

A readable table is printed, then one JSON line. A few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import email
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

PAUSES = {
    "notifications.after_send": 0.6,
    "meetings.catchup_sent": 0.6,
    "org.apply_import": 1.0,
    "rosters.write_result": 1.0,
}


# --- receivers ----------------------------------------------------------------------------


class SmtpSink:
    """A real SMTP server (aiosmtpd) on loopback; counts each message by its Message-ID."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: Counter[str] = Counter()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message = email.message_from_bytes(envelope.original_content or envelope.content)
                sink.received[str(message.get("Message-ID", "")).strip()] += 1
                return "250 OK"

        from yakuba.core.benchserver import free_port

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class ChatSink:
    """A chat incoming-webhook receiver on loopback; counts each posted body."""

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                sink.received[digest_of(json.loads(body))] += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


def digest_of(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# --- the worker under test ----------------------------------------------------------------


class Worker:
    """``manage.py db_worker`` in a subprocess; its ``FAULT-PAUSE`` lines are collected."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.pauses: list[str] = []
        self.paused = threading.Event()

    def start(self) -> None:
        self.pauses = []
        self.paused.clear()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
                "-v0",
            ],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode(errors="replace").strip()
            if line.startswith("FAULT-PAUSE "):
                self.pauses.append(line.split(" ", 1)[1])
                self.paused.set()

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def queue_busy() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status__in=("READY", "RUNNING")).count()


@dataclass
class Outcome:
    scenario: str
    database: str = ""
    kills: int = 0
    expected: int = 0
    lost: int = 0
    duplicated: int = 0
    half_written: int = 0
    uncertain: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def run_with_kills(
    worker: Worker,
    outcome: Outcome,
    *,
    kill_at: Callable[[str], bool],
    check: Callable[[], list[str]],
    extra_kill: Callable[[], bool] | None = None,
    rng: random.Random,
    timeout: float = 900,
) -> None:
    """Run the queue to empty; kill the worker when ``kill_at(point)`` says so at a pause
    (or when ``extra_kill()`` says so), check for half-written state after every kill."""
    deadline = time.monotonic() + timeout
    worker.start()
    try:
        while time.monotonic() < deadline:
            if worker.paused.wait(0.2):
                worker.paused.clear()
                point = worker.pauses[-1]
                if kill_at(point):
                    time.sleep(rng.uniform(0.05, PAUSES[point] * 0.7))
                    _kill_and_check(worker, outcome, check, point)
                    continue
            if extra_kill is not None and extra_kill():
                _kill_and_check(worker, outcome, check, "mid-task")
                continue
            if queue_busy() == 0:
                time.sleep(0.3)  # a task that enqueues another one commits first
                if queue_busy() == 0:
                    return
            if worker.process is not None and worker.process.poll() is not None:
                outcome.notes.append(f"worker exited by itself ({worker.process.returncode})")
                worker.start()
        # Not a loss by itself: the scenario's own count (deliveries, rows, versions that
        # never arrived) says what is missing; the note says why.
        outcome.notes.append(f"timed out after {timeout:.0f} s with {queue_busy()} task(s) queued")
    finally:
        worker.stop()


def _kill_and_check(
    worker: Worker, outcome: Outcome, check: Callable[[], list[str]], where: str
) -> None:
    worker.kill()
    outcome.kills += 1
    problems = check()
    outcome.half_written += len(problems)
    outcome.notes.extend(f"after kill at {where}: {p}" for p in problems)
    worker.start()


# --- scenarios (run inside the site's Django) ---------------------------------------------


def scenario_digest(
    worker: Worker, chat: ChatSink, smtp: SmtpSink, kills: int, rng: random.Random
) -> Outcome:
    import datetime as dt

    from django.utils import timezone

    from yakuba.dailyreports import digest
    from yakuba.dailyreports import window as win
    from yakuba.dailyreports.models import ReportWindow
    from yakuba.notifications.models import Delivery

    outcome = Outcome("digest delivery")
    start = time.monotonic()
    url = f"http://127.0.0.1:{chat.port}/hooks/faults"
    windows = list(ReportWindow.objects.select_related("unit").prefetch_related("channels"))
    purposes = []
    for window in windows:
        window.digest_email = True
        window.save(update_fields=["digest_email"])
        for channel in window.channels.all():
            channel.set_url(url)
            channel.active = True
            channel.save()
        day = timezone.localdate() + dt.timedelta(days=60)
        while not win.is_working_day(window, day):
            day += dt.timedelta(days=1)
        digest.close_window(window.unit, day)
        purposes.append(f"digest:{window.unit.pk}:{day}")
    deliveries = Delivery.objects.filter(purpose__in=purposes)
    outcome.expected = deliveries.count()
    done = {"kills": 0}

    def kill_at(point: str) -> bool:
        if point == "notifications.after_send" and done["kills"] < kills:
            done["kills"] += 1
            return True
        return False

    run_with_kills(worker, outcome, kill_at=kill_at, check=lambda: [], rng=rng)
    _count_deliveries(outcome, deliveries, chat, smtp)
    outcome.seconds = time.monotonic() - start
    return outcome


def _count_deliveries(outcome: Outcome, deliveries: Any, chat: ChatSink, smtp: SmtpSink) -> None:
    from yakuba.notifications.models import DeliveryKind, DeliveryStatus
    from yakuba.notifications.services import UNCERTAIN_CHAT, message_id

    for delivery in deliveries:
        if delivery.kind == DeliveryKind.EMAIL:
            got = smtp.received.get(message_id(delivery), 0)
        else:
            got = chat.received.get(digest_of(delivery.payload), 0)
        if delivery.status == DeliveryStatus.FAILED and delivery.last_error == str(UNCERTAIN_CHAT):
            outcome.uncertain += 1
        if got == 0:
            outcome.lost += 1
            outcome.notes.append(f"delivery {delivery.pk} ({delivery.kind}) never arrived")
        elif got > 1:
            outcome.duplicated += got - 1
            outcome.notes.append(f"delivery {delivery.pk} ({delivery.kind}) arrived {got} times")
        if delivery.status != DeliveryStatus.SENT and got:
            outcome.notes.append(f"delivery {delivery.pk} arrived but is {delivery.status}")


def scenario_catchups(
    worker: Worker, chat: ChatSink, smtp: SmtpSink, kills: int, rng: random.Random
) -> Outcome:
    from django.db.models import Count
    from django.urls import reverse

    from yakuba.meetings.models import CatchUp, Meeting
    from yakuba.meetings.tasks import send_catchups
    from yakuba.notifications.models import Delivery, Notice

    outcome = Outcome("catch-up send")
    start = time.monotonic()
    meeting = Meeting.objects.annotate(n=Count("catchups")).filter(n__gt=0).order_by("-n").first()
    if meeting is None:
        outcome.notes.append("no meeting with catch-ups in the demo")
        return outcome
    expected = set(CatchUp.objects.filter(meeting=meeting).values_list("staff_id", flat=True))
    CatchUp.objects.filter(meeting=meeting).delete()
    outcome.expected = len(expected)
    send_catchups.enqueue(meeting.pk)
    done = {"kills": 0}

    def kill_at(point: str) -> bool:
        if point == "meetings.catchup_sent" and done["kills"] < kills:
            done["kills"] += 1
            return True
        return False

    def check() -> list[str]:
        problems = []
        for c in CatchUp.objects.filter(meeting=meeting, sent_at__isnull=False):
            url = reverse("meetings:catchup_detail", args=[c.pk])
            if c.staff.user_id and not Notice.objects.filter(url=url).exists():
                problems.append(f"catch-up {c.pk} marked sent without its notice")
        return problems

    run_with_kills(worker, outcome, kill_at=kill_at, check=check, rng=rng)
    sent = CatchUp.objects.filter(meeting=meeting, sent_at__isnull=False)
    got = set(sent.values_list("staff_id", flat=True))
    outcome.lost += len(expected - got)
    for c in sent.select_related("staff"):
        url = reverse("meetings:catchup_detail", args=[c.pk])
        notices = Notice.objects.filter(url=url).count()
        if notices > 1:
            outcome.duplicated += notices - 1
    deliveries = Delivery.objects.filter(purpose__in=[f"catchup:{c.pk}" for c in sent])
    outcome.expected += deliveries.count()
    _count_deliveries(outcome, deliveries, chat, smtp)
    outcome.seconds = time.monotonic() - start
    return outcome


def scenario_import(worker: Worker, batches: int, size: int, rng: random.Random) -> Outcome:
    from yakuba.accounts.models import User
    from yakuba.audit.models import AuditEntry
    from yakuba.org.imports import start_import
    from yakuba.org.models import ImportBatch, ImportStatus, Staff, Unit

    outcome = Outcome("staff import")
    start = time.monotonic()
    actor = User.objects.filter(role="sysadmin", is_active=True).first()
    unit = Unit.objects.filter(active=True, staff__isnull=False).distinct().order_by("pk").first()
    assert actor is not None and unit is not None
    numbers: dict[int, list[str]] = {}
    for b in range(batches):
        rows = ["職員番号,氏名,氏名カナ,雇用区分,職名,所属コード,メール,在職"]
        mine = [f"F{b}{i:04d}" for i in range(size)]
        for n in mine:
            address = f"{n.lower()}@example.jp"
            rows.append(f"{n},障害 試験{n},ショウガイ シケン,regular,主事,{unit.code},{address},1")
        batch = start_import(
            actor=actor, filename=f"faults-{b}.csv", data="\n".join(rows).encode(), auto_apply=True
        )
        numbers[batch.pk] = mine
    outcome.expected = batches * size
    seen = {"pauses": 0}

    def kill_at(point: str) -> bool:
        # Every other pause: the run after a kill (the same batch, requeued) goes through.
        if point != "org.apply_import":
            return False
        seen["pauses"] += 1
        return seen["pauses"] % 2 == 1 and seen["pauses"] < 2 * batches

    def check() -> list[str]:
        problems = []
        for pk, mine in numbers.items():
            status = ImportBatch.objects.get(pk=pk).status
            written = Staff.objects.filter(staff_number__in=mine).count()
            if status != ImportStatus.DONE and written:
                problems.append(
                    f"import {pk} is {status} with {written} of {len(mine)} rows written"
                )
            if status == ImportStatus.DONE and written != len(mine):
                problems.append(f"import {pk} done with {written} of {len(mine)} rows")
        return problems

    run_with_kills(worker, outcome, kill_at=kill_at, check=check, rng=rng)
    outcome.half_written += len(check())
    for pk, mine in numbers.items():
        batch = ImportBatch.objects.get(pk=pk)
        written = Staff.objects.filter(staff_number__in=mine).count()
        outcome.lost += len(mine) - written
        if batch.status != ImportStatus.DONE:
            outcome.notes.append(f"import {pk} ended {batch.status}: {batch.failure[:200]}")
        # Applied twice would show as a second set of creations in the audit trail.
        ids = [
            str(i) for i in Staff.objects.filter(staff_number__in=mine).values_list("pk", flat=True)
        ]
        created = AuditEntry.objects.filter(
            object_type="org.staff", object_id__in=ids, action="create"
        ).count()
        outcome.duplicated += max(0, created - written)
    outcome.seconds = time.monotonic() - start
    return outcome


def scenario_roster(
    worker: Worker, mid_solve_kills: int, time_limit: int, rng: random.Random
) -> Outcome:
    from django.db.models import Count

    from yakuba.accounts.models import User
    from yakuba.rosters.models import Assignment, RosterPeriod, RosterVersion, VersionStatus
    from yakuba.rosters.services import start_solve

    outcome = Outcome("roster solve")
    start = time.monotonic()
    actor = User.objects.filter(role="sysadmin", is_active=True).first()
    period = (
        RosterPeriod.objects.filter(unit__isnull=False)
        .annotate(n=Count("unit__staff"))
        .filter(n__gt=0)
        .order_by("n", "pk")
        .first()
    )
    assert actor is not None and period is not None
    before = period.versions.count()
    version = start_solve(actor=actor, period=period, time_limit=time_limit)
    outcome.expected = 1
    state = {"mid": 0, "write": False, "running_since": 0.0, "wait": rng.uniform(1.0, 2.5)}

    def kill_at(point: str) -> bool:
        if point == "rosters.write_result" and not state["write"]:
            state["write"] = True
            return True
        return False

    def extra_kill() -> bool:
        if state["mid"] >= mid_solve_kills:
            return False
        status = (
            RosterVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
        )
        if status != VersionStatus.RUNNING:
            state["running_since"] = 0.0
            return False
        now = time.monotonic()
        if not state["running_since"]:
            state["running_since"] = now
            return False
        if now - state["running_since"] >= state["wait"]:
            state["mid"] += 1
            state["running_since"] = 0.0
            state["wait"] = rng.uniform(1.0, 2.5)
            return True
        return False

    def check() -> list[str]:
        v = RosterVersion.objects.get(pk=version.pk)
        cells = Assignment.objects.filter(version=v).count()
        if v.status != VersionStatus.SOLVED and cells:
            return [f"version {v.pk} is {v.status} with {cells} cells"]
        if v.status == VersionStatus.SOLVED and (not cells or v.finished_at is None):
            return [f"version {v.pk} solved with {cells} cells, finished {v.finished_at}"]
        return []

    run_with_kills(worker, outcome, kill_at=kill_at, check=check, extra_kill=extra_kill, rng=rng)
    outcome.half_written += len(check())
    version.refresh_from_db()
    if version.status != VersionStatus.SOLVED:
        outcome.lost += 1
        outcome.notes.append(f"version ended {version.status}: {version.failure[:200]}")
    outcome.duplicated += max(0, period.versions.count() - before - 1)
    outcome.seconds = time.monotonic() - start
    return outcome


def worker_env(smtp: SmtpSink, chat: ChatSink, pauses: dict[str, float]) -> dict[str, str]:
    """What a worker under test needs: the pause points, mail to ``smtp``, chat posts to
    ``chat`` (plain http on loopback, allowed explicitly as for an on-premise chat)."""
    from django.conf import settings

    return {
        "YAKUBA_FAULT_PAUSES": ",".join(f"{k}={v}" for k, v in pauses.items()),
        # The uploads the worker reads (imports) are where this process stored them.
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "OUTBOUND_WEBHOOK_HOSTS": f"127.0.0.1:{chat.port}",
        "OUTBOUND_WEBHOOK_ALLOW_HTTP": "1",
        "OUTBOUND_WEBHOOK_PRIVATE_NETWORKS": "127.0.0.1/32",
    }


def drive(args: argparse.Namespace) -> dict[str, Any]:
    """Inside the site (Django set up on its database): the four kill scenarios."""
    import django

    django.setup()
    rng = random.Random(args.seed)
    smtp, chat = SmtpSink(), ChatSink()
    env = {**os.environ, **worker_env(smtp, chat, PAUSES)}
    worker = Worker(env)
    outcomes = []
    try:
        outcomes.append(scenario_digest(worker, chat, smtp, args.digest_kills, rng))
        outcomes.append(scenario_catchups(worker, chat, smtp, args.catchup_kills, rng))
        outcomes.append(scenario_import(worker, args.import_batches, args.import_size, rng))
        outcomes.append(scenario_roster(worker, args.roster_kills, args.roster_time_limit, rng))
    finally:
        worker.stop()
        smtp.stop()
        chat.stop()
    return {"outcomes": [asdict(o) for o in outcomes]}


# --- backup round trip and hostile crawl (inside the site) --------------------------------


def table_rows() -> dict[str, str]:
    from django.db import connection

    digests = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - schema names
            rows = sorted(repr(r) for r in cursor.fetchall())
            digests[table] = (
                f"{len(rows)}:{hashlib.sha256(chr(10).join(rows).encode()).hexdigest()}"
            )
    return digests


def backup_round_trip(work: Path) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from yakuba.core.backup import create_backup, restore_backup

    before = table_rows()
    started = time.monotonic()
    archive = create_backup(work / "backups").path
    call_command("flush", interactive=False, verbosity=0)
    wiped = sum(int(v.split(":")[0]) for v in table_rows().values())
    restore_backup(archive)
    connection.close()
    after = table_rows()
    differing = sorted(t for t in before if before[t] != after.get(t))
    return {
        "restore_ok": not differing and set(before) == set(after),
        "rows": sum(int(v.split(":")[0]) for v in before.values()),
        "rows_after_wipe": wiped,
        "differing_tables": differing[:10],
        "archive_bytes": archive.stat().st_size,
        "seconds": round(time.monotonic() - started, 1),
    }


def fuzz(budget_seconds: float, roles: list[str]) -> dict[str, Any]:
    """The hostile-parameter crawl of the demo city, one signed-in demo user per role:
    follow the links of each page (one URL per shape: ``/org/staff/12/`` stands for every
    staff page), and send every key each page reads with every hostile value."""
    import django

    django.setup()
    import re

    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from yakuba.accounts.models import User
    from yakuba.core.hostile import CrawlResult, crawl

    result = CrawlResult()
    deadline = time.monotonic() + budget_seconds
    link = re.compile(r'href="(/[^"#]*)"')
    pages = 0
    for role in roles:
        user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
        if user is None:
            continue
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        client.force_login(user)
        if user.is_privileged:
            device = TOTPDevice.objects.create(user=user, name="faultbench", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        seen: set[str] = set()
        queue = ["/"]
        while queue and time.monotonic() < deadline:
            url = queue.pop(0)
            shape = re.sub(r"\d+", "N", url.split("?")[0])
            if shape in seen or re.search(
                r"logout|sign-?out|download|export|\.(css|js|png|svg|ico)", url
            ):
                continue
            seen.add(shape)
            response = client.get(url)
            result.requests += 1
            if response.status_code >= 500:
                result.failures.append(f"{role} GET {url} -> {response.status_code}")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            queue.extend(link.findall(response.content.decode(errors="replace")))
            crawl(url.replace("&amp;", "&"), client, result, label=role)
            pages += 1
    return {
        "fuzz_requests": result.requests,
        "fuzz_500s": len(result.failures),
        "fuzz_pages": pages,
        "fuzz_failures": result.failures[:10],
        "fuzz_complete": time.monotonic() < deadline,
    }


# --- the benchmark ------------------------------------------------------------------------


def _child(site: Any, mode: str, *args: str) -> dict[str, Any]:
    out = site.work / f"{mode}.json"
    site.run_module("yakuba.demo.faultbench", f"--{mode}", str(out), *args)
    return json.loads(out.read_text())


def seed(site: Any) -> None:
    for command in ("seed_demo", "seed_reports_demo", "seed_rosters_demo", "seed_meetings_demo"):
        args = [command, "--if-empty"] + (["--no-sign-ins"] if command == "seed_demo" else [])
        site.manage(*args)


def bench(args: argparse.Namespace) -> dict[str, Any]:
    from yakuba.core.benchserver import bench_site

    started = time.monotonic()

    def leg(database: str) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
        # Static files collected: the crawl renders pages with DEBUG off (manifest storage).
        with bench_site(database, prefix="faults", collectstatic=True) as site:
            t = time.monotonic()
            seed(site)
            print(f"[{database}] demo city loaded in {time.monotonic() - t:.0f} s", flush=True)
            driven = _child(site, "drive", *_drive_args(args))
            print(f"[{database}] kill scenarios done", flush=True)
            restore = _child(site, "backup", str(site.work))
            fuzzed = {}
            if database == args.databases[0] and args.fuzz_seconds > 0:
                fuzzed = _child(site, "fuzz", str(args.fuzz_seconds))
        for o in driven["outcomes"]:
            o["database"] = database
        return driven["outcomes"], restore, fuzzed

    # The two databases in parallel: each leg mostly waits (worker start-up, pauses).
    with ThreadPoolExecutor(max_workers=len(args.databases)) as pool:
        legs = dict(zip(args.databases, pool.map(leg, args.databases), strict=True))
    outcomes = [o for database in args.databases for o in legs[database][0]]
    restores = {database: legs[database][1] for database in args.databases}
    fuzzed: dict[str, Any] = next((legs[d][2] for d in args.databases if legs[d][2]), {})
    total = {
        k: sum(o[k] for o in outcomes)
        for k in ("kills", "lost", "duplicated", "half_written", "uncertain")
    }
    return {
        "benchmark": "faults",
        **total,
        "restore_ok": bool(restores) and all(r["restore_ok"] for r in restores.values()),
        "fuzz_requests": fuzzed.get("fuzz_requests", 0),
        "fuzz_500s": fuzzed.get("fuzz_500s", 0),
        "fuzz_pages": fuzzed.get("fuzz_pages", 0),
        "databases": args.databases,
        "scenarios": outcomes,
        "restores": restores,
        "fuzz_failures": fuzzed.get("fuzz_failures", []),
        "seconds": round(time.monotonic() - started, 1),
    }


def _drive_args(args: argparse.Namespace) -> list[str]:
    return [
        f"--digest-kills={args.digest_kills}",
        f"--catchup-kills={args.catchup_kills}",
        f"--import-batches={args.import_batches}",
        f"--import-size={args.import_size}",
        f"--roster-kills={args.roster_kills}",
        f"--roster-time-limit={args.roster_time_limit}",
        f"--seed={args.seed}",
    ]


def table(summary: dict[str, Any]) -> str:
    head = (
        f"{'database':<9} {'scenario':<17} {'kills':>5} {'expected':>8} {'lost':>4} "
        f"{'dup':>4} {'half':>4} {'unsure':>6} {'s':>6}"
    )
    lines = [head, "-" * len(head)]
    for o in summary["scenarios"]:
        lines.append(
            f"{o['database']:<9} {o['scenario']:<17} {o['kills']:>5} {o['expected']:>8} "
            f"{o['lost']:>4} {o['duplicated']:>4} {o['half_written']:>4} {o['uncertain']:>6} "
            f"{o['seconds']:>6.1f}"
        )
        lines.extend(f"    ! {n}" for n in o["notes"][:5])
    lines.append("")
    for database, r in summary["restores"].items():
        lines.append(
            f"backup → wipe → restore ({database}): {'OK' if r['restore_ok'] else 'FAILED'} — "
            f"{r['rows']} rows, {r['archive_bytes'] // 1024} KiB, {r['seconds']} s"
            + (f", differing: {r['differing_tables']}" if r["differing_tables"] else "")
        )
    lines.append(
        f"hostile-parameter crawl: {summary['fuzz_requests']} requests over "
        f"{summary['fuzz_pages']} pages, {summary['fuzz_500s']} answered 500"
    )
    lines.extend(f"    ! {f}" for f in summary["fuzz_failures"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--drive", type=Path)
    parser.add_argument("--backup", type=Path)
    parser.add_argument("--fuzz", type=Path)
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--digest-kills", type=int, default=4)
    parser.add_argument("--catchup-kills", type=int, default=3)
    parser.add_argument("--import-batches", type=int, default=2)
    parser.add_argument("--import-size", type=int, default=40)
    parser.add_argument("--roster-kills", type=int, default=2)
    parser.add_argument("--roster-time-limit", type=int, default=3)
    parser.add_argument("--fuzz-seconds", type=float, default=45)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    if args.drive:
        args.drive.write_text(json.dumps(drive(args)))
        return 0
    if args.backup:
        args.backup.write_text(json.dumps(backup_round_trip(Path(args.rest[0]))))
        return 0
    if args.fuzz:
        roles = ["sysadmin", "hr", "unit_head", "staff"]
        args.fuzz.write_text(json.dumps(fuzz(float(args.rest[0]), roles)))
        return 0
    summary = bench(args)
    print(table(summary))
    ok = (
        summary["kills"] >= 20
        and summary["lost"] == summary["duplicated"] == summary["half_written"] == 0
        and summary["restore_ok"]
        and summary["fuzz_500s"] == 0
    )
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

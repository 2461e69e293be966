"""Meetings benchmark: Zoom webhook ingest on loopback, and catch-up computation.

(a) N signed Zoom participant events — about 10 % sent twice (redeliveries) and shuffled
    (late "left" events) — are posted by a thread pool to the real endpoint of a gunicorn
    server on 127.0.0.1 with a temporary SQLite database. Afterwards the stored raw events
    are compared with the distinct events sent (``lost``: sent, answered, but not stored
    or answered with an error; ``double_counted``: stored more than once) and the presence
    derived from them with the presence expected from the generator.
(b) Catch-up selection for a 300-person, 3-hour meeting with 2,000 drops, 12 agenda items
    and 200 minutes entries (the pure functions the catch-up task uses).

    python -m yakuba.meetings.bench [--events 5000] [--concurrency 16] [--max-seconds 300]

Prints a table; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from yakuba.core.benchserver import start_gunicorn

REPO = Path(__file__).resolve().parents[2]
START = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
HOURS = 3
ROOM = "86000000001"
ACCOUNT_KEY = "bench"


# --- event generation ------------------------------------------------------------------


def generate(n: int, seed: int = 1) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict]:
    """(unique events, events to send incl. duplicates and reordering, expected presence)."""
    from yakuba.meetings import intervals

    rng = random.Random(seed)
    unique_n = max(2, int(n / 1.1))
    people = max(10, min(300, unique_n // 20))
    per = max(2, unique_n // people // 2 * 2)
    span = HOURS * 3600
    unique: list[dict[str, Any]] = []
    expected: dict[str, list[tuple[float, float]]] = {}
    for p in range(people):
        email = f"p{p:04d}@bench.example.jp"
        seconds = sorted(rng.sample(range(1, span - 1), min(per, span - 2)))
        points = []
        for i, sec in enumerate(seconds):
            kind = "join" if i % 2 == 0 else "leave"
            at = START + dt.timedelta(seconds=sec)
            points.append((at.timestamp(), kind))
            stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            participant = {"user_name": f"参加者 {p}", "email": email, "participant_uuid": f"u{p}"}
            participant["join_time" if kind == "join" else "leave_time"] = stamp
            unique.append(
                {
                    "event": "meeting.participant_joined"
                    if kind == "join"
                    else "meeting.participant_left",
                    "event_ts": int(at.timestamp() * 1000),
                    "payload": {
                        "account_id": "bench",
                        "object": {"id": ROOM, "uuid": "bench==", "participant": participant},
                    },
                }
            )
        expected[f"e:{email}"] = intervals.pair(points, START.timestamp(), START.timestamp() + span)
    send = list(unique) + rng.sample(unique, k=min(len(unique), n - len(unique)))
    rng.shuffle(send)
    return unique, send, expected


# --- server side (runs in subprocesses with the bench DATABASE_URL) ---------------------


def setup(secret: str) -> None:
    import django

    django.setup()
    from yakuba.accounts.models import User
    from yakuba.meetings import services
    from yakuba.meetings.models import Meeting, Platform
    from yakuba.org.models import Unit

    unit = Unit.objects.create(code="B1", name="ベンチ課", kind="division")
    user = User.objects.create_user("bench-organiser", password=None, role="staff")
    services.create_zoom_account(actor=None, name="bench", key=ACCOUNT_KEY, secret=secret)
    Meeting.objects.create(
        title="bench",
        start=START,
        end=START + dt.timedelta(hours=HOURS),
        platform=Platform.ZOOM,
        platform_meeting_id=ROOM,
        unit=unit,
        organiser=user,
    )


def verify(path: str) -> None:
    import django

    django.setup()
    from yakuba.meetings import intervals, services
    from yakuba.meetings.models import AttendanceEvent, Meeting

    meeting = Meeting.objects.get(platform_meeting_id=ROOM)
    t0 = time.perf_counter()
    services.refresh_presence(meeting, force=True)
    rebuild_s = time.perf_counter() - t0
    presence: dict[str, list] = {}
    for p in meeting.presence.all():
        presence.setdefault(p.connection_key, []).append(
            (intervals.ts(p.join), intervals.ts(p.leave))
        )
    keys = list(AttendanceEvent.objects.values_list("dedup_key", flat=True))
    Path(path).write_text(
        json.dumps(
            {
                "stored": len(keys),
                "distinct": len(set(keys)),
                "presence": {k: sorted(v) for k, v in presence.items()},
                "rebuild_s": rebuild_s,
            }
        )
    )


# --- client side ------------------------------------------------------------------------


class Sender:
    def __init__(self, port: int, secret: str) -> None:
        self.port = port
        self.secret = secret
        self.local = threading.local()
        self.statuses: dict[int, int] = {}
        self.lock = threading.Lock()
        self.errors = 0

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.local.conn = conn
        return conn

    def send(self, payload: dict[str, Any]) -> None:
        from yakuba.meetings import zoom

        body = json.dumps(payload, ensure_ascii=False).encode()
        for attempt in range(3):
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "x-zm-request-timestamp": stamp,
                "x-zm-signature": zoom.signature(self.secret, stamp, body),
            }
            try:
                conn = self._conn()
                conn.request("POST", f"/meetings/hooks/zoom/{ACCOUNT_KEY}/", body, headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                self.local.conn = None
                status = 0
            if status == 200 or attempt == 2:
                break
            time.sleep(0.05 * (attempt + 1))  # Zoom retries too
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1


def bench_ingest(events: int, concurrency: int, max_seconds: float) -> dict[str, Any]:
    from yakuba.meetings.zoom import parse_participant

    _unique, send, expected = generate(events)
    work = Path(tempfile.mkdtemp(prefix="bench-meetings-"))
    secret = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(work / "static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "yakuba.settings",
    }
    env.pop("YAKUBA_TESTING", None)
    py = sys.executable
    run = {"cwd": REPO, "env": env, "check": True}
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], **run)  # noqa: S603
    subprocess.run([py, "-m", "yakuba.meetings.bench", "--setup", secret], **run)  # noqa: S603
    server, port = start_gunicorn(cwd=REPO, env=env, workers=3, threads=4)
    sender = Sender(port, secret)
    sent = 0
    try:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            futures = []
            for payload in send:
                if time.perf_counter() - start > max_seconds:
                    break
                futures.append(pool.submit(sender.send, payload))
                sent += 1
                if len(futures) > concurrency * 8:
                    futures.pop(0).result()
            for f in futures:
                f.result()
        seconds = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = work / "verify.json"
    subprocess.run([py, "-m", "yakuba.meetings.bench", "--verify", str(out)], **run)  # noqa: S603
    result = json.loads(out.read_text())
    shutil.rmtree(work, ignore_errors=True)
    sent_unique = {parse_participant(p).dedup_key for p in send[:sent]}
    presence_ok = sent == len(send) and all(
        [list(v) for v in expected[k]] == result["presence"].get(k, []) for k in expected
    )
    return {
        "events_sent": sent,
        "events_unique": len(sent_unique),
        "seconds": seconds,
        "events_per_s": sent / seconds if seconds else 0.0,
        "statuses": sender.statuses,
        "stored": result["stored"],
        "lost": len(sent_unique) - result["distinct"],
        "double_counted": result["stored"] - result["distinct"],
        "presence_matches": presence_ok,
        "presence_rebuild_s": result["rebuild_s"],
    }


def bench_catchup(people: int = 300, hours: int = 3, drops: int = 2000) -> dict[str, Any]:
    from yakuba.meetings import catchup, intervals

    rng = random.Random(7)
    start, end = 0.0, hours * 3600.0
    per_person: list[list[tuple[float, float]]] = [[] for _ in range(people)]
    cuts: list[list[float]] = [[] for _ in range(people)]
    for _ in range(drops):
        cuts[rng.randrange(people)].append(rng.uniform(start + 60, end - 300))
    for i in range(people):
        cursor = start + (rng.uniform(0, 600) if rng.random() < 0.1 else 0)
        for cut in sorted(cuts[i]):
            if cut > cursor:
                per_person[i].append((cursor, cut))
                cursor = cut + rng.uniform(5, 600)
        per_person[i].append((cursor, end))
    items = [catchup.Item(f"a{k}", "agenda", k * 900.0, (k + 1) * 900.0) for k in range(12)]
    items += [
        catchup.Item(
            f"m{k}",
            rng.choice(["note", "decision", "action"]),
            rng.uniform(0, end),
            owner=rng.randrange(people),
        )
        for k in range(200)
    ]
    t0 = time.perf_counter()
    selected = 0
    catchups = 0
    for i in range(people):
        att = intervals.classify(per_person[i], start, end)
        if att.needs_catchup:
            catchups += 1
            selected += len(catchup.select(att.absences, items, person=i))
    seconds = time.perf_counter() - t0
    return {"catchup_s": seconds, "catchups": catchups, "items_selected": selected}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--setup", metavar="SECRET")
    parser.add_argument("--verify", metavar="PATH")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.settings")
    if args.setup:
        setup(args.setup)
        return 0
    if args.verify:
        verify(args.verify)
        return 0
    import django

    os.environ.setdefault("DEBUG", "1")
    django.setup()
    ingest = bench_ingest(args.events, args.concurrency, args.max_seconds)
    catch = bench_catchup()
    rows = [
        ("Zoom events sent (incl. duplicates)", f"{ingest['events_sent']:,}"),
        ("distinct events", f"{ingest['events_unique']:,}"),
        ("ingest time", f"{ingest['seconds']:.1f} s"),
        ("events/s", f"{ingest['events_per_s']:.0f}"),
        ("HTTP statuses", json.dumps(ingest["statuses"])),
        ("lost", str(ingest["lost"])),
        ("double-counted", str(ingest["double_counted"])),
        ("presence equals expected", str(ingest["presence_matches"])),
        ("presence rebuild from raw events", f"{ingest['presence_rebuild_s']:.2f} s"),
        ("catch-up, 300 people, 3 h, 2,000 drops", f"{catch['catchup_s'] * 1000:.0f} ms"),
        ("catch-ups / items selected", f"{catch['catchups']} / {catch['items_selected']}"),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    summary = {
        "events": ingest["events_sent"],
        "events_per_s": round(ingest["events_per_s"], 1),
        "lost": ingest["lost"],
        "double_counted": ingest["double_counted"],
        "presence_matches": ingest["presence_matches"],
        "catchup_s": round(catch["catchup_s"], 4),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""PostgreSQL stopped while Zoom events (and a chat command) arrive: every request is
answered 200 with its event stored, or 503 with Retry-After (Zoom redelivers) — never 200
without the row, never a 500; once the database is back the redeliveries are stored.

A private PostgreSQL cluster (initdb + pg_ctl on a free port, in a temporary directory)
is started for the test and stopped in the middle of the stream: the shared server of the
other tests is never touched. gunicorn serves the real endpoint against it.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from yakuba.core.benchserver import REPO, free_port, start_gunicorn
from yakuba.meetings import bench, zoom

pytestmark = pytest.mark.faults

PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
SECRET = "outage-secret-0123456789"
TOKEN = "mm-token-outage"


class PrivatePostgres:
    def __init__(self) -> None:
        self.bin = Path(PG_BINS[-1])
        self.dir = Path(tempfile.mkdtemp(prefix="yakuba-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:  # initdb refuses root: the cluster belongs to the postgres user
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "root", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.dir)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://root@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_pg():
    if not PG_BINS or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip("needs the PostgreSQL server binaries")
    pg = PrivatePostgres()
    pg.start()
    import psycopg

    with psycopg.connect(pg.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE yakuba")
    yield pg
    pg.remove()


def _post(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _send_event(port: int, event: dict) -> tuple[int, dict]:
    body = json.dumps(event).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "x-zm-request-timestamp": stamp,
        "x-zm-signature": zoom.signature(SECRET, stamp, body),
    }
    status, head, _ = _post(port, f"/meetings/hooks/zoom/{bench.ACCOUNT_KEY}/", body, headers)
    return status, head


def _stored_keys(pg: PrivatePostgres) -> set[str]:
    import psycopg

    with psycopg.connect(pg.url("yakuba")) as conn:
        rows = conn.execute("SELECT dedup_key FROM meetings_attendanceevent").fetchall()
    return {r[0] for r in rows}


def test_webhooks_answer_503_while_postgres_is_stopped_and_nothing_is_lost(private_pg) -> None:
    work = Path(tempfile.mkdtemp(prefix="yakuba-outage-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("YAKUBA_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DATABASE_URL=private_pg.url("yakuba"),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(work / "static"),
        YAKUBA_VAR_DIR=str(work / "var"),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="yakuba.settings",
        MATTERMOST_COMMAND_TOKEN=TOKEN,
    )
    for args in (
        ["manage.py", "migrate", "--noinput", "-v0"],
        ["-m", "yakuba.meetings.bench", "--setup", SECRET],
    ):
        subprocess.run([sys.executable, *args], cwd=REPO, env=env, check=True)
    events, _, _ = bench.generate(90, seed=7)
    keys = [zoom.parse_participant(e).dedup_key for e in events]
    answers: list[tuple[int, int, str]] = []  # (event index, status, Retry-After)
    down, stopped = threading.Event(), threading.Event()
    server, port = start_gunicorn(cwd=REPO, env=env, workers=1, threads=4)
    try:
        # One sender, like Zoom: the database is stopped after the 25th answer, while it sends.
        def sender(indexes: list[int]) -> None:
            for i in indexes:
                if i == 40:
                    stopped.wait(120)  # 25–39 race the stop; from 40 on it is down
                status, head = _send_event(port, events[i])
                answers.append((i, status, head.get("Retry-After", "")))
                if len(answers) == 25:
                    down.set()
                time.sleep(0.01)

        thread = threading.Thread(target=sender, args=(list(range(60)),))
        thread.start()
        assert down.wait(120)
        private_pg.stop()
        stopped.set()
        thread.join(120)
        # A chat command during the outage: 503 too, in JSON, with Retry-After.
        command = f"token={TOKEN}&user_name=someone&text=出勤".encode()
        status, head, body = _post(
            port, "/reports/chat/mattermost/", command,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        assert status == 503 and head.get("Retry-After") == "30", body
        assert json.loads(body)["error"] == "database unavailable"
        # A browser whose session cannot be loaded (a middleware, before any view): 503 too.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET", "/", headers={"Accept": "text/html", "Cookie": "sessionid=" + "a1b2c3d4" * 4}
        )
        page = conn.getresponse()
        assert page.status == 503 and page.getheader("Retry-After") == "30"
        assert "データベースに接続できません" in page.read().decode()
        conn.close()

        assert {s for _, s, _ in answers} <= {200, 503}, answers
        refused = [i for i, s, _ in answers if s == 503]
        assert refused, "the database was stopped mid-stream: some events must be refused"
        assert all(r == "30" for _, s, r in answers if s == 503)
        private_pg.start()
        # Acknowledged means stored: exactly the events answered 200 are in the database.
        acknowledged = {keys[i] for i, s, _ in answers if s == 200}
        assert _stored_keys(private_pg) == acknowledged
        # Zoom redelivers what was refused, and the stream goes on.
        answers.clear()
        sender(refused + list(range(60, len(events))))
        assert {s for _, s, _ in answers} == {200}, answers
        assert _stored_keys(private_pg) == set(keys)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

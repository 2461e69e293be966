"""A real site for benchmark scripts: its own database, migrated and set up by
subprocesses, served by gunicorn on a free loopback port; all removed afterwards.

Every ``bench.py`` of the product measures through this (reports, meetings, connection
check), so they run the same production-like server: ``DEBUG`` off, a fresh secret key,
the database task backend, a temporary SQLite file or a temporary PostgreSQL database::

    with bench_site("postgres", prefix="reports") as site:
        site.run_module("yakuba.dailyreports.bench", "--setup", "1000", str(site.work / "s"))
        with site.server(workers=3, threads=4) as server:
            ...  # HTTP against 127.0.0.1:server.port
        site.run_module("yakuba.dailyreports.bench", "--verify")  # server stopped, data kept
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# Where a temporary PostgreSQL database is created (CREATE/DROP DATABASE rights needed).
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://root@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid


@dataclass
class BenchSite:
    database: str  # "sqlite" or "postgres"
    database_url: str
    work: Path
    env: dict[str, str]

    def _run(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - our own interpreter and modules, fixed arguments
            [sys.executable, *args], cwd=REPO, env=self.env, check=True
        )

    def manage(self, *args: str) -> None:
        self._run("manage.py", *args)

    def run_module(self, module: str, *args: str) -> None:
        """``python -m module args`` against this site's database (set-up, verification)."""
        self._run("-m", module, *args)

    @contextmanager
    def server(
        self, *, workers: int = 3, threads: int = 4, timeout: float = 60
    ) -> Iterator[Server]:
        """gunicorn serving this site on 127.0.0.1, ready when ``/healthz`` answers; stopped
        (and waited for) when the block ends."""
        process, port = start_gunicorn(
            cwd=REPO, env=self.env, workers=workers, threads=threads, timeout=timeout
        )
        try:
            yield Server(process, port)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def bench_site(
    database: str = "sqlite",
    *,
    prefix: str = "bench",
    env: Mapping[str, str] | None = None,
    collectstatic: bool = False,
) -> Iterator[BenchSite]:
    """A migrated site with its own database (``sqlite`` file or ``postgres`` database),
    removed with its work directory when the block ends."""
    if database not in ("sqlite", "postgres"):
        raise ValueError(f"unknown database {database!r}")
    work = Path(tempfile.mkdtemp(prefix=f"{prefix}-{database}-"))
    pg_name = f"yakuba_{prefix}_{os.getpid()}".replace("-", "_")
    if database == "postgres":
        _pg(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        _pg(f'CREATE DATABASE "{pg_name}"')
        url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{pg_name}"
    else:
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    site_env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(work / "static"),
        "YAKUBA_VAR_DIR": str(work / "var"),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "yakuba.settings",
        **dict(env or {}),
    }
    # A bench is production-like even when started from the test suite.
    for test_only in ("YAKUBA_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        site_env.pop(test_only, None)
    (work / "static").mkdir()
    site = BenchSite(database, url, work, site_env)
    try:
        site.manage("migrate", "--noinput", "-v0")
        if collectstatic:
            site.manage("collectstatic", "--noinput", "-v0")
        yield site
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if database == "postgres":
            _pg(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def start_gunicorn(
    *, cwd: Path, env: Mapping[str, str], workers: int = 3, threads: int = 4, timeout: float = 60
) -> tuple[subprocess.Popen[bytes], int]:
    """Start `gunicorn yakuba.wsgi` on 127.0.0.1 and wait until it serves /healthz."""
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "yakuba.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=cwd,
        env=dict(env),
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("server did not start")


def run_piece(module: str, *args: str) -> dict[str, Any]:
    """Run one benchmark module in its own process, as the combined ``make bench-*`` targets
    do: its table goes to our output, its last line (one JSON object) is returned. A piece
    that fails is reported as ``{"error": ...}`` with its stderr, and the others still run."""
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own benchmark modules
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=False
    )
    lines = proc.stdout.strip().splitlines()
    print(f"== {module} ({time.perf_counter() - started:.0f} s)")
    print("\n".join(lines[:-1]))
    if proc.returncode != 0 or not lines:
        print(proc.stderr[-4000:], file=sys.stderr)
        return {"error": f"{module} exited with {proc.returncode}"}
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures

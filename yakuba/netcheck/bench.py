"""Connection-check throughput on loopback: is the server side ever the bottleneck?

Starts the app under gunicorn (2 workers × 4 threads, DEBUG off) on 127.0.0.1 and a free
port with a temporary SQLite database and a signed-in session made here, then measures
like the page does: ping (minimum of 10), download with parallel streams for ~10 s (first
1.5 s discarded, sampled every 200 ms) and upload with parallel POSTs for ~5 s (first
1.5 s discarded). Prints a table; the last line is one JSON object.

    python -m yakuba.netcheck.bench [--seconds 10] [--upload-seconds 5] [--streams 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import string
import sys
import threading
import time
from pathlib import Path

from yakuba.core.benchserver import bench_site

REPO = Path(__file__).resolve().parents[2]
SAMPLE_S = 0.2
READ = 1024 * 1024


def setup_session(path: str) -> None:
    """Runs inside a subprocess with the bench DATABASE_URL: one person, one session."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from yakuba.accounts.models import User

    user = User.objects.create_user("netcheck-bench", password=None, role="staff")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None  # create() sets it
    Path(path).write_text(session.session_key)


class Client:
    def __init__(self, port: int, session_key: str) -> None:
        self.port = port
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"

    def conn(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Cookie": self.cookie, "X-CSRFToken": self.csrf, **extra}

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        conn = self.conn()
        try:
            conn.request(method, path, body=body, headers=self.headers())
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()


class Meter:
    """Bytes moved by all streams; throughput after the grace period, sampled every 200 ms."""

    def __init__(self) -> None:
        self.bytes = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.samples: list[float] = []

    def add(self, n: int) -> None:
        with self.lock:
            self.bytes += n

    def run(self, seconds: float, grace: float) -> float:
        start = time.perf_counter()
        grace_at: float | None = None
        grace_bytes = 0
        mbps = 0.0
        while (now := time.perf_counter()) - start < seconds:
            time.sleep(SAMPLE_S)
            now = time.perf_counter()
            if grace_at is None:
                if now - start >= grace:
                    grace_at, grace_bytes = now, self.bytes
                continue
            mbps = (self.bytes - grace_bytes) * 8 / (now - grace_at) / 1e6
            self.samples.append(mbps)
        self.stop.set()
        return mbps


def _download_stream(client: Client, run: str, size: int, meter: Meter, errors: list) -> None:
    buf = bytearray(READ)
    view = memoryview(buf)
    conn = client.conn()
    try:
        while not meter.stop.is_set():
            conn.request(
                "GET", f"/netcheck/download/?run={run}&size={size}", headers=client.headers()
            )
            resp = conn.getresponse()
            if resp.status != 200:
                errors.append(resp.status)
                resp.read()
                return
            while not meter.stop.is_set():
                n = resp.readinto(view)
                if not n:
                    break
                meter.add(n)
            if meter.stop.is_set():
                return
    except OSError as exc:
        errors.append(repr(exc))
    finally:
        conn.close()


def _upload_stream(client: Client, run: str, blob: bytes, meter: Meter, errors: list) -> None:
    conn = client.conn()
    try:
        while not meter.stop.is_set():
            conn.putrequest("POST", f"/netcheck/upload/?run={run}")
            for key, value in client.headers().items():
                conn.putheader(key, value)
            conn.putheader("Content-Type", "application/octet-stream")
            conn.putheader("Content-Length", str(len(blob)))
            conn.endheaders()
            view = memoryview(blob)
            for off in range(0, len(blob), READ):
                conn.send(view[off : off + READ])
                meter.add(min(READ, len(blob) - off))
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(resp.status)
                return
    except OSError as exc:
        errors.append(repr(exc))
    finally:
        conn.close()


def _phase(target, client: Client, run: str, arg, streams: int, seconds: float, grace: float):
    meter = Meter()
    errors: list = []
    threads = [
        threading.Thread(target=target, args=(client, run, arg, meter, errors), daemon=True)
        for _ in range(streams)
    ]
    for t in threads:
        t.start()
    mbps = meter.run(seconds, grace)
    for t in threads:
        t.join(timeout=10)
    return mbps, meter, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--upload-seconds", type=float, default=5.0)
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    if args.setup:
        setup_session(args.setup)
        return 0

    # The bench measures the server, not the per-run budgets (tested separately).
    budgets = {
        "NETCHECK_MAX_DOWNLOAD_BYTES_PER_RUN": str(1 << 50),
        "NETCHECK_MAX_UPLOAD_BYTES_PER_RUN": str(1 << 50),
    }
    with bench_site("sqlite", prefix="bench-netcheck", env=budgets) as site:
        key_file = site.work / "session"
        site.run_module("yakuba.netcheck.bench", "--setup", str(key_file))
        with site.server(workers=args.workers, threads=args.threads) as server:
            client = Client(server.port, key_file.read_text().strip())
            status, body = client.request("POST", "/netcheck/start/")
            if status != 200:
                raise RuntimeError(f"start: {status} {body[:200]!r}")
            run = json.loads(body)["run"]
            baseline = []
            for _ in range(10):
                t0 = time.perf_counter()
                client.request("GET", "/healthz")
                baseline.append((time.perf_counter() - t0) * 1000)
            pings = []
            for _ in range(10):
                t0 = time.perf_counter()
                status, _body = client.request("GET", f"/netcheck/ping/?run={run}")
                if status == 204:
                    pings.append((time.perf_counter() - t0) * 1000)
            down, down_meter, down_err = _phase(
                _download_stream, client, run, 64 * 1024**2, args.streams, args.seconds, 1.5
            )
            blob = os.urandom(16 * 1024**2)
            up, up_meter, up_err = _phase(
                _upload_stream, client, run, blob, args.streams, args.upload_seconds, 1.5
            )

    rows = [
        ("server", f"gunicorn {args.workers}×{args.threads} threads, 127.0.0.1, SQLite"),
        ("streams", str(args.streams)),
        ("ping min (ms)", f"{min(pings):.2f}" if pings else "—"),
        ("healthz min (ms)", f"{min(baseline):.2f}  (unauthenticated baseline)"),
        ("download (Mbps)", f"{down:,.0f}  ({args.seconds:g} s, first 1.5 s discarded)"),
        ("download moved (MiB)", f"{down_meter.bytes / 1024**2:,.0f}"),
        ("upload (Mbps)", f"{up:,.0f}  ({args.upload_seconds:g} s, first 1.5 s discarded)"),
        ("upload moved (MiB)", f"{up_meter.bytes / 1024**2:,.0f}"),
        ("errors", str(down_err + up_err or "none")),
    ]
    width = max(len(k) for k, _ in rows)
    print("netcheck on loopback")
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    print(
        json.dumps(
            {
                "netcheck_download_mbps": round(down, 1),
                "netcheck_upload_mbps": round(up, 1),
                "netcheck_ping_ms": round(min(pings), 2) if pings else None,
                "netcheck_streams": args.streams,
                "netcheck_errors": len(down_err) + len(up_err),
            }
        )
    )
    return 0 if down_err == [] and up_err == [] else 1


if __name__ == "__main__":
    sys.exit(main())

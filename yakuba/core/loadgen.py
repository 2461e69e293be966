"""Load from simulated people against a benchmark server (`core.benchserver`).

Each person opens a page (GET: the session cookie refreshed, the CSRF token read) and posts
a form built from that page; `drive` sends them through a thread pool with at most
``concurrency`` in flight, either back to back (saturation) or open loop — person *i*
arrives at *i/N* of ``rush_seconds`` whatever the server does. `Latencies` keeps the
timings, errors and a few error samples for the benchmark's table.
"""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

P = TypeVar("P")

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Latencies:
    backend: str
    get_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @staticmethod
    def pct(values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def error(self, exc: Exception) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(str(exc)[:200])


def request(
    port: int, method: str, path: str, cookies: dict[str, str], body: str = ""
) -> tuple[int, str, float, list[str]]:
    """One request on a fresh connection: (status, text, milliseconds, Set-Cookie headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
    start = time.perf_counter()
    conn.request(method, path, body=body.encode() if body else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    set_cookies = response.headers.get_all("Set-Cookie") or []
    conn.close()
    return response.status, data.decode(errors="replace"), elapsed, set_cookies


def get_then_post(
    port: int,
    path: str,
    session_key: str,
    form: Callable[[str, str], str],
    result: Latencies,
) -> None:
    """GET ``path`` signed in with ``session_key``, then POST ``form(html, csrf_token)`` (an
    urlencoded body) to it; a redirect is success, anything else an error in ``result``."""
    cookies = {"sessionid": session_key}
    try:
        status, html, ms, set_cookies = request(port, "GET", path, cookies)
        result.get_ms.append(ms)
        for c in set_cookies:
            name, _, rest = c.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        token = _CSRF.search(html)
        if status != 200 or token is None:
            raise RuntimeError(f"GET {status}")
        status, _html, ms, _ = request(port, "POST", path, cookies, form(html, token.group(1)))
        result.post_ms.append(ms)
        if status != 302:
            raise RuntimeError(f"POST {status}")
    except Exception as exc:  # every failure counts as an error
        result.error(exc)


def drive(
    visit: Callable[[P, Latencies], None],
    warmup: Iterable[P],
    measured: Sequence[P],
    result: Latencies,
    *,
    concurrency: int,
    rush_seconds: float,
) -> None:
    """Warm the server up (timings discarded), then send ``measured`` people; their timings
    go to ``result`` and the wall time to ``result.seconds``."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        for person in warmup:
            pool.submit(visit, person, Latencies("warm-up"))
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for i, person in enumerate(measured):
            if rush_seconds:
                # Open loop: person i arrives at i/N of the rush, whatever the server does.
                delay = start + rush_seconds * i / len(measured) - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            pool.submit(visit, person, result)
    result.seconds = time.perf_counter() - start

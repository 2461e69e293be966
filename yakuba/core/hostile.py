"""A crawl of every URL with hostile query parameters (used by the test suite and by
`make bench-faults`).

Which parameters does a view read? The crawl first GETs each URL normally while recording
every key looked up in ``request.GET``; then it sends each of those keys again with each
value of `HOSTILE_VALUES`. Nothing may answer 500: a bad value is answered 400 with a
message, or falls back to the default.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

HOSTILE_VALUES: tuple[str, ...] = (
    "",
    " ",
    "abc",
    "-1",
    "0",
    "9" * 20,
    "1e309",
    "NaN",
    "１２",  # full-width digits
    "9999-12",
    "0001-01",
    "2026-13",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-04-01T25:99",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "a\x00b",
    "x" * 5000,
    "1,2,3",
    "'; DROP TABLE x; --",
)


# Already percent-encoded: bytes that are not UTF-8 (a lone surrogate, 0xFF) and a NUL.
HOSTILE_RAW: tuple[str, ...] = ("%ED%A0%80", "%FF%FE", "%00", "%E3%81")


@contextlib.contextmanager
def recording_get_keys() -> Iterator[set[str]]:
    """Record every key read from any QueryDict while the block runs."""
    keys: set[str] = set()
    originals = {
        name: getattr(QueryDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")
    }

    def wrap(name: str) -> Callable[..., Any]:
        original = originals[name]

        def recorder(self: QueryDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, str):
                keys.add(key)
            return original(self, key, *args, **kwargs)

        return recorder

    for name in originals:
        setattr(QueryDict, name, wrap(name))
    try:
        yield keys
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


@dataclass
class CrawlResult:
    requests: int = 0
    failures: list[str] = field(default_factory=list)


def crawl(url: str, client: Any, result: CrawlResult, *, label: str = "") -> None:
    """GET ``url``, learn the query keys it reads, then send each with every hostile value
    (alone, and twice in a row as a list). Records every 500 in ``result.failures``."""
    base, _, query = url.partition("?")
    params = QueryDict(query, mutable=True)
    with recording_get_keys() as keys:
        response = client.get(url)
    result.requests += 1
    if response.status_code >= 500:
        result.failures.append(f"{label} GET {url} -> {response.status_code}")
    keys = {k for k in keys if k not in ("csrfmiddlewaretoken",)} | set(params)
    for key in sorted(keys):
        others = params.copy()
        others.pop(key, None)
        rest = urlencode(list(others.lists()), doseq=True)
        queries = [
            urlencode([*others.lists(), (key, values)], doseq=True)
            for value in HOSTILE_VALUES
            for values in ([value], [value, value])
        ] + [f"{rest}&{key}={raw}".lstrip("&") for raw in HOSTILE_RAW]
        for query in queries:
            target = f"{base}?{query}"
            try:
                response = client.get(target)
                status = response.status_code
            except Exception as exc:  # the test client re-raises what the view raised
                status = 500
                target += f"  ({type(exc).__name__}: {str(exc)[:120]})"
            result.requests += 1
            if status >= 500:
                result.failures.append(f"{label} GET {target[:300]} -> {status}")

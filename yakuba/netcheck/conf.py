"""Netcheck settings: limits that keep the test from loading the server, and thresholds.

Every value can be set in Django settings (``NETCHECK_<NAME>``) or the environment of the
same name; the defaults suit a municipal office.
"""

from __future__ import annotations

from typing import Any

from yakuba.core.conf import setting

DEFAULTS: dict[str, Any] = {
    # Rate limits per person: test runs per minute, bytes per run each way, pings per run.
    "RUNS_PER_MINUTE": 3,
    "MAX_DOWNLOAD_BYTES_PER_RUN": 2 * 1024**3,
    "MAX_UPLOAD_BYTES_PER_RUN": 1024**3,
    "MAX_PINGS_PER_RUN": 600,
    "RUN_SECONDS": 300,
    # Size limits per request.
    "MAX_DOWNLOAD_REQUEST_BYTES": 64 * 1024**2,
    "MAX_UPLOAD_REQUEST_BYTES": 16 * 1024**2,
    "CHUNK_BYTES": 512 * 1024,
    # Durations the page uses (seconds) and its parallel streams.
    "DOWNLOAD_SECONDS": 12,
    "UPLOAD_SECONDS": 12,
    "STABILITY_SECONDS": 30,
    "STREAMS": 6,
    # Readiness page: smallest group shown, and whether names are shown at all.
    "MIN_GROUP_SIZE": 3,
    "SHOW_NAMES": False,
}


def get(name: str) -> Any:
    return setting(f"NETCHECK_{name}", DEFAULTS[name])

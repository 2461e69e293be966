"""Pause points for the fault tests and `make bench-faults` (off unless configured).

A fault test must kill a task worker *in the middle* of its work: between two recipients
of a digest, inside the transaction that writes a roster or applies an import. Real work
on a small test city is too quick to hit reliably, so the code calls ``pause("name")`` at
those points. It does nothing at all unless ``settings.FAULT_PAUSES`` names the point;
that setting is only filled from the ``YAKUBA_FAULT_PAUSES`` environment variable
(``"point=seconds,point=seconds"``), which only the fault tests and the fault benchmark
set on the worker processes they start. When it does pause, it first writes
``FAULT-PAUSE <point>`` on a line of standard error, so the test knows where the worker
is when it kills it.
"""

from __future__ import annotations

import sys
import time

from django.conf import settings


def parse(value: str) -> dict[str, float]:
    """``"a=0.5,b=2"`` → ``{"a": 0.5, "b": 2.0}`` (blank or malformed parts ignored)."""
    pauses: dict[str, float] = {}
    for part in value.split(","):
        name, _, seconds = part.strip().partition("=")
        try:
            pauses[name.strip()] = float(seconds)
        except ValueError:
            continue
    return {k: v for k, v in pauses.items() if k and v > 0}


def pause(point: str) -> None:
    seconds = getattr(settings, "FAULT_PAUSES", {}).get(point)
    if not seconds:
        return
    sys.stderr.write(f"FAULT-PAUSE {point}\n")
    sys.stderr.flush()
    time.sleep(seconds)

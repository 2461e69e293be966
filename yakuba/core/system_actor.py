"""Which system job is acting, for the audit trail.

Work done without a person (a scheduled step, a task the worker runs) is recorded in the
audit trail under the name of the job that did it — ``dailyreports.window``,
``meetings.catchups`` — never under a vague "system". The scheduler sets the name around
each claimed step; a task that is not a scheduled step sets it itself with ``acting_as``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_current: contextvars.ContextVar[str] = contextvars.ContextVar("yakuba_system_actor", default="")


@contextmanager
def acting_as(job_name: str) -> Iterator[None]:
    """Record what happens inside as done by the system job ``job_name``."""
    token = _current.set(job_name)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> str:
    """The system job acting now, or ``""`` outside any."""
    return _current.get()

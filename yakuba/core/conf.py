"""Typed settings with a default, read from Django settings or else the environment.

Capabilities keep their tunables in a ``DEFAULTS`` table and read each one with
:func:`setting` (e.g. ``NETCHECK_RUNS_PER_MINUTE``), so an office can change them in
``settings.py`` or, without touching code, in the service's environment.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

_TRUE = {"1", "true", "yes", "on"}


def setting(key: str, default: Any) -> Any:
    """``settings.<key>`` if defined, else the environment variable ``key`` converted to
    the type of ``default`` (booleans accept 1/true/yes/on), else ``default``."""
    if hasattr(settings, key):
        return getattr(settings, key)
    raw = os.environ.get(key)
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in _TRUE
    return type(default)(raw)

"""Periodic jobs of the organisation app (registered with core.scheduling on start-up)."""

from __future__ import annotations

import datetime as dt

from yakuba.core.scheduling import Job, daily, register
from yakuba.org.imports import PURGE_JOB


def purge_import_uploads(day: str) -> int:
    from yakuba.org.imports import purge_unapplied_uploads

    return purge_unapplied_uploads()


PURGE_UPLOADS = register(
    Job(
        name=PURGE_JOB,
        due=daily(at=dt.time(3, 30)),
        run=purge_import_uploads,
        description="delete the files of imports never applied after IMPORT_KEEP_DAYS",
    )
)

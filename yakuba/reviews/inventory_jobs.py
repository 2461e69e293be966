"""Periodic jobs of the inventory (registered with core.scheduling from the app's ready()):

* ``reviews.meeting_series`` — every night at 2:00, regroup the meetings into recurring
  series and recompute their cost (yesterday's meetings and rate changes included);
* ``reviews.purge_import_previews`` — every day at 3:40, forget the stored rows and file
  of inventory imports never confirmed within IMPORT_KEEP_DAYS (their problems and counts
  stay, so the list of imports still says what happened).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yakuba.core.scheduling import Job, daily, register

SERIES_JOB = "reviews.meeting_series"
PURGE_JOB = "reviews.purge_import_previews"


def refresh_series(day: str) -> int:
    from yakuba.reviews.series import refresh_meeting_series

    return refresh_meeting_series().series


def purge_import_previews(day: str) -> int:
    """Unconfirmed previews older than IMPORT_KEEP_DAYS lose their rows and file."""
    from yakuba.core.tabular import import_limit
    from yakuba.reviews.import_models import ImportState, ProcedureImport

    before = timezone.now() - dt.timedelta(days=import_limit("IMPORT_KEEP_DAYS"))
    stale = ProcedureImport.objects.filter(
        created_at__lt=before,
        state__in=(ImportState.READY, ImportState.INVALID, ImportState.FAILED),
    ).exclude(rows=[], upload="")
    done = 0
    for batch in stale:
        batch.delete_upload()
        ProcedureImport.objects.filter(pk=batch.pk).update(rows=[])
        done += 1
    return done


SERIES = register(
    Job(
        name=SERIES_JOB,
        due=daily(at=dt.time(2, 0)),
        run=refresh_series,
        description="regroup recurring meetings and recompute their staff cost",
    )
)
PURGE = register(
    Job(
        name=PURGE_JOB,
        due=daily(at=dt.time(3, 40)),
        run=purge_import_previews,
        description="forget the rows of inventory imports never confirmed",
    )
)

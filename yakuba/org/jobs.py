"""Periodic jobs of the organisation app (registered with core.scheduling on start-up)."""

from __future__ import annotations

import datetime as dt

from yakuba.core.scheduling import Job, daily, register
from yakuba.org.imports import PURGE_JOB

STAFF_CHANGES_JOB = "org.apply_staff_changes"


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


def apply_staff_changes(day: str) -> int:
    """The moves, joiners and leavers dated ``day`` or earlier (org.personnel): applied in
    one transaction, then the joiners' accounts and the invitations that follow units."""
    from yakuba.org.joiners import create_joiner_accounts
    from yakuba.org.personnel import apply_due_changes, joined_without_account

    on = dt.date.fromisoformat(day)
    result = apply_due_changes(on)
    # After the commit. A run again after a worker died here finds the changes applied and
    # the joiners still without an account: they are asked for again (idempotent).
    create_joiner_accounts(None, sorted(set(result.joined) | set(joined_without_account(on))))
    return result.applied


STAFF_CHANGES = register(
    Job(
        name=STAFF_CHANGES_JOB,
        # At the start of the day (Asia/Tokyo): on April 1st people open Yakuba in their
        # new unit. A day missed (scheduler down) is caught up: the job applies every
        # pending change dated that day or earlier.
        due=daily(at=dt.time(0, 0)),
        run=apply_staff_changes,
        description="apply pending personnel changes (異動・採用・退職) on their effective date",
    )
)

"""The directory sync as a daily job of the core scheduler (``LDAP_SYNC_HOUR``, local
time; off when it is not set or no directory is configured)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Set

from django.conf import settings
from django.utils import timezone

from yakuba.core.scheduling import Due, Job, daily, register

logger = logging.getLogger(__name__)


def due_sync(now: dt.datetime, claimed: Set[str]) -> Iterable[Due]:
    hour = getattr(settings, "LDAP_SYNC_HOUR", None)
    if hour is None or hour < 0 or not getattr(settings, "LDAP_SERVER_URI", ""):
        return []
    local = timezone.localtime(now)
    if local.hour < hour:
        return []
    day = local.date().isoformat()
    return [Due(day, (day,))]


def run_sync(day: str) -> str:
    from yakuba.accounts import services
    from yakuba.accounts.directory import DirectoryConfig
    from yakuba.accounts.directory_sync import plan_sync
    from yakuba.audit.models import AuditAction
    from yakuba.audit.services import record

    config = DirectoryConfig.from_settings()
    plan = plan_sync(config)  # DirectoryUnavailable: the claim is retried by the scheduler
    try:
        result = services.apply_directory_sync(
            actor=None, plan=plan, config=config, max_disable=settings.LDAP_SYNC_MAX_DISABLE
        )
    except services.TooManyLeavers as refused:
        # Left for a person to confirm (`manage.py sync_directory`): audited, not retried.
        record(
            AuditAction.UPDATE,
            object_type="accounts.directory_sync",
            object_repr=day,
            changes={"refused": str(refused)},
        )
        logger.warning("directory sync not applied: %s", refused)
        return f"refused: {refused}"
    return f"{result.created} created, {result.problems} problems, {result.disabled} disabled"


DIRECTORY_SYNC = register(
    Job(
        name="accounts.directory_sync",
        due=due_sync,
        run=run_sync,
        description="directory sync: accounts for joiners, leavers disabled",
    )
)


# --- activation sheets (accounts.delivery) ----------------------------------------------

PURGE_SHEETS_JOB = "accounts.purge_activation_sheets"


def due_hourly(now: dt.datetime, claimed: Set[str]) -> Iterable[Due]:
    return [Due(f"{timezone.localtime(now):%Y-%m-%dT%H}")]


def purge_activation_sheets(*args: object) -> int:
    """Delete the activation-sheet PDFs (they hold live codes) whose keeping time has
    passed, through the storage API; the row stays, marked deleted, for the screen."""
    from yakuba.accounts.models import ActivationSheet

    expired = ActivationSheet.objects.filter(
        deleted_at__isnull=True, expires_at__lte=timezone.now()
    )
    count = 0
    for sheet in expired:
        sheet.delete_file()
        count += 1
    return count


PURGE_SHEETS = register(
    Job(
        name=PURGE_SHEETS_JOB,
        due=due_hourly,
        run=purge_activation_sheets,
        description="delete activation-sheet PDFs after ACTIVATION_SHEET_KEEP_HOURS",
    )
)


def purge_signin_history(day: str) -> int:
    from yakuba.accounts.history import purge_expired

    return purge_expired()


PURGE_SIGNIN_HISTORY = register(
    Job(
        name="accounts.purge_signin_history",
        due=daily(at=dt.time(3, 45)),
        run=purge_signin_history,
        description="delete sign-in history older than SIGNIN_HISTORY_DAYS",
    )
)

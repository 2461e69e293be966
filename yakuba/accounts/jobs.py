"""The directory sync as a daily job of the core scheduler (``LDAP_SYNC_HOUR``, local
time; off when it is not set or no directory is configured)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Set

from django.conf import settings
from django.utils import timezone

from yakuba.core.scheduling import Due, Job, register

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

"""Accounts for joiners: the ONE place the staff import asks for them.

Called after an import (or the day's pending joins) has been written, from the task, never
from the request. `accounts.provisioning.provision_staff_accounts` (idempotent: creates local
accounts with activation tokens and delivers them) does the work; it is imported lazily
because it is built on another branch. Offices whose accounts come from a directory turn
this off (``ORG_IMPORT_CREATES_ACCOUNTS=0``): the account is made at the person's first
directory sign-in.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from yakuba.accounts.models import User

logger = logging.getLogger(__name__)


def create_joiner_accounts(actor: User | None, staff_ids: list[int]) -> Any:
    """Accounts for these new staff (nothing when the setting is off or nobody joined).
    Returns the provisioning result, or None when nothing was asked for."""
    if not staff_ids or not getattr(settings, "ORG_IMPORT_CREATES_ACCOUNTS", True):
        return None
    try:
        from yakuba.accounts.provisioning import (  # type: ignore[import-not-found,unused-ignore]
            provision_staff_accounts,
        )
    except ModuleNotFoundError as exc:
        if exc.name != "yakuba.accounts.provisioning":
            raise
        # Not merged yet: the joiners are written; their accounts can be made later
        # (provisioning is idempotent) once it is.
        logger.warning("accounts.provisioning missing: %d joiners without accounts", len(staff_ids))
        return None
    return provision_staff_accounts(actor=actor, staff_ids=list(staff_ids), deliver="auto")

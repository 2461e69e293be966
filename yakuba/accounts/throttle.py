"""Sign-in throttling: django-axes, with two limits instead of one.

* **An account from one address** (``AXES_FAILURE_LIMIT``, 5): the user name *and* the
  client address are locked together (``AXES_LOCKOUT_PARAMETERS``), so someone guessing
  a colleague's password from their own PC locks only themselves out of that account;
  the owner still signs in from their own desk. Locking by user name alone let anyone
  lock anyone out.
* **One address, whatever the names** (``SIGNIN_IP_FAILURE_LIMIT``, 20; 0 turns it off):
  failures spread over many user names from one address (trying one password against the
  staff list) lock that address. An office behind one NAT address shares this budget,
  hence a limit well above one person's typos.

Both count failures in the last ``AXES_COOLOFF_TIME`` and lift after it. Which limit was
reached is left on the request for the lock-out page and the audit entry.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum
from django.http import HttpRequest

from yakuba.core.conf import setting

# request.yakuba_lock_scope: which limit locked this sign-in.
ACCOUNT = "account"
ADDRESS = "address"


def address_failure_limit() -> int:
    return int(setting("SIGNIN_IP_FAILURE_LIMIT", 20))


def lock_scope(request: HttpRequest | None) -> str:
    return getattr(request, "yakuba_lock_scope", ACCOUNT)


class SignInThrottle(AxesDatabaseHandler):
    """axes' database handler (attempts stored per user name, address and browser) whose
    failure count also reaches the limit when the address alone has failed too often."""

    def address_failures(self, request: HttpRequest) -> int:
        ip_address = getattr(request, "axes_ip_address", None)
        if not ip_address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=ip_address)
        if setting("AXES_COOLOFF_TIME", None) is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # axes compares this with AXES_FAILURE_LIMIT both before authenticating (is the
        # client locked?) and after a failure (lock it now?): an address over its own
        # limit answers "at the limit" so both places lock it.
        limit = get_failure_limit(request, credentials)
        failures = super().get_failures(request, credentials)
        per_address = address_failure_limit()
        if per_address > 0 and self.address_failures(request) >= per_address:
            request.yakuba_lock_scope = ADDRESS  # type: ignore[attr-defined]
            return max(failures, limit)
        if failures >= limit:
            request.yakuba_lock_scope = ACCOUNT  # type: ignore[attr-defined]
        return failures

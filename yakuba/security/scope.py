"""Whose security records a user may read, one rule for every security app.

The information security administrator and the auditor see the whole office (the auditor
only where a capability lets them read); everyone else with a scoped capability — unit
heads — sees their own unit and the units below it. Without the capability: nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yakuba.accounts.roles import Role
from yakuba.org.models import Staff, Unit
from yakuba.org.selectors import scope_root

SECURITY_WIDE_ROLES = frozenset({Role.INFOSEC, Role.AUDITOR})


def sees_whole_office(user: Any, capability: str) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.can(capability)
        and user.role in SECURITY_WIDE_ROLES
    )


def units_in_scope(user: Any, capability: str) -> QuerySet[Unit]:
    """Units whose records `user` may read through `capability`."""
    if not getattr(user, "is_authenticated", False) or not user.can(capability):
        return Unit.objects.none()
    if user.role in SECURITY_WIDE_ROLES:
        return Unit.objects.all()
    root = scope_root(user)
    if root is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=root.path)


def staff_in_scope(user: Any, capability: str) -> QuerySet[Staff]:
    """Members of staff whose records `user` may read through `capability`."""
    if not getattr(user, "is_authenticated", False) or not user.can(capability):
        return Staff.objects.none()
    if user.role in SECURITY_WIDE_ROLES:
        return Staff.objects.all()
    root = scope_root(user)
    if root is None:
        return Staff.objects.none()
    return Staff.objects.filter(unit__path__startswith=root.path)

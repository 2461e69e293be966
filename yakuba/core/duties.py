"""Separation of duties: nobody decides a matter that concerns themselves.

Requests, approvals, overrides and role changes are *decisions about a person*. The rule,
one for every capability present and future:

1. the person a decision concerns never takes it (a unit head does not approve their own
   leave, pin their own roster cell, approve their own telework or change their own role);
2. a decision about a unit head is taken by someone above them: a unit head whose own
   unit is an ancestor of the head's unit (the next unit up), or an office-wide role
   (HR, system administrator) — never by a fellow head of the same unit.

Every service that takes such a decision is wrapped with `decision`, which applies the rule
before the service runs (a refusal is a ``PermissionDenied``: 403, audited once) and
registers the flow, so the tests can check that every decision service in the code base is
covered (``core/tests/test_duties.py`` scans ``services.py`` files for them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

F = TypeVar("F", bound=Callable[..., Any])


class SelfDecisionRefused(PermissionDenied):
    """The decision concerns the person who tried to take it, or a head of their level."""


@dataclass(frozen=True)
class DecisionFlow:
    name: str
    service: str  # dotted path of the wrapped service
    description: str


_FLOWS: dict[str, DecisionFlow] = {}


def registered() -> list[DecisionFlow]:
    return sorted(_FLOWS.values(), key=lambda f: f.name)


def _is_staff_record(person: Any) -> bool:
    # By model label: core imports no feature app, and a user has a `staff_number` too
    # (for the password similarity check).
    meta = getattr(person, "_meta", None)
    return getattr(meta, "label_lower", "") == "org.staff"


def _staff_of(person: Any) -> Any:
    """The staff record of a user, or the staff record itself."""
    if person is None:
        return None
    if _is_staff_record(person):
        return person
    return getattr(person, "staff", None)


def _user_of(person: Any) -> Any:
    if person is None:
        return None
    if _is_staff_record(person):
        return getattr(person, "user", None)
    return person


def concerns(actor: AbstractBaseUser | None, subject: Any) -> bool:
    """Whether a decision about ``subject`` (a user or a staff record) concerns ``actor``."""
    actor_user, subject_user = _user_of(actor), _user_of(subject)
    if actor_user is not None and subject_user is not None and actor_user.pk == subject_user.pk:
        return True
    actor_staff, subject_staff = _staff_of(actor), _staff_of(subject)
    return (
        actor_staff is not None and subject_staff is not None and actor_staff.pk == subject_staff.pk
    )


def is_above(actor: AbstractBaseUser | None, subject: Any) -> bool:
    """Whether ``actor`` may decide for ``subject`` when the subject is a unit head: an
    office-wide role, or a head of a unit strictly above the subject's unit."""
    if getattr(actor, "is_office_wide", False):
        return True
    actor_staff, subject_staff = _staff_of(actor), _staff_of(subject)
    if actor_staff is None or subject_staff is None:
        return False
    mine: str = actor_staff.unit.path
    theirs: str = subject_staff.unit.path
    return theirs.startswith(mine) and theirs != mine


def check(actor: AbstractBaseUser | None, subject: Any) -> None:
    """Raise `SelfDecisionRefused` if ``actor`` may not decide a matter about ``subject``."""
    if subject is None:
        return
    if concerns(actor, subject):
        raise SelfDecisionRefused("a decision about oneself must be taken by someone else")
    subject_user = _user_of(subject)
    if getattr(subject_user, "role", None) == "unit_head" and not is_above(actor, subject):
        raise SelfDecisionRefused(
            "a decision about a unit head is taken by the next unit up or an office-wide role"
        )


def decision(name: str, *, subject: Callable[..., Any], description: str = "") -> Callable[[F], F]:
    """Wrap a service that takes a decision about a person. ``subject(**kwargs)`` returns
    the person (user or staff record) the call concerns, from the service's keyword
    arguments; the service must take ``actor`` as a keyword argument."""

    def wrap(service: F) -> F:
        @wraps(service)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            check(kwargs["actor"], subject(**kwargs))
            return service(*args, **kwargs)

        _FLOWS[name] = DecisionFlow(
            name, f"{service.__module__}.{service.__qualname__}", description
        )
        guarded.decision_flow = name  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return wrap

"""Telework readiness requirements (issue 14 item 5), registered by the security apps.

The readiness gate is one telework eligibility condition (`rosters.eligibility`) made of
requirements other apps register here: the home/device checklist completed and still
valid (readiness), the required course passed (campaigns), a recent connection check
(readiness, reading netcheck; optional per office). Each requirement judges a list of
people at once in a constant number of queries and says, per person, whether it is met
and — when it is not — why and what to do (shown on the eligibility page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise

from yakuba.core.registry import Registry


@dataclass(frozen=True)
class Verdict:
    met: bool
    detail: str | Promise = ""
    action_url: str = ""


def _always() -> bool:
    return True


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str | Promise
    judge: Callable[[Sequence[int]], Mapping[int, Verdict]]
    order: int = 100
    # Whether the office asks for it now (e.g. the connection check is optional per office);
    # a requirement that does not apply is left out of every verdict.
    applies: Callable[[], bool] = _always


_REGISTRY: Registry[Requirement] = Registry(
    "a readiness requirement", name=lambda r: r.code, order=lambda r: (r.order, r.code)
)
register = _REGISTRY.register
unregister = _REGISTRY.unregister
registered = _REGISTRY.registered


def applicable() -> list[Requirement]:
    return [r for r in registered() if r.applies()]


def verdicts(staff_ids: Sequence[int]) -> dict[int, list[tuple[Requirement, Verdict]]]:
    """Per person, every requirement that applies with its verdict (a person missing from
    a judge's answer has not met it)."""
    ids = list(dict.fromkeys(staff_ids))
    result: dict[int, list[tuple[Requirement, Verdict]]] = {pk: [] for pk in ids}
    for requirement in applicable():
        answers = requirement.judge(ids) if ids else {}
        for pk in ids:
            result[pk].append((requirement, answers.get(pk, Verdict(False))))
    return result

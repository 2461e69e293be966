"""Readiness fixtures: the office's gate switched on, and answering the checklist."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from yakuba.readiness import services
from yakuba.readiness.models import ChecklistItem, ReadinessSettings
from yakuba.rosters.tests.conftest import roster_setup  # noqa: F401  (the roster-solve test)


@pytest.fixture
def gate_on(db) -> ReadinessSettings:
    office = ReadinessSettings.current()
    office.enforce_gate = True
    office.save()
    return office


def ensure_items() -> None:
    """The shipped items (a transactional test's flush removes what the migration added)."""
    if ChecklistItem.objects.exists():
        return
    starter = importlib.import_module("yakuba.readiness.migrations.0002_starter_items")
    for n, (text, guidance) in enumerate(starter.ITEMS, start=1):
        ChecklistItem.objects.create(text=text, guidance=guidance, order=10 * n)


def answer_all(staff: Any, *, not_yet: int = 0, actor: Any = None) -> Any:
    """Answer every active item for `staff` ("まだ" for the first `not_yet` items)."""
    items = list(ChecklistItem.objects.filter(active=True))
    answers = {item.pk: n >= not_yet for n, item in enumerate(items)}
    return services.submit_checklist(
        actor=actor if actor is not None else staff.user, staff=staff, answers=answers
    )


def form_data(*, skip: int = 0, not_yet: int = 0) -> dict[str, str]:
    """What the checklist page posts: every item answered (minus the first `skip`)."""
    items = list(ChecklistItem.objects.filter(active=True))
    return {
        f"item_{item.pk}": "not_yet" if n < not_yet else "done"
        for n, item in enumerate(items)
        if n >= skip
    }

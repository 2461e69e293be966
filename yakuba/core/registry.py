"""What apps register from their ``AppConfig.ready()``: one kind of list for every seam.

Scheduled jobs, home panels, morning-report offers, the sections of 「わたしのセキュリティ」,
awareness-score components and telework readiness requirements are each a `Registry`:
items known by a unique name, registered once (registering the very same item again is a
no-op, so a ready() that runs twice is harmless; another item under a taken name is an
error), listed in a stable order. ``items`` is the dict itself, for tests that put a
registry back as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, what: str, *, name: Callable[[T], str], order: Callable[[T], Any]) -> None:
        self.what = what
        self._name = name
        self._order = order
        self.items: dict[str, T] = {}

    def register(self, item: T) -> T:
        name = self._name(item)
        if name in self.items and self.items[name] is not item:
            raise ValueError(f"{self.what} named {name!r} is already registered")
        self.items[name] = item
        return item

    def unregister(self, name: str) -> None:
        self.items.pop(name, None)

    def registered(self) -> list[T]:
        return sorted(self.items.values(), key=self._order)

    def get(self, name: str) -> T:
        return self.items[name]

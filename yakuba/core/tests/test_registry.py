"""The registry every seam uses: unique names, the same item twice is harmless, ordered."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from yakuba.core.registry import Registry


@dataclass(frozen=True)
class Item:
    name: str
    order: int


def test_items_are_listed_in_order_and_known_by_name() -> None:
    registry: Registry[Item] = Registry("an item", name=lambda i: i.name, order=lambda i: i.order)
    late, early = Item("late", 20), Item("early", 10)
    registry.register(late)
    assert registry.register(early) is early
    registry.register(early)  # a ready() that runs twice
    assert registry.registered() == [early, late]
    assert registry.get("late") is late
    with pytest.raises(ValueError, match="an item named 'late' is already registered"):
        registry.register(Item("late", 5))
    registry.unregister("late")
    registry.unregister("never there")
    assert registry.registered() == [early]

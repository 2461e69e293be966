"""The awareness score (issue 14 item 7): explained, never magic.

Each security app registers the `Component`s it knows about (question retention,
campaign completion, drill behaviour, open findings, telework readiness). A component
reads a whole list of people at once, in a constant number of queries, and answers per
person a value in 0..1 — or None when it does not apply to them (someone never targeted
by a drill) — with a one-line explanation the person can act on. The score is the
weighted mean of the components that apply, shown with every component listed.

Who may see a score is decided by the page that shows it (the person, their unit head,
infosec; see `Capability.VIEW_AWARENESS_SCORES`); nothing here ranks named people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise

from yakuba.core.registry import Registry


@dataclass(frozen=True)
class ComponentValue:
    value: float | None
    detail: str | Promise = ""


@dataclass(frozen=True)
class Component:
    code: str
    label: str | Promise
    weight: int
    values: Callable[[Sequence[int]], Mapping[int, ComponentValue]]
    order: int = 100


@dataclass(frozen=True)
class ScoredComponent:
    code: str
    label: str | Promise
    weight: int
    value: float | None
    detail: str | Promise


@dataclass(frozen=True)
class PersonScore:
    staff_id: int
    components: tuple[ScoredComponent, ...]

    @property
    def score(self) -> int | None:
        """0–100, or None when no component applies to the person yet."""
        applicable = [c for c in self.components if c.value is not None]
        total = sum(c.weight for c in applicable)
        if not total:
            return None
        return round(100 * sum(c.weight * (c.value or 0.0) for c in applicable) / total)


_REGISTRY: Registry[Component] = Registry(
    "a score component", name=lambda c: c.code, order=lambda c: (c.order, c.code)
)
_COMPONENTS = _REGISTRY.items
unregister = _REGISTRY.unregister
registered = _REGISTRY.registered


def register(component: Component) -> Component:
    if component.weight <= 0:
        raise ValueError("a score component needs a positive weight")
    return _REGISTRY.register(component)


def scores(staff_ids: Sequence[int]) -> dict[int, PersonScore]:
    """Every person's score with its components (queries: a constant per component)."""
    ids = list(dict.fromkeys(staff_ids))
    rows: dict[int, list[ScoredComponent]] = {pk: [] for pk in ids}
    for component in registered():
        values = component.values(ids) if ids else {}
        for pk in ids:
            found = values.get(pk, ComponentValue(None))
            value = None if found.value is None else min(1.0, max(0.0, float(found.value)))
            rows[pk].append(
                ScoredComponent(
                    component.code, component.label, component.weight, value, found.detail
                )
            )
    return {pk: PersonScore(pk, tuple(parts)) for pk, parts in rows.items()}

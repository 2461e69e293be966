"""Seats of the remote-access pools taken outside the roster.

`rosters` owns the pools (`RemoteResource`): they are an input of the roster, which never
gives more people a pool's activity on a day than the pool has seats. Seats are also taken
in ways the roster does not know about — ad-hoc bookings in `remoteseats` — and `rosters`
never imports the apps that take them. Such an app registers a provider here from its
`AppConfig.ready()`; the solver asks `seats_taken_outside_roster` and plans within what is
left.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence, Set

from yakuba.rosters.models import RemoteResource

# (pool, days, ids of the staff being planned) → seats taken per day by anyone else: a
# planned person's own seat is replaced by the roster's decision, so it is not counted.
SeatProvider = Callable[[RemoteResource, Sequence[dt.date], Set[int]], Mapping[dt.date, int]]

_PROVIDERS: list[SeatProvider] = []


def register_seat_provider(provider: SeatProvider) -> SeatProvider:
    """Add a source of seats taken outside the roster (usable as a decorator; idempotent)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def unregister_seat_provider(provider: SeatProvider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def seat_providers() -> tuple[SeatProvider, ...]:
    return tuple(_PROVIDERS)


def seats_taken_outside_roster(
    resource: RemoteResource, days: Sequence[dt.date], planned_staff_ids: Set[int]
) -> dict[dt.date, int]:
    """Seats of `resource` taken on each day by people outside the plan, from every provider."""
    taken: dict[dt.date, int] = defaultdict(int)
    for provider in _PROVIDERS:
        for day, seats in provider(resource, days, planned_staff_ids).items():
            taken[day] += seats
    return dict(taken)

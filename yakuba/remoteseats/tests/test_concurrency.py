"""Capacity holds under concurrent bookings: exactly `capacity` succeed, the rest get 満席.

Each thread is a different person with its own database connection; a barrier releases
them together so that their transactions really overlap.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from yakuba.remoteseats import services
from yakuba.remoteseats.models import SeatBooking


def _fire(pool, people, day) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(len(people))
    booked: list[object] = []
    refused: list[BaseException] = []
    lock = threading.Lock()

    def worker(person) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                booking = services.book_seat(None, person, pool, day)
            except BaseException as exc:  # collected and checked below
                with lock:
                    refused.append(exc)
            else:
                with lock:
                    booked.append(booking)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a booking thread hung"
    return booked, refused


def _check(pool, booked, refused, n: int, day) -> None:
    unexpected = [e for e in refused if not isinstance(e, services.SeatsFull)]
    assert not unexpected, f"errors other than 満席: {unexpected!r}"
    assert len(booked) == pool.capacity
    assert len(refused) == n - pool.capacity
    assert all("満席" in str(e) for e in refused)
    assert SeatBooking.objects.active().filter(resource=pool, date=day).count() == pool.capacity


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_on_postgresql(pool, eligible_staff, today) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks (select_for_update) are exercised on PostgreSQL only; "
            "run with DATABASE_URL=postgres://…"
        )
    pool.capacity = 5
    pool.save()
    people = [eligible_staff() for _ in range(24)]
    booked, refused = _fire(pool, people, today)
    _check(pool, booked, refused, len(people), today)


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_on_sqlite(pool, eligible_staff, today) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite variant; PostgreSQL runs test_concurrent_bookings_on_postgresql")
    if connection.is_in_memory_db():  # type: ignore[attr-defined]  # SQLite's wrapper only
        pytest.skip(
            "the SQLite test database is in memory (shared cache): its table locks fail at "
            "once instead of waiting for the busy timeout, so threads cannot queue like "
            "IMMEDIATE transactions on a database file do"
        )
    pool.capacity = 3
    pool.save()
    people = [eligible_staff() for _ in range(6)]
    booked, refused = _fire(pool, people, today)
    _check(pool, booked, refused, len(people), today)

"""The same Zoom event delivered several times at once is stored exactly once."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from yakuba.meetings.models import AttendanceEvent
from yakuba.meetings.tests.factories import (
    START,
    make_meeting,
    signed_headers,
    zoom_account,
    zoom_event,
)

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_redeliveries_are_stored_once(org, make_user) -> None:
    zoom_account()
    make_meeting(org, make_user("staff", username="organiser"))
    events = [zoom_event("join", name=f"職員 {i}", at=START) for i in range(3)]
    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def deliver() -> None:
        client = Client()
        try:
            barrier.wait(timeout=30)
            for payload in events:  # every thread sends every event: 8 copies each, at once
                body = json.dumps(payload, ensure_ascii=False).encode()
                response = client.post(
                    "/meetings/hooks/zoom/main/",
                    data=body,
                    content_type="application/json",
                    **signed_headers(body),
                )
                with lock:
                    answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == THREADS * len(events)
    assert {status for status, _ in answers} == {200}
    statuses = [body["status"] for _, body in answers]
    assert statuses.count("stored") == len(events)
    assert statuses.count("duplicate") == (THREADS - 1) * len(events)
    assert AttendanceEvent.objects.count() == len(events)
    assert len(set(AttendanceEvent.objects.values_list("dedup_key", flat=True))) == len(events)

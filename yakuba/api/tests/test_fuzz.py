"""Property-based run of the OpenAPI schema (schemathesis) through the real WSGI stack.

Every operation gets ~25 generated requests — valid and invalid parameters, bodies and
uploads — sent with an HR token (the widest API scope). The responses must never be a
500 and must match what the schema declares (status codes, content types, bodies).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from yakuba.api.tests.conftest import City
from yakuba.org.imports import start_import

# Built at import: loading the schema touches no database, and schemathesis' lazy
# (fixture-based) loader does not work with pytest 9 (it rewrites node._nodeid).
app = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_test_connection(immediate_tasks: None) -> Iterator[None]:
    # The test runs inside pytest-django's transaction; a WSGI request would normally
    # close the DB connection at its start and end (Django's test client avoids that
    # too), which would take the test data with it on PostgreSQL.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    # The city is built once per operation, not per example, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case: Any, city: City) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {city.tokens['hr']}"},
        # negative_data_rejection is left out on purpose: unknown query parameters are
        # ignored and "0"/"1" are accepted as booleans, both ordinary HTTP leniency.
        checks=CHECKS,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "parameters", "expected"),
    [
        ("/api/v1/units/{code}", {"code": "D1-1"}, 200),
        ("/api/v1/staff/{staff_number}", {"staff_number": "2001"}, 200),
        ("/api/v1/units/{code}", {"code": "NOPE"}, 404),
    ],
)
def test_existing_objects_conform(
    city: City, path: str, parameters: dict[str, str], expected: int
) -> None:
    # Generated keys practically never name a real unit or person, so the 200 bodies of
    # the single-object reads are checked against the schema here explicitly.
    case = schema[path]["GET"].Case(path_parameters=parameters)
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {city.tokens['hr']}"}, checks=CHECKS
    )
    assert response.status_code == expected


@pytest.mark.django_db
def test_finished_import_conforms(city: City) -> None:
    # Generated uploads never pass the importer's checks; a done batch (with its result)
    # is made directly and its status read is checked against the schema.
    upload = "職員番号,氏名,氏名カナ,所属コード\n3001,伊藤 四郎,イトウ シロウ,D2-1\n".encode()
    batch = start_import(actor=city.users["hr"], filename="staff.csv", data=upload, auto_apply=True)
    case = schema["/api/v1/imports/{batch_id}"]["GET"].Case(path_parameters={"batch_id": batch.pk})
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {city.tokens['hr']}"}, checks=CHECKS
    )
    assert response.json()["status"] == "done"
    assert response.json()["result"]["staff_created"] == 1

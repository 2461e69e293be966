"""Random bodies and headers never make a platform endpoint answer 500."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yakuba.meetings import services, zoom
from yakuba.meetings.tests.factories import ZOOM_SECRET, zoom_account

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
zoomish = st.fixed_dictionaries(
    {
        "event": st.sampled_from(
            [
                "meeting.participant_joined",
                "meeting.participant_left",
                "endpoint.url_validation",
                "x",
            ]
        ),
        "payload": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {
                    "plainToken": json_values,
                    "object": st.one_of(
                        json_values,
                        st.fixed_dictionaries(
                            {
                                "id": json_values,
                                "participant": st.one_of(
                                    json_values,
                                    st.fixed_dictionaries(
                                        {
                                            "user_name": json_values,
                                            "email": json_values,
                                            "join_time": json_values,
                                            "leave_time": json_values,
                                        }
                                    ),
                                ),
                            }
                        ),
                    ),
                }
            ),
        ),
    }
)
bodies = st.one_of(st.binary(max_size=300), zoomish.map(lambda d: json.dumps(d).encode()))
headers = st.dictionaries(
    st.sampled_from(
        ["HTTP_X_ZM_SIGNATURE", "HTTP_X_ZM_REQUEST_TIMESTAMP", "HTTP_AUTHORIZATION", "CONTENT_TYPE"]
    ),
    st.text(max_size=40).filter(lambda s: "\n" not in s and "\r" not in s),
    max_size=4,
)


@pytest.fixture
def endpoints(db):
    zoom_account()
    services.create_jitsi_endpoint(actor=None, name="j", token="tok")


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, extra=headers, signed=st.booleans(), which=st.integers(0, 3))
def test_platform_endpoints_never_500(
    endpoints, body: bytes, extra: dict, signed: bool, which: int
) -> None:
    client = Client(raise_request_exception=False)
    if which == 0:
        url = "/meetings/hooks/zoom/main/"
        if signed:
            stamp = str(int(time.time()))
            extra = {
                **extra,
                "HTTP_X_ZM_REQUEST_TIMESTAMP": stamp,
                "HTTP_X_ZM_SIGNATURE": zoom.signature(ZOOM_SECRET, stamp, body),
            }
    else:
        url = (
            "/meetings/hooks/jitsi/events/"
            + ["occupant/joined", "occupant/left", "room/destroyed"][which - 1]
        )
        if signed:
            extra = {**extra, "HTTP_AUTHORIZATION": "Bearer tok"}
    content_type = extra.pop("CONTENT_TYPE", "application/json")
    response = client.generic("POST", url, data=body, content_type=content_type, **extra)
    assert response.status_code < 500, response.content[:200]

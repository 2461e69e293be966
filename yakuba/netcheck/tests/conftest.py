from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def japanese_unless_asked():
    """Each test starts in Japanese: a test-client request in English leaves English active
    in the thread, and pytest-django runs the database-free judging tests after those."""
    with translation.override("ja"):
        yield


@pytest.fixture
def staff_client(client, make_user):
    from conftest import verified_client

    user = make_user("staff")
    return verified_client(client, user), user

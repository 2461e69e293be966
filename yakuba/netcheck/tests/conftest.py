from __future__ import annotations

import pytest


@pytest.fixture
def staff_client(client, make_user):
    from conftest import verified_client

    user = make_user("staff")
    return verified_client(client, user), user

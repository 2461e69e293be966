from __future__ import annotations

import pytest


@pytest.fixture
def me(make_user, client_factory):
    """A member of staff with an account, and a client signed in as them."""
    from conftest import verified_client

    user = make_user("staff")
    return user, verified_client(client_factory(), user)

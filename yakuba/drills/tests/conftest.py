from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def japanese_unless_asked():
    with translation.override("ja"):
        yield


@pytest.fixture
def infosec(make_user):
    return make_user("infosec", unit_key="zeimu", username="infosec")

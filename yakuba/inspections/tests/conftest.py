from __future__ import annotations

from typing import Any

import pytest

from conftest import verified_client
from yakuba.inspections import services
from yakuba.inspections.models import Sheet
from yakuba.inspections.tests.factories import make_checklist, make_round


@pytest.fixture
def office(org, make_user, client_factory) -> dict[str, Any]:
    """Accounts in 市民課 (staff, its unit head, infosec, the auditor) and in 税務課 (a
    colleague and that unit's head); a launched round with a staff and a unit-head
    checklist. ``client(name)`` signs in as one of them."""
    users = {
        "staff": make_user("staff"),
        "head": make_user("unit_head"),
        "infosec": make_user("infosec"),
        "auditor": make_user("auditor"),
        "other": make_user("staff", unit_key="zeimu", username="zeimu-staff"),
        "other_head": make_user("unit_head", unit_key="zeimu", username="zeimu-head"),
    }
    staff_list = make_checklist()
    head_list = make_checklist(code="head", role="unit_head", title="所属長の点検")
    round_ = make_round([staff_list, head_list])
    services.launch_round(users["infosec"], round_, notify_people=False)

    def sheet(name: str) -> Sheet:
        return Sheet.objects.get(round=round_, staff=users[name].staff)

    def client(name: str) -> Any:
        return verified_client(client_factory(), users[name])

    return {
        "users": users,
        "round": round_,
        "staff_list": staff_list,
        "head_list": head_list,
        "sheet": sheet,
        "client": client,
        "org": org,
    }

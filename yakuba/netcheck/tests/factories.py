"""Objects for the authorization matrix and the netcheck tests."""

from __future__ import annotations

import json
from typing import Any

from yakuba.netcheck.judging import Link, Measurement, judge
from yakuba.netcheck.models import NetcheckResult, Place


def make_result(person: Any, **fields: Any) -> NetcheckResult:
    values: dict[str, Any] = {
        "place": Place.HOME,
        "link": Link.WIRED,
        "download_mbps": 50.0,
        "upload_mbps": 20.0,
        "ping_ms": 12.0,
        "jitter_ms": 2.0,
        "loss_pct": 0.0,
        "ping_series": [12.0, 13.5, None, 12.2],
    }
    values.update(fields)
    judgement = judge(
        Measurement(
            values["download_mbps"],
            values["upload_mbps"],
            values["ping_ms"],
            values["jitter_ms"],
            values["loss_pct"],
            values["link"],
        )
    )
    values.setdefault("verdict", judgement.verdict)
    values.setdefault("advice", list(judgement.advice))
    return NetcheckResult.objects.create(person=person, **values)


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """Three home results in one unit, so the readiness page has a row to show."""
    if "netcheck" in objs:
        return objs["netcheck"]
    from yakuba.accounts.models import User
    from yakuba.org.models import Staff

    unit = objs["org"]["zeimu"]
    results = []
    for i in range(3):
        user = User.objects.create_user(f"netcheck-{i}", password=None, role="staff")
        Staff.objects.create(
            staff_number=f"77{i:02d}", name=f"測定 {i}", name_kana="ソクテイ", unit=unit, user=user
        )
        results.append(make_result(user, upload_mbps=0.8 if i == 0 else 20.0))
    objs["netcheck"] = {"results": results}
    return objs["netcheck"]


def save_payload(token: str, **fields: str) -> dict[str, str]:
    """What the check page posts to ``netcheck:save`` when a run of ``token`` finishes."""
    data = {
        "run": token,
        "place": "home",
        "link": "wifi",
        "download_mbps": "12.5",
        "upload_mbps": "0.8",
        "ping_ms": "25",
        "jitter_ms": "4",
        "loss_pct": "0",
        "ping_series": json.dumps([25.1, 26, None, 30]),
    }
    data.update(fields)
    return data

"""Objects for the authorization matrix and the incident tests."""

from __future__ import annotations

from typing import Any

from yakuba.incidents import services
from yakuba.incidents.models import Category, Incident, PersonalData


def report_values(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "category": Category.MISSENT,
        "occurred_at": None,
        "place": "市民課",
        "description": "FAXの送信先を間違えかけました。",
        "personal_data": PersonalData.YES,
    }
    values.update(fields)
    return values


def make_incident(reporter: Any, **fields: Any) -> Incident:
    return services.report(actor=reporter, values=report_values(**fields))


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """An incident reported by someone who is none of the matrix's users (in 市民課)."""
    if "incidents" in objs:
        return objs["incidents"]
    from yakuba.accounts.models import User
    from yakuba.org.models import Staff

    reporter = User.objects.create_user("incident-reporter", password=None, role="staff")
    Staff.objects.create(
        staff_number="8801",
        name="報告 する人",
        name_kana="ホウコク スルヒト",
        unit=objs["org"]["shimin"],
        user=reporter,
    )
    objs["incidents"] = {"incident": make_incident(reporter), "reporter": reporter}
    return objs["incidents"]

"""A person who moves between units: past days count in the unit they were in then, their
reports in the unit they were made in; each unit head sees only their own unit's days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import verified_client
from yakuba.dailyreports import selectors
from yakuba.dailyreports.tests.factories import submitted_report, window_for
from yakuba.org.importing import apply_plan, build_plan
from yakuba.org.models import Staff
from yakuba.org.tests.test_importing import csv_bytes
from yakuba.org.tests.test_personnel import YAMADA, moved

JST = ZoneInfo("Asia/Tokyo")
START, END = dt.date(2026, 4, 27), dt.date(2026, 5, 1)  # Mon … Fri; 4/29 昭和の日
MOVE_DAY = dt.date(2026, 4, 30)


@pytest.fixture
def mover(org, make_user):
    """山田 reports in 市民課 on 4/27 and 4/28, moves to 税務課 on 4/30 and reports there."""
    window_for(org["shimin"])
    window_for(org["zeimu"])
    yamada = org["staff"]["1001"]
    submitted_report(yamada, dt.date(2026, 4, 27))
    submitted_report(yamada, dt.date(2026, 4, 28))
    submitted_report(org["staff"]["2001"], dt.date(2026, 4, 27))  # 税務課 reports began
    with time_machine.travel(dt.datetime(2026, 4, 30, 8, tzinfo=JST), tick=False):
        plan = build_plan("move.csv", csv_bytes([moved(YAMADA, "120")]), effective_date=MOVE_DAY)
        apply_plan(plan, actor=None, source="move")
    yamada = Staff.objects.get(pk=yamada.pk)
    assert yamada.unit == org["zeimu"]
    moved_report = submitted_report(yamada, MOVE_DAY)
    assert moved_report.unit == org["zeimu"]
    return {
        "yamada": yamada,
        "old_head": make_user("unit_head", username="shimin-head"),
        "new_head": make_user("unit_head", unit_key="zeimu", username="zeimu-head"),
        "hr": make_user("hr"),
    }


def _rows(stats, staff) -> dict[str, tuple[int, int]]:
    return {
        p["unit"].code: (p["expected"], p["done"]) for p in stats["people"] if p["staff"] == staff
    }


@pytest.mark.django_db
def test_a_movers_past_days_count_in_the_unit_they_were_in(org, mover) -> None:
    yamada = mover["yamada"]
    stats = selectors.completion(mover["hr"], unit=None, start=START, end=END, person=yamada)
    # Before the move: 市民課 (both reports done); from 4/30: 税務課 (4/30 done, 5/1 not).
    assert _rows(stats, yamada) == {"110": (2, 2), "120": (2, 1)}
    units = {u["unit"].code: (u["expected"], u["done"]) for u in stats["units"]}
    # 鈴木 and the unit head on 4 days (1 report), 山田 on 2 (1 report).
    assert units["120"] == (4 + 4 + 2, 2)
    assert [(d["date"].day, d["status"]) for d in stats["person_days"]] == [
        (27, "done"),
        (28, "done"),
        (30, "done"),
        (1, "missing"),
    ]
    # Each head sees their own unit's days of him, and nothing of the other's.
    old = selectors.completion(mover["old_head"], unit=None, start=START, end=END, person=yamada)
    assert _rows(old, yamada) == {"110": (2, 2)}
    assert [d["date"].day for d in old["person_days"]] == [27, 28]
    new = selectors.completion(mover["new_head"], unit=None, start=START, end=END, person=yamada)
    assert _rows(new, yamada) == {"120": (2, 1)}
    assert [d["date"].day for d in new["person_days"]] == [30, 1]


@pytest.mark.django_db
def test_a_past_board_shows_who_was_in_the_unit_that_day(org, mover) -> None:
    yamada = mover["yamada"]

    def people(unit, day) -> set[int]:
        return {r["staff"].pk for r in selectors.board(org[unit], day)["rows"]}

    assert yamada.pk in people("shimin", dt.date(2026, 4, 28))
    assert yamada.pk not in people("zeimu", dt.date(2026, 4, 28))
    assert yamada.pk not in people("shimin", MOVE_DAY)
    assert yamada.pk in people("zeimu", MOVE_DAY)
    assert selectors.board(org["shimin"], dt.date(2026, 4, 28))["done"] == 1


@pytest.mark.django_db
def test_the_old_unit_head_may_open_a_movers_series_and_others_may_not(
    client, org, make_user, mover
) -> None:
    url = reverse("dailyreports:overview")
    params = {"start": START.isoformat(), "end": END.isoformat(), "person": mover["yamada"].pk}
    old = verified_client(client, mover["old_head"])
    html = old.get(url, params).content.decode()
    assert "山田 太郎" in html
    new = verified_client(client.__class__(), mover["new_head"])
    assert new.get(url, params).status_code == 200
    # A head of a unit he was never in may not.
    from yakuba.org.models import Unit

    other = Unit(code="130", name="福祉課", name_kana="フクシカ", kind="division")
    other.parent = org["dept"]
    other.save()
    outsider = verified_client(
        client.__class__(), make_user("unit_head", unit_key="dept", username="dept-head")
    )
    assert outsider.get(url, params).status_code == 200  # 市民部 holds both units
    Staff.objects.filter(user__username="dept-head").update(unit=other)
    assert outsider.get(url, params).status_code == 404

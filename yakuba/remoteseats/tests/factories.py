"""Objects for the authorization matrix (yakuba/core/tests/test_authorization_matrix.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def matrix_objects(objs: dict[str, Any]) -> dict[str, Any]:
    """A pool, someone else's booking and a terminal on loan (made once per test)."""
    if "remoteseats" in objs:
        return objs["remoteseats"]
    from yakuba.remoteseats.models import LoanedTerminal, SeatBooking, TerminalLoan, tokyo_today
    from yakuba.rosters.models import RemoteResource

    today = tokyo_today()
    owner = objs["org"]["staff"]["1001"]
    pool = RemoteResource.objects.create(name="VPN端末（matrix）", capacity=5)
    booking = SeatBooking.objects.create(
        resource=pool, staff=owner, date=today + dt.timedelta(days=1)
    )
    terminal = LoanedTerminal.objects.create(asset_tag="MATRIX-001", model_name="ノートPC")
    TerminalLoan.objects.create(
        terminal=terminal, staff=owner, checked_out_on=today, due_on=today + dt.timedelta(days=7)
    )
    objs["remoteseats"] = {"pool": pool, "booking": booking, "terminal": terminal}
    return objs["remoteseats"]

"""What org tells the apps built on it, which it never imports.

`staff_placed` is sent inside the transaction that applies personnel changes (a staff
import dated today or earlier, or the daily job `org.apply_staff_changes`), after the
people's unit and service are written, so that what follows a person's unit (meeting
invitations…) changes in the same transaction. Receivers raise to undo it all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class Placement:
    """One person's unit and service before and after the changes just applied."""

    staff_id: int
    kind: str  # StaffChangeKind of the (last) change
    before_unit_id: int | None
    after_unit_id: int | None
    before_active: bool
    after_active: bool

    @property
    def moved(self) -> bool:
        return self.before_unit_id != self.after_unit_id or self.before_active != self.after_active


# Sent with actor (User | None: the job), placements (list[Placement]) and
# effective_date (dt.date: the latest effective date among them).
staff_placed = Signal()


def send_placed(actor: object, placements: list[Placement], effective_date: dt.date) -> None:
    changed = [p for p in placements if p.moved]
    if changed:
        staff_placed.send(
            sender=Placement, actor=actor, placements=changed, effective_date=effective_date
        )

"""The seam between morning reports and the roster (勤務表), which does not exist yet.

Contract for the roster capability: `work_status_for(staff, day)` returns

* ``None`` when the published roster says nothing for that person and day (then the
  unit's working days and public holidays decide, and the person picks a work place), or
* a ``WorkStatus`` whose ``off`` is True for leave, a day off or a substitute day off
  (振替休日): such a person is not expected to report and is never reminded; otherwise
  ``work_place`` is a ``WorkPlace`` value (庁内勤務/窓口/在宅勤務/サテライト勤務) that
  pre-fills the report form.

`work_statuses_for(staff_list, day)` is the bulk form used by reminders and boards; the
roster should implement it with one query. Until then both return "nothing known".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkStatus:
    off: bool
    work_place: str = ""


def work_status_for(staff: Any, day: dt.date) -> WorkStatus | None:
    return work_statuses_for([staff], day).get(staff.pk)


def work_statuses_for(staff: Iterable[Any], day: dt.date) -> dict[int, WorkStatus]:
    """{staff pk: status} for the people the published roster covers on `day`."""
    return {}

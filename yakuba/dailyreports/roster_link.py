"""The seam between morning reports and the roster (勤務表).

Contract for the roster capability: `work_status_for(staff, day)` returns

* ``None`` when the published roster says nothing for that person and day (then the
  unit's working days and public holidays decide, and the person picks a work place), or
* a ``WorkStatus`` whose ``off`` is True for leave, a day off or a substitute day off
  (振替休日): such a person is not expected to report and is never reminded; otherwise
  ``work_place`` is a ``WorkPlace`` value (庁内勤務/窓口/在宅勤務/サテライト勤務) that
  pre-fills the report form.

`work_statuses_for(staff_list, day)` is the bulk form used by reminders and boards: one
query over the published rosters (the latest publication wins for a day).
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


# Roster activity kinds → the report's work place.
_PLACE_BY_KIND = {
    "counter": "counter",
    "office": "office",
    "telework": "home",
    "satellite": "satellite",
}


def work_statuses_for(staff: Iterable[Any], day: dt.date) -> dict[int, WorkStatus]:
    """{staff pk: status} for the people the published roster covers on `day`."""
    from yakuba.rosters.models import Assignment, VersionStatus

    ids = [s.pk for s in staff]
    if not ids:
        return {}
    cells = (
        Assignment.objects.filter(
            version__status=VersionStatus.PUBLISHED, date=day, staff_id__in=ids
        )
        .order_by("version__published_at")
        .values_list("staff_id", "activity__kind")
    )
    statuses: dict[int, WorkStatus] = {}
    for staff_id, kind in cells:
        statuses[staff_id] = (
            WorkStatus(off=True)
            if kind is None
            else WorkStatus(off=False, work_place=_PLACE_BY_KIND.get(kind, ""))
        )
    return statuses


def days_off_between(
    staff_ids: Iterable[int], start: dt.date, end: dt.date
) -> set[tuple[int, dt.date]]:
    """{(staff pk, date)} the published rosters mark as off in [start, end] (one query; the
    latest publication wins for a day, as in `work_statuses_for`)."""
    from yakuba.rosters.models import Assignment, VersionStatus

    ids = list(staff_ids)
    if not ids:
        return set()
    latest: dict[tuple[int, dt.date], bool] = {}
    for staff_id, day, kind in (
        Assignment.objects.filter(
            version__status=VersionStatus.PUBLISHED, date__range=(start, end), staff_id__in=ids
        )
        .order_by("version__published_at")
        .values_list("staff_id", "date", "activity__kind")
    ):
        latest[(staff_id, day)] = kind is None
    return {key for key, off in latest.items() if off}

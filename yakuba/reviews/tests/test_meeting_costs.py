"""The cost of a recurring meeting on fixed data: exact yen and hours, attendance and drop
rates, decisions recorded; the grouping of meetings into series from the meetings app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yakuba.accounts.models import User
from yakuba.meetings.models import (
    AttendanceSource,
    EntryKind,
    Meeting,
    MinutesEntry,
    Platform,
    PresenceInterval,
)
from yakuba.org.positions import LEVEL_CHIEF, LEVEL_MANAGER, LEVEL_STAFF
from yakuba.reviews.meeting_costs import (
    Attendee,
    Occurrence,
    meetings_per_year,
    normalise_title,
    occurrence_cost,
    series_figures,
    series_key,
)
from yakuba.reviews.models import HourlyRate, MeetingSeries
from yakuba.reviews.series import refresh_meeting_series

T0 = dt.datetime(2026, 4, 6, 1, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Japan
RATES = {"1": 3000, "2": 3700, "3": 4400, "4": 5000, "5": 5800}
INVITED = {1: LEVEL_MANAGER, 2: LEVEL_CHIEF, 3: LEVEL_STAFF, 4: LEVEL_STAFF}


def _three_meetings() -> list[Occurrence]:
    return [
        # 課長 and 係長 the whole hour, one 主事 left after 30 minutes, one did not come.
        Occurrence(
            1,
            T0,
            60,
            INVITED,
            (
                Attendee(1, LEVEL_MANAGER, 3600, False),
                Attendee(2, LEVEL_CHIEF, 3600, False),
                Attendee(3, LEVEL_STAFF, 1800, True),
            ),
            attendance_recorded=True,
            decisions=1,
        ),
        # A week later: everyone, the 係長 15 minutes late; minutes without decisions.
        Occurrence(
            2,
            T0 + dt.timedelta(days=7),
            60,
            INVITED,
            (
                Attendee(1, LEVEL_MANAGER, 3600, False),
                Attendee(2, LEVEL_CHIEF, 2700, False),
                Attendee(3, LEVEL_STAFF, 3600, False),
                Attendee(4, LEVEL_STAFF, 3600, False),
            ),
            attendance_recorded=True,
        ),
        # No attendance recorded: priced as every invitee for the scheduled hour.
        Occurrence(
            3, T0 + dt.timedelta(days=14), 60, INVITED, (), attendance_recorded=False, actions=1
        ),
    ]


def test_each_meeting_is_priced_by_measured_presence_and_position_level() -> None:
    first, second, third = _three_meetings()
    # 5,800 + 4,400 + 3,000 × 0.5
    assert occurrence_cost(first, RATES) == Decimal("11700")
    # 5,800 + 4,400 × 0.75 + 3,000 + 3,000
    assert occurrence_cost(second, RATES) == Decimal("15100")
    # planned: 5,800 + 4,400 + 3,000 + 3,000
    assert occurrence_cost(third, RATES) == Decimal("16200")
    # The planning unit's rate for 課長級以上 changes the first meeting by 200 yen.
    assert occurrence_cost(first, RATES | {LEVEL_MANAGER: 6000}) == Decimal("11900")


def test_series_figures_on_fixed_data() -> None:
    figures = series_figures(_three_meetings(), RATES)
    assert figures.occurrences == 3 and figures.planned_only == 1
    assert figures.meetings_per_year == Decimal("52.1")  # weekly: 365 / 7
    assert figures.cost_per_meeting_yen == 14333  # (11,700 + 15,100 + 16,200) / 3
    assert figures.cost_per_year_yen == 746767  # 14,333.33… × 52.1
    assert figures.avg_minutes == Decimal("60.0")
    assert figures.avg_participants == Decimal("3.7")  # (3 + 4 + 4) / 3
    assert figures.person_hours_per_meeting == Decimal("3.4")  # (2.5 + 3.75 + 4) / 3
    assert figures.attendance_rate == Decimal("0.8750")  # 7 of 8 invitations (recorded)
    assert figures.drop_rate == Decimal("0.1429")  # 1 of 7 attendees left early
    assert figures.decisions_recorded_share == Decimal("0.6667")  # a decision, an action
    assert figures.last_meeting_at == T0 + dt.timedelta(days=14)


def test_meetings_a_year_from_the_median_gap() -> None:
    assert meetings_per_year([]) is None
    assert meetings_per_year([T0]) == Decimal(1)
    monthly = [T0 + dt.timedelta(days=28 * i) for i in range(4)]
    assert meetings_per_year(monthly) == Decimal("13.0")
    # One skipped fortnight does not change a fortnightly series.
    gaps = [0, 14, 28, 42, 70]
    assert meetings_per_year([T0 + dt.timedelta(days=d) for d in gaps]) == Decimal("26.1")


def test_titles_that_name_an_occurrence_fall_into_one_series() -> None:
    same = {
        normalise_title(t)
        for t in (
            "DX推進本部 幹事会",
            "第3回 DX推進本部幹事会（4月）",
            "ＤＸ推進本部幹事会【第12回】",
            "令和8年度 DX推進本部 幹事会",
            "DX推進本部幹事会 4/15",
        )
    }
    assert same == {"dx推進本部幹事会"}
    assert normalise_title("庁議") != normalise_title("部課長会議")
    assert series_key("庁議", 3) != series_key("庁議", 4)  # another organiser's


# --- from the meetings app ----------------------------------------------------------------


def _meeting(
    organiser: User, title: str, start: dt.datetime, minutes: int, invitees, unit
) -> Meeting:
    meeting = Meeting.objects.create(
        title=title,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        platform=Platform.IN_PERSON,
        unit=unit,
        organiser=organiser,
    )
    meeting.invitees.set(invitees)
    return meeting


def _present(meeting: Meeting, staff, start_min: float, end_min: float) -> None:
    PresenceInterval.objects.create(
        meeting=meeting,
        staff=staff,
        join=meeting.start + dt.timedelta(minutes=start_min),
        leave=meeting.start + dt.timedelta(minutes=end_min),
        source=AttendanceSource.MANUAL,
    )


@pytest.mark.django_db
def test_refresh_groups_meetings_into_series_with_their_cost(org, make_user) -> None:
    head = make_user("unit_head", username="kacho")
    head.staff.position = "課長"
    head.staff.save()
    chief, clerk = org["staff"]["1001"], org["staff"]["1002"]
    chief.position, clerk.position = "係長", "主事"
    chief.save()
    clerk.save()
    people = [head.staff, chief, clerk]
    shimin = org["shimin"]
    first = _meeting(head, "市民課 課内会議", T0, 60, people, shimin)
    _present(first, head.staff, 0, 60)
    _present(first, chief, 0, 60)
    _present(first, clerk, 0, 30)  # left early
    MinutesEntry.objects.create(meeting=first, kind=EntryKind.DECISION, text="決定", at=T0)
    second = _meeting(head, "第2回 市民課 課内会議", T0 + dt.timedelta(days=7), 60, people, shimin)
    _present(second, head.staff, 0, 60)
    _present(second, clerk, 0, 60)  # the 係長 did not come
    MinutesEntry.objects.create(meeting=second, kind=EntryKind.NOTE, text="報告のみ", at=T0)
    _meeting(head, "臨時の打合せ", T0, 30, people, shimin)  # once: not a series
    HourlyRate.objects.create(level=LEVEL_MANAGER, yen_per_hour=6000)

    result = refresh_meeting_series(actor=head, now=T0 + dt.timedelta(days=30))
    assert (result.series, result.created, result.meetings) == (1, 1, 2)
    series = MeetingSeries.objects.get()
    assert series.title == "第2回 市民課 課内会議" and series.unit == shimin
    assert series.department == org["dept"]
    assert set(series.meetings.all()) == {first, second}
    # (6,000 + 4,400 + 1,500) and (6,000 + 3,000): 11,900 and 9,000 → 10,450 a meeting.
    assert series.cost_per_meeting_yen == 10450
    assert series.cost_per_year_yen == 544445  # 10,450 × 52.1
    assert series.attendance_rate == Decimal("0.8333")  # 5 of 6
    assert series.drop_rate == Decimal("0.2000")  # 1 of 5
    assert series.decisions_recorded_share == Decimal("0.5000")

    # A year later nothing meets any more: the series is kept (reviews refer to it), inactive.
    later = refresh_meeting_series(actor=head, now=T0 + dt.timedelta(days=400))
    assert later.deactivated == 1 and not MeetingSeries.objects.get().active

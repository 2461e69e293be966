"""Connection quality as plain functions: drops per meeting hour, the threshold, and the
anonymous summary by unit (examples and properties)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.meetings import intervals
from yakuba.meetings.quality import scoring as quality
from yakuba.meetings.quality.scoring import MeetingRecord, PersonQuality, Thresholds

T = Thresholds(drops_per_hour=2.0, min_hours=1.0, min_gap_s=5.0)


def test_drops_come_from_the_gaps_inside_the_meeting_only() -> None:
    # Late by 2 min, a 3-second blip, a 40-second and a 9-minute drop, left 1 min early.
    att = intervals.classify(
        [(120, 600), (603, 1200), (1240, 1800), (2340, 3540)], 0, 3600, threshold=60
    )
    record = MeetingRecord.from_attendance(7, 1, att)
    assert record.gaps == (3, 40, 540)
    assert record.drops(5.0) == 2  # the blip is not a drop
    assert record.drops(0.0) == att.drops == 3
    assert math.isclose(record.connected_s, 480 + 597 + 560 + 1200)


def test_nobody_connected_is_not_a_drop() -> None:
    # The meeting was restarted 20–23 min: nobody was connected, so nobody dropped.
    idle = [(1200, 1380)]
    att = intervals.classify([(0, 1200), (1380, 3600)], 0, 3600, idle=idle)
    assert MeetingRecord.from_attendance(1, 1, att).drops() == 0


def test_per_person_sums_meetings_and_handles_zero_hours() -> None:
    people = quality.per_person(
        [
            MeetingRecord(1, 10, 3600, (30.0, 2.0, 600.0)),
            MeetingRecord(1, 11, 1800, (10.0,)),
            MeetingRecord(2, 10, 0, ()),  # invited, never connected: not attended
            MeetingRecord(3, 10, 900, ()),
        ]
    )
    assert set(people) == {1, 3}
    one = people[1]
    assert (one.meetings, one.drops) == (2, 3)
    assert math.isclose(one.connected_hours, 1.5)
    assert math.isclose(one.drops_per_hour or 0, 2.0)
    assert not one.above(T)  # exactly at the threshold is not above it
    assert PersonQuality(9).drops_per_hour is None
    assert not PersonQuality(9).measured(T) and not PersonQuality(9).above(T)


def test_a_short_meeting_does_not_flag_anyone() -> None:
    short = PersonQuality(1, meetings=1, connected_s=1800, drops=3)  # 6 per hour, 30 min
    assert short.drops_per_hour == 6.0
    assert not short.measured(T) and not short.above(T)
    long = PersonQuality(1, meetings=2, connected_s=3600, drops=3)
    assert long.above(T)
    assert not long.above(Thresholds(drops_per_hour=3.0))


def _person(pk: int, drops: int, hours: float = 2.0) -> PersonQuality:
    return PersonQuality(pk, 1, hours * 3600, drops)


def test_by_unit_merges_small_units_and_hides_what_is_still_too_small() -> None:
    people = [
        *(_person(i, d) for i, d in zip(range(1, 5), (0, 2, 4, 10), strict=True)),  # unit A
        _person(5, 6),  # unit B: 1 person
        _person(6, 0),
        _person(7, 0),  # unit C: 2 people
        _person(8, 9, hours=0.5),  # unit C, too little time: not measured
        _person(99, 50),  # no unit (left the office): skipped
    ]
    unit_of = {1: "A", 2: "A", 3: "A", 4: "A", 5: "B", 6: "C", 7: "C", 8: "C"}
    s = quality.by_unit(people, unit_of, T)
    assert [g.key for g in s.rows] == ["A"]
    a = s.rows[0]
    assert (a.people, a.above) == (4, 1)  # 0, 1, 2 and 5 per hour: only 5 is above 2
    assert a.median == 1.5 and a.mean == 2.0 and a.above_share == 25.0
    assert s.merged is not None and s.merged.people == 3 and s.merged_units == 2
    assert s.merged.above == 1
    assert (s.hidden_units, s.hidden_people, s.unmeasured) == (0, 0, 1)
    assert s.total.people == 7

    # Without unit C, unit B's one person can be neither shown nor merged.
    s = quality.by_unit(people, {k: v for k, v in unit_of.items() if v != "C"}, T)
    assert s.merged is None and (s.hidden_units, s.hidden_people) == (1, 1)
    assert s.total.people == 4  # the hidden person is not in the total either


records = st.lists(
    st.builds(
        MeetingRecord,
        st.integers(1, 6),
        st.integers(1, 8),
        st.floats(0, 4 * 3600, allow_nan=False),
        st.lists(st.floats(0, 1200, allow_nan=False), max_size=6).map(tuple),
    ),
    max_size=40,
)


@settings(deadline=None)
@given(records, st.floats(0, 120, allow_nan=False))
def test_per_person_properties(recs: list[MeetingRecord], min_gap: float) -> None:
    people = quality.per_person(recs, min_gap_s=min_gap)
    connected = [r for r in recs if r.connected_s > 0]
    assert set(people) == {r.staff_id for r in connected}
    assert sum(p.drops for p in people.values()) == sum(r.drops(min_gap) for r in connected)
    for p in people.values():
        assert p.meetings == len({r.meeting_id for r in connected if r.staff_id == p.staff_id})
        rate = p.drops_per_hour  # None only when the hours round to zero
        assert rate is None or rate >= 0
        # A longer minimum gap never finds more drops.
        stricter = quality.per_person(recs, min_gap_s=min_gap + 30)[p.staff_id]
        assert stricter.drops <= p.drops


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.floats(0, 10, allow_nan=False), st.sampled_from("ABCDE")),
        max_size=30,
    ),
    st.integers(1, 5),
)
def test_by_unit_never_shows_a_group_smaller_than_the_minimum(
    rows: list[tuple[int, float, str]], min_group: int
) -> None:
    people = [_person(i, d, hours=h) for i, (d, h, _u) in enumerate(rows)]
    unit_of = {i: u for i, (_d, _h, u) in enumerate(rows)}
    s = quality.by_unit(people, unit_of, T, min_group=min_group)
    shown = [*s.rows, *([s.merged] if s.merged else [])]
    assert all(g.people >= min_group for g in shown)
    measured = sum(1 for p in people if p.measured(T))
    assert s.total.people + s.hidden_people == measured
    assert s.total.above == sum(g.above for g in shown)
    assert s.unmeasured == len(people) - measured

from __future__ import annotations

import csv

import pytest

from yakuba.planner.formats.curtois_qu import FormatError, parse, read

from .conftest import bench_dir

GOOD = """# comment
SECTION_HORIZON
14

SECTION_SHIFTS
D,480,
L,480,D

SECTION_STAFF
A,D=14|L=3,4320,3360,5,2,2,1

SECTION_DAYS_OFF
A,0

SECTION_SHIFT_ON_REQUESTS
A,2,D,2

SECTION_SHIFT_OFF_REQUESTS
A,3,L,1

SECTION_COVER
0,D,2,100,1
"""


def test_every_shared_instance_parses(bench):
    with (bench / "best_known.csv").open(newline="") as fh:
        expected = {r["instance"]: r for r in csv.DictReader(fh)}
    files = sorted(bench.glob("Instance*.txt"))
    assert files
    for f in files:
        p = read(f)
        e = expected[f.stem]
        assert (len(p.staff), p.horizon, len(p.activities)) == (
            int(e["staff"]),
            int(e["days"]),
            int(e["shift_types"]),
        )
        # FORMAT.md: one cover line per (day, shift type).
        assert len(p.cover) == p.horizon * len(p.activities)


def test_good_file_content():
    p = parse(GOOD.replace("\n", "\r\n"))
    assert p.horizon == 14 and p.start_weekday == 0
    assert [a.id for a in p.activities] == ["D", "L"]
    assert p.activities[1].forbidden_next == frozenset({"D"})
    st = p.staff[0]
    assert st.max_per_activity == {"D": 14, "L": 3}
    assert (st.max_minutes, st.min_minutes, st.max_consecutive) == (4320, 3360, 5)
    assert (st.min_consecutive, st.min_consecutive_off, st.max_weekends) == (2, 2, 1)
    assert st.days_off == frozenset({0})
    assert [(r.day, r.activity, r.weight, r.on) for r in p.requests] == [
        (2, "D", 2, True),
        (3, "L", 1, False),
    ]
    assert p.cover[0].target == 2 and p.cover[0].weight_under == 100


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("A,D=14|L=3,4320,3360,5,2,2,1", "A,D=14|L=3,4320,x,5,2,2,1", 10, "MinTotalMinutes"),
        ("A,D=14|L=3,4320,3360,5,2,2,1", "A,D=14|L=3,4320,3360,5,2,2", 10, "8 fields"),
        ("A,D=14|L=3,4320", "A,D=14|Q=3,4320", 10, "unknown shift 'Q'"),
        ("0,D,2,100,1", "0,X,2,100,1", 22, "unknown shift 'X'"),
        ("0,D,2,100,1", "99,D,2,100,1", 22, "outside the horizon"),
        ("A,2,D,2", "B,2,D,2", 16, "unknown employee 'B'"),
        ("SECTION_COVER", "SECTION_COVERS", 21, "unknown section"),
        ("D,480,\n", "D,abc,\n", 6, "shift length"),
    ],
)
def test_malformed_names_line_and_problem(old, new, line, words):
    text = GOOD.replace(old, new)
    assert text != GOOD
    with pytest.raises(FormatError) as exc:
        parse(text, name="bad")
    msg = str(exc.value)
    assert msg.startswith(f"bad:{line}:"), msg
    assert words in msg


def test_missing_horizon():
    with pytest.raises(FormatError, match="missing SECTION_HORIZON"):
        parse(GOOD.replace("SECTION_HORIZON\n14\n", ""))


def test_bench_dir_default_points_next_to_repo():
    assert bench_dir().name == "curtois-qu"

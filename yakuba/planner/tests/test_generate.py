"""Instance generator: parses with our reader, the hidden roster is feasible, sizes as
asked, deterministic per seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from yakuba.planner import evaluate
from yakuba.planner.formats.curtois_qu import parse, read
from yakuba.planner.generate import generate, main, staff_id

SIZES = [(8, 14, 1, 0), (20, 28, 3, 1), (12, 56, 6, 2), (40, 364, 10, 3), (150, 28, 32, 4)]


@pytest.mark.parametrize(("staff", "days", "types", "seed"), SIZES)
def test_hidden_roster_is_feasible_and_sizes_as_asked(
    staff: int, days: int, types: int, seed: int
) -> None:
    inst = generate(staff, days, types, seed)
    problem = parse(inst.text(), name="generated")
    assert problem.horizon == days
    assert len(problem.staff) == staff
    assert len(problem.activities) == types
    assert len(problem.cover) == days * types  # one cover line per (day, shift)
    ev = evaluate(problem, inst.roster)
    assert ev.feasible, ev.hard_violations[:5]


def test_realistic_features_present() -> None:
    inst = generate(40, 56, 6, 7)
    problem = parse(inst.text())
    assert any(a.forbidden_next for a in problem.activities)
    assert any(0 in s.max_per_activity.values() for s in problem.staff)
    assert any(s.min_consecutive > 1 for s in problem.staff)
    assert any(s.min_consecutive_off > 1 for s in problem.staff)
    assert all(s.max_weekends is not None and s.max_weekends <= 8 for s in problem.staff)
    assert any(s.days_off for s in problem.staff)
    assert {q.on for q in problem.requests} == {True, False}
    assert {q.weight for q in problem.requests} <= {1, 2, 3}
    for s in problem.staff:
        assert s.max_minutes is not None and s.min_minutes <= s.max_minutes <= 56 * 720
        assert not any(q.staff == s.id and q.day in s.days_off for q in problem.requests)


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    a = generate(30, 28, 4, 5).text()
    assert a == generate(30, 28, 4, 5).text()
    assert a != generate(30, 28, 4, 6).text()


def test_cli_writes_instance_and_roster(tmp_path: Path) -> None:
    out, roster = tmp_path / "g.txt", tmp_path / "g.csv"
    args = ["--staff", "10", "--days", "14", "--shift-types", "2", "--seed", "3"]
    assert main([str(out), *args, "--roster", str(roster)]) == 0
    problem = read(out)
    assert problem.name == "g" and len(problem.staff) == 10
    assert out.read_bytes() == generate(10, 14, 2, 3).text().encode("ascii")
    assert roster.read_text().startswith("employee,day,shift\n")
    with pytest.raises(SystemExit):
        main([str(out), "--days", "10"])


def test_staff_ids_like_the_published_files() -> None:
    assert [staff_id(i) for i in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]

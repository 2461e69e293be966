"""The fingerprint that proves a refactor leaves the planner's deterministic parts alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from yakuba.planner.fingerprint import differences, fingerprint, main


def test_fingerprint_is_repeatable_and_sees_a_changed_instance(bench: Path, tmp_path: Path) -> None:
    first = fingerprint(bench / "Instance1.txt")
    assert first == fingerprint(bench / "Instance1.txt") | {"improve_s": first["improve_s"]}
    assert first["construct_failed_rows"] == 0
    # Re-planning never makes the start worse.
    assert first["improved_objective"] <= first["construct_objective"]
    other = fingerprint(bench / "Instance2.txt")
    assert other["model"] != first["model"]


def test_compare_reports_only_fields_that_are_results(tmp_path: Path, capsys) -> None:
    row = {"model": "a", "construct": "b", "improve_s": 1.0}
    before = {"Instance1": row, "Instance2": row}
    after = {"Instance1": row | {"improve_s": 9.0}, "Instance2": row | {"model": "c"}}
    assert differences(before, after) == {"Instance2": ["model"]}
    assert differences(before, {"Instance1": row}) == {"Instance2": ["missing"]}
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(before))
    b.write_text(json.dumps(after))
    assert main(["--compare", str(a), str(b)]) == 1
    assert "Instance2    differs: model" in capsys.readouterr().out
    assert main(["--compare", str(a), str(a)]) == 0


def test_cli_prints_one_json_object_per_directory(bench: Path, tmp_path: Path, capsys) -> None:
    shutil.copy(bench / "Instance1.txt", tmp_path / "Instance1.txt")
    assert main([str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert list(out) == ["Instance1"]
    assert out["Instance1"]["variables"] > 0

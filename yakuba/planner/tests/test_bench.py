"""The benchmark CLI: its table, JSON line and CSV file."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from yakuba.planner import bench as bench_cli


def test_csv_rows_take_every_key_and_write_nested_figures_as_json() -> None:
    # Only some instances have the column-generation figures: the CSV once failed on
    # them ("dict contains fields not in fieldnames") after the whole run.
    rows = [
        {"instance": "A", "objective": 5},
        {"instance": "B", "objective": 7, "colgen": {"iterations": 3, "bound": 6}},
    ]
    fields, flat = bench_cli.csv_rows(rows)
    assert fields == ["instance", "objective", "colgen"]
    assert json.loads(flat[1]["colgen"]) == {"iterations": 3, "bound": 6}
    assert flat[0] == {"instance": "A", "objective": 5}


def test_run_prints_own_bound_and_writes_the_csv(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("Instance1.txt", "best_known.csv"):
        shutil.copy(bench / name, tmp_path / name)
    out_csv = tmp_path / "out.csv"
    code = bench_main(tmp_path / "Instance1.txt", out_csv)
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "own%" in lines[1] and "strategy" in lines[1]
    summary = json.loads(lines[-1])
    (row,) = summary["instances"]
    assert row["status"] == "optimal" and row["objective"] == 607
    assert row["bound_source"] == "cp-sat" and row["gap_to_bound_pct"] == 0.0
    assert summary["with_bound"] == 1 and summary["mean_gap_to_bound_pct"] == 0.0
    with out_csv.open(newline="", encoding="utf-8") as fh:
        (written,) = list(csv.DictReader(fh))
    assert written["instance"] == "Instance1" and written["objective"] == "607"


def bench_main(instance: Path, out_csv: Path) -> int:
    return bench_cli.main(
        [str(instance), "--time-limit", "10", "--workers", "1", "--csv", str(out_csv)]
    )

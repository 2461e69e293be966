from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_importing_planner_never_imports_django():
    code = (
        "import yakuba.planner, yakuba.planner.bench, yakuba.planner.__main__, "
        "yakuba.planner.greedy, sys; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=60)


def test_solve_is_the_function():
    import yakuba.planner
    from yakuba.planner.solver import solve

    assert yakuba.planner.solve is solve


def test_python_m_planner_solves_one_instance(bench, tmp_path):
    out = tmp_path / "roster.csv"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "yakuba.planner",
            str(bench / "Instance1.txt"),
            "--time-limit",
            "5",
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "-> ok" in run.stdout
    assert out.read_text().startswith("employee,day,shift\n")

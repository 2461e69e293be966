from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_importing_planner_never_imports_django():
    code = (
        "import yakuba.planner, yakuba.planner.bench, yakuba.planner.solve, sys; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=60)


def test_solve_module_stays_callable():
    import yakuba.planner
    import yakuba.planner.solve

    assert callable(yakuba.planner.solve)

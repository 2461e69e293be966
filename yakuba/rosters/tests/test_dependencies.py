"""`rosters` owns the remote-access pools and `remoteseats` builds on it: never the reverse.

Parsed from the source, so an import hidden in a function (or behind `try: … except
ImportError`) counts too.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import yakuba.rosters
from yakuba.rosters import seat_providers

ROSTERS = Path(yakuba.rosters.__file__).parent
FORBIDDEN = "yakuba.remoteseats"


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from yakuba import remoteseats`
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _sources() -> list[Path]:
    return [p for p in sorted(ROSTERS.rglob("*.py")) if "tests" not in p.relative_to(ROSTERS).parts]


def test_rosters_never_imports_remoteseats() -> None:
    sources = _sources()
    assert ROSTERS / "solver_io.py" in sources and ROSTERS / "demo.py" in sources
    offending = [
        f"{path.relative_to(ROSTERS)}:{line} imports {name}"
        for path in sources
        for line, name in _imports(path)
        if name == FORBIDDEN or name.startswith(FORBIDDEN + ".")
    ]
    assert not offending, offending


def test_the_check_sees_every_form_of_import(tmp_path) -> None:
    for source in (
        "import yakuba.remoteseats.models",
        "from yakuba.remoteseats import services",
        "from yakuba import remoteseats",
        "def f():\n    try:\n        from yakuba.remoteseats.models import SeatBooking\n"
        "    except ImportError:\n        pass",
    ):
        path = tmp_path / "module.py"
        path.write_text(source, encoding="utf-8")
        assert any(n.startswith(FORBIDDEN) for _line, n in _imports(path)), source


@pytest.mark.django_db
def test_seats_taken_outside_the_roster_add_up_over_the_registered_providers() -> None:
    from yakuba.rosters.models import RemoteResource

    pool = RemoteResource.objects.create(name="LGWAN", capacity=3)
    day = dt.date(2026, 12, 7)

    def two_on_the_day(resource, days, planned):
        return {day: 2} if resource == pool and day in days else {}

    def one_unless_planned(resource, days, planned):
        return {} if 7 in planned else {day: 1}

    def taken(planned: set[int]) -> int:
        return seat_providers.seats_taken_outside_roster(pool, [day], planned).get(day, 0)

    before = seat_providers.seat_providers()
    base = taken(set()), taken({7})  # whatever the installed apps registered
    seat_providers.register_seat_provider(two_on_the_day)
    seat_providers.register_seat_provider(two_on_the_day)  # registering twice counts once
    seat_providers.register_seat_provider(one_unless_planned)
    try:
        assert (taken(set()) - base[0], taken({7}) - base[1]) == (3, 2)
    finally:
        seat_providers.unregister_seat_provider(two_on_the_day)
        seat_providers.unregister_seat_provider(one_unless_planned)
    assert seat_providers.seat_providers() == before

"""April 1st personnel-change import benchmark (`python -m yakuba.org.bench_april`).

A throwaway bench site (`core.benchserver.bench_site`: a temporary SQLite file, and a
temporary PostgreSQL database when ``--database-url`` names a server) with 5,000 staff in
120 units, 300 of them with accounts; an import file (CSV) with 800 moves, 150 joiners and
120 leavers among the 5,000 rows. Measured separately: the preview (`build_plan`: read,
check and classify) and the write (`apply_plan`, one transaction), and their sum
``april_import_s``. Prints a table and, as the last line, one JSON object.

    python -m yakuba.org.bench_april [--database-url postgres://root@127.0.0.1:5432/april_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

STAFF = 5000
UNITS = 120
MOVES = 800
JOINERS = 150
LEAVERS = 120
ACCOUNTS = 300


def _child(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakuba.settings")
    import django

    django.setup()
    from yakuba.accounts.models import User
    from yakuba.core.text import search_key
    from yakuba.org.importing import apply_plan, build_plan
    from yakuba.org.models import Staff, Unit

    dept = Unit(code="D1", name="総務部", name_kana="ソウムブ", kind="department")
    dept.save()
    units = []
    for i in range(UNITS):
        unit = Unit(code=f"U{i:03d}", name=f"第{i}課", name_kana="カ", kind="division", parent=dept)
        unit.save()
        units.append(unit)
    users = User.objects.bulk_create(
        [User(username=f"bench{i:04d}", role="staff") for i in range(ACCOUNTS)]
    )
    people = []
    for i in range(STAFF):
        number = f"{10000 + i}"
        person = Staff(
            staff_number=number,
            name=f"職員 {i}",
            name_kana="ショクイン",
            unit=units[i % UNITS],
            # Every 16th person has an account (leavers among them: disabled).
            user=users[i // 16] if i % 16 == 0 and i // 16 < ACCOUNTS else None,
        )
        person.search_text = search_key(f"{number} {person.name} {person.name_kana}")
        people.append(person)
    Staff.objects.bulk_create(people, batch_size=1000)
    header = "職員番号,氏名,氏名カナ,雇用区分,職名,所属コード,スキル,メール,在職"
    lines = [header]
    for i in range(STAFF):
        unit_no = i % UNITS
        active = 1
        if i < MOVES:
            unit_no = (unit_no + 1) % UNITS
        elif i >= STAFF - LEAVERS:
            active = 0
        lines.append(f"{10000 + i},職員 {i},ショクイン,正規,,U{unit_no:03d},,,{active}")
    for j in range(JOINERS):
        lines.append(f"{20000 + j},新人 {j},シンジン,正規,主事,U{j % UNITS:03d},,,1")
    data = ("\r\n".join(lines) + "\r\n").encode()
    started = time.perf_counter()
    plan = build_plan("april.csv", data)
    preview_s = time.perf_counter() - started
    counts = plan.preview_summary()["people"]
    started = time.perf_counter()
    result = apply_plan(plan, actor=None, source="bench")
    write_s = time.perf_counter() - started
    ok = (
        counts["mover"] == MOVES
        and counts["joiner"] == JOINERS
        and counts["leaver"] == LEAVERS
        and Staff.objects.filter(active=False).count() == LEAVERS
    )
    out.write_text(
        json.dumps(
            {
                "preview_s": round(preview_s, 3),
                "write_s": round(write_s, 3),
                "april_import_s": round(preview_s + write_s, 3),
                "counts": counts,
                "accounts_disabled": result.people["accounts_disabled"],
                "ok": ok,
            }
        )
    )


def _leg(database: str) -> dict[str, Any]:
    from yakuba.core.benchserver import bench_site

    with bench_site(database, prefix="april") as site:
        out = site.work / "result.json"
        site.run_module("yakuba.org.bench_april", "--child", str(out))
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL server to bench too")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(Path(args.child))
        return 0
    legs = {"sqlite": _leg("sqlite")}
    if args.database_url:
        from yakuba.core import benchserver

        # The bench creates (and drops) its own database on that server.
        benchserver.PG_ADMIN_URL = args.database_url.rsplit("/", 1)[0] + "/postgres"
        legs["postgres"] = _leg("postgres")
    print(f"April 1st import: {STAFF} staff, {MOVES} moves, {JOINERS} joiners, {LEAVERS} leavers")
    print(f"{'database':<10} {'preview s':>10} {'write s':>10} {'total s':>10} {'checked':>8}")
    for name, leg in legs.items():
        print(
            f"{name:<10} {leg['preview_s']:>10.3f} {leg['write_s']:>10.3f} "
            f"{leg['april_import_s']:>10.3f} {'ok' if leg['ok'] else 'WRONG':>8}"
        )
    summary: dict[str, Any] = {}
    for name, leg in legs.items():
        summary[f"april_preview_s_{name}"] = leg["preview_s"]
        summary[f"april_write_s_{name}"] = leg["write_s"]
        summary[f"april_import_s_{name}"] = leg["april_import_s"]
    summary["april_import_s"] = max(leg["april_import_s"] for leg in legs.values())
    summary["april_ok"] = all(leg["ok"] for leg in legs.values())
    print(json.dumps(summary))
    return 0 if summary["april_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

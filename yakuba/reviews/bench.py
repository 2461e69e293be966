"""Benchmarks of the reviews app (issue 17).

    python -m yakuba.reviews.bench [--rows 20000]
                                   [--database-url postgres://root@127.0.0.1:5432/NAME]

Each database (SQLite always, PostgreSQL when ``--database-url`` names a server: a bench
database is created there and dropped afterwards, `core.benchserver.bench_site`) gets a
migrated site of its own; each piece runs in a subprocess against it and writes its
figures to a file.

* ``bench_import`` — the procedure inventory: 20,000 procedures of 45 units in an .xlsx
  with one sheet per department (as the municipalities' merged inventories are), uploaded
  as the page does (stored in the private storage), checked by the check task (read,
  every row checked, compared with the inventory, preview stored) and written by the
  apply task (one transaction). Then the same file again with 5 % of the rows changed
  (re-import: compared by 手続ID, the changed rows updated). Preview and write are timed
  apart; ``import_rows_per_s`` = rows ÷ (preview + write) of the first import.

The last line is one JSON object: import_rows_per_s_sqlite, import_rows_per_s_postgres,
import_rows_per_s (the lower of both), and the preview / write split. Never depends on
today's date.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# The units of the generated office: 9 departments × 4 divisions (+ the departments
# themselves) = 45 units, as in the dashboard figure.
DEPARTMENTS: tuple[str, ...] = ("総務部", "企画部", "市民部", "福祉部", "健康こども部")
DEPARTMENTS += ("環境経済部", "建設部", "上下水道部", "教育部")
BASES = ("地方自治法第244条の2", "市手数料条例第2条", "市補助金交付規則第5条", "")
DIVISIONS = ("第一課", "第二課", "第三課", "第四課")
NAMES = (
    "交付申請",
    "許可申請",
    "変更届",
    "廃止届",
    "補助金交付申請",
    "実績報告",
    "登録申請",
    "証明書交付請求",
    "減免申請",
    "使用許可申請",
)


def _units() -> dict[str, list[str]]:
    """Department name → its divisions' names (unique: 「市民部第一課」)."""
    return {d: [f"{d.removesuffix('部')}{v}" for v in DIVISIONS] for d in DEPARTMENTS}


def _make_units() -> None:
    from yakuba.org.models import Unit

    for i, (department, divisions) in enumerate(_units().items(), start=1):
        parent = Unit(code=f"B{i:02d}", name=department, name_kana="ブ", kind="department")
        parent.save()
        for j, name in enumerate(divisions, start=1):
            Unit(
                code=f"B{i:02d}{j:02d}", name=name, name_kana="カ", kind="division", parent=parent
            ).save()


def inventory_workbook(rows: int, seed: int = 17, changed: float = 0.0) -> bytes:
    """An .xlsx of ``rows`` procedures, one sheet per department; with ``changed`` the
    given share of rows has another annual count (a re-import)."""
    from yakuba.core.tabular import write_xlsx
    from yakuba.reviews.inventory_import import COLUMNS

    rng = random.Random(seed)
    change = random.Random(seed + 1)
    units = _units()
    per_department = rows // len(units)
    sheets = []
    n = 0
    for d_index, (department, divisions) in enumerate(units.items()):
        count = per_department + (rows % len(units) if d_index == len(units) - 1 else 0)
        body = []
        for _ in range(count):
            n += 1
            division = divisions[n % len(divisions)]
            annual = rng.randint(1, 20000)
            if changed and change.random() < changed:
                annual += 1
            body.append(
                (
                    f"P-{n:06d}",
                    division,
                    f"{division}の{rng.choice(NAMES)}（{n}）",
                    f"様式第{rng.randint(1, 40)}号",
                    rng.choice(
                        ("地方自治法第244条の2", "市手数料条例第2条", "市補助金交付規則第5条", "")
                    ),
                    annual,
                    rng.choice(("押印", "不要", "署名", "押印又は署名")),
                    rng.choice(("○", "×")),
                    rng.choice(("○", "×")),
                    rng.choice(("", "本人確認書類", "見積書、図面")),
                    rng.choice((0, 300, "")),
                    rng.choice(("可", "一部可", "不可")),
                )
            )
        sheets.append((department, COLUMNS, body))
    return write_xlsx(sheets)


def _timed_import(actor: Any, data: bytes, filename: str) -> dict[str, Any]:
    """Upload → check task → apply task, as the pages and the worker run them."""
    from django.core.files.base import ContentFile

    from yakuba.reviews.import_models import ImportState, ProcedureImport
    from yakuba.reviews.inventory_tasks import apply_procedure_import, check_procedure_import

    batch = ProcedureImport(created_by=actor, filename=filename)
    batch.upload.save("upload", ContentFile(data), save=True)
    started = time.perf_counter()
    check_procedure_import.call(batch.pk)
    preview_s = time.perf_counter() - started
    batch.refresh_from_db()
    if batch.state != ImportState.READY:
        raise RuntimeError(f"preview not ready: {batch.problems[:3]}")
    summary = dict(batch.summary)
    ProcedureImport.objects.filter(pk=batch.pk).update(state=ImportState.APPLYING, applied_by=actor)
    started = time.perf_counter()
    apply_procedure_import.call(batch.pk)
    write_s = time.perf_counter() - started
    batch.refresh_from_db()
    if batch.state != ImportState.DONE:
        raise RuntimeError("import not written")
    return {"preview_s": preview_s, "write_s": write_s, "summary": summary, "result": batch.result}


def bench_import(rows: int, out: str) -> None:
    """In the bench site's process: generate, import, re-import; figures to ``out``."""
    import django

    django.setup()
    from django.db import connection

    from yakuba.accounts.models import User
    from yakuba.accounts.roles import Role
    from yakuba.reviews.models import Procedure

    _make_units()
    actor = User.objects.create_user("bench-planning", role=Role.PLANNING)
    first_file = inventory_workbook(rows)
    again_file = inventory_workbook(rows, changed=0.05)
    first = _timed_import(actor, first_file, "棚卸し.xlsx")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    again = _timed_import(actor, again_file, "棚卸し（再）.xlsx")
    assert Procedure.objects.count() == rows, Procedure.objects.count()
    total = first["preview_s"] + first["write_s"]
    figures = {
        "rows": rows,
        "file_bytes": len(first_file),
        "preview_s": round(first["preview_s"], 2),
        "write_s": round(first["write_s"], 2),
        "rows_per_s": round(rows / total),
        "preview_rows_per_s": round(rows / first["preview_s"]),
        "write_rows_per_s": round(rows / first["write_s"]),
        "created": first["result"]["created"],
        "reimport_preview_s": round(again["preview_s"], 2),
        "reimport_write_s": round(again["write_s"], 2),
        "reimport_rows_per_s": round(rows / (again["preview_s"] + again["write_s"])),
        "reimport_updated": again["result"]["updated"],
        "reimport_unchanged": again["result"]["unchanged"],
    }
    Path(out).write_text(json.dumps(figures))


# Pieces run in a site of their own, by name (rv-workflow adds the dashboard's).
PIECES: dict[str, str] = {"import": "--run-import"}


def _run_piece(backend: str, flag: str, args: argparse.Namespace) -> dict[str, Any]:
    from yakuba.core import benchserver

    with benchserver.bench_site(backend, prefix="bench-reviews") as site:
        out = Path(tempfile.mkdtemp()) / "figures.json"
        site.run_module("yakuba.reviews.bench", "--rows", str(args.rows), flag, str(out))
        figures: dict[str, Any] = json.loads(out.read_text())
        return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--run-import", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_import:
        bench_import(args.rows, args.run_import)
        return 0
    from yakuba.core import benchserver

    backends = ["sqlite"]
    if args.database_url:
        backends.append("postgres")
        benchserver.PG_ADMIN_URL = args.database_url.rsplit("/", 1)[0] + "/postgres"
    imports = {backend: _run_piece(backend, PIECES["import"], args) for backend in backends}
    print(f"Procedure inventory import: {args.rows:,} procedures, 45 units, .xlsx by department")
    print(
        f"{'database':<10} {'preview s':>9} {'write s':>8} {'rows/s':>8} "
        f"{'preview/s':>10} {'write/s':>9} {'re-import s':>12} {'updated':>8}"
    )
    for backend, f in imports.items():
        print(
            f"{backend:<10} {f['preview_s']:>9.2f} {f['write_s']:>8.2f} {f['rows_per_s']:>8,} "
            f"{f['preview_rows_per_s']:>10,} {f['write_rows_per_s']:>9,} "
            f"{f['reimport_preview_s'] + f['reimport_write_s']:>12.2f} "
            f"{f['reimport_updated']:>8,}"
        )
    result: dict[str, Any] = {
        "import_rows": args.rows,
        "import_rows_per_s": min(f["rows_per_s"] for f in imports.values()),
    }
    for backend, f in imports.items():
        result[f"import_rows_per_s_{backend}"] = f["rows_per_s"]
        result[f"import_preview_s_{backend}"] = f["preview_s"]
        result[f"import_write_s_{backend}"] = f["write_s"]
        result[f"reimport_rows_per_s_{backend}"] = f["reimport_rows_per_s"]
    # The office dashboard (rv-workflow's piece): its own sites, table and figures.
    from yakuba.reviews.bench_dashboard import bench_dashboard

    print()
    result |= bench_dashboard(backends)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["dashboard_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

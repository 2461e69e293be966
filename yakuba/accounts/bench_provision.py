"""Benchmark piece of `make bench-accounts`: local accounts for a whole office.

In a throwaway bench site (a SQLite file in a temporary directory; and a temporary
PostgreSQL database when ``--database-url`` names a server where it may create one),
5,000 active staff without accounts are set up, then timed:

* ``accounts_s``: `provisioning` creates the 5,000 accounts in one transaction — user
  name = staff number, unusable password, an activation token each (HMAC-SHA256 hashes),
  staff records linked, one audit entry per account plus the run's summary;
* ``sheets_s``: the activation-sheet PDFs of one 300-person department (one PDF per unit,
  one A4 page per person, QR code and short code), stored as the screen stores them;
* ``provision_s`` = accounts_s + sheets_s.

A readable table is printed; the last line is one JSON object with the figures of every
backend measured (``provision_s`` is the slowest backend's, the number to hold a bound to).

    python -m yakuba.accounts.bench_provision [--staff 5000] [--department 300]
        [--database-url postgres://root@127.0.0.1:5432/postgres] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

DEPARTMENT_UNITS = 6  # sections of the measured department (300 people → 50 each)
OTHER_UNIT_SIZE = 100


def measure(staff: int, department: int, out: str) -> None:
    """Runs in a subprocess against the bench site's database."""
    import django

    django.setup()
    from django.db import connection, transaction

    from yakuba.accounts.activation import IssuedToken
    from yakuba.accounts.delivery import deliver_tokens
    from yakuba.accounts.models import ActivationSheet, ActivationToken, ProvisionRun, User
    from yakuba.accounts.models_activation import RunScope, RunStatus
    from yakuba.accounts.provisioning import _provision, base_url
    from yakuba.audit.models import AuditEntry
    from yakuba.audit.services import verify_chain
    from yakuba.core.text import search_key
    from yakuba.org.models import Staff, Unit

    # --- set-up (not timed) -----------------------------------------------------------
    root = Unit(code="P000", name="ベンチ市", kind="department")
    root.save()
    dept = Unit(code="P100", name="市民生活部", kind="department", parent=root)
    dept.save()
    units: list[Unit] = []
    for i in range(DEPARTMENT_UNITS):
        unit = Unit(
            code=f"P1{i + 1:02d}", name=f"市民生活部 第{i + 1}課", kind="division", parent=dept
        )
        unit.save()
        units.append(unit)
    others: list[Unit] = []
    for i in range((staff - department + OTHER_UNIT_SIZE - 1) // OTHER_UNIT_SIZE):
        unit = Unit(code=f"P9{i + 1:03d}", name=f"ほかの課{i + 1}", kind="division", parent=root)
        unit.save()
        others.append(unit)
    people = []
    for i in range(staff):
        if i < department:
            unit = units[i * DEPARTMENT_UNITS // department]
        else:
            unit = others[(i - department) // OTHER_UNIT_SIZE]
        number = f"{100000 + i}"
        name = f"職員 {i:05d}"
        people.append(
            Staff(
                staff_number=number,
                name=name,
                name_kana="ショクイン",
                unit=unit,
                search_text=search_key(f"{number} {name} ショクイン"),
            )
        )
    Staff.objects.bulk_create(people, batch_size=1000)
    staff_ids = list(Staff.objects.order_by("pk").values_list("pk", flat=True))
    run = ProvisionRun.objects.create(
        scope=RunScope.ALL, deliver="sheet", status=RunStatus.RUNNING, base_url=base_url()
    )

    # A task worker has its code imported and its URLconf loaded before its first task
    # (1.8 s in a fresh process): done here too, untimed. The PDF font is not preloaded.
    from django.urls import reverse

    reverse("accounts:activate")

    # --- accounts: the provisioning transaction ----------------------------------------
    kept: dict[int, IssuedToken] = {}

    def keep(run_id: int, issued: dict[int, IssuedToken]) -> None:
        kept.update(issued)  # the mails / sheets are timed separately below

    started = time.perf_counter()
    result = _provision(run, staff_ids, None, deliver=keep)
    accounts_s = time.perf_counter() - started
    assert result.created == staff, result
    assert len(kept) == staff

    # --- sheets: one department --------------------------------------------------------
    dept_users = set(
        User.objects.filter(staff__unit__path__startswith=dept.path).values_list("pk", flat=True)
    )
    dept_tokens = {uid: token for uid, token in kept.items() if uid in dept_users}
    started = time.perf_counter()
    deliver_tokens(run.pk, dept_tokens)
    sheets_s = time.perf_counter() - started
    sheets = list(ActivationSheet.objects.filter(run=run))
    pdf_bytes = sum(s.file.size for s in sheets)

    # --- checks (not timed) -------------------------------------------------------------
    with transaction.atomic():
        checks = {
            "accounts": User.objects.filter(staff__isnull=False).count(),
            "unusable_passwords": sum(
                1 for p in User.objects.values_list("password", flat=True) if p.startswith("!")
            ),
            "tokens": ActivationToken.objects.filter(revoked_at__isnull=True).count(),
            "audit_entries": AuditEntry.objects.filter(object_type="accounts.user").count(),
            "chain_ok": verify_chain() is None,
            "sheet_pages": sum(s.people for s in sheets),
        }
    # Idempotent: a second run over everyone creates nothing.
    again = _provision(
        ProvisionRun.objects.create(scope=RunScope.ALL, deliver="sheet"),
        staff_ids,
        None,
        deliver=keep,
    )
    checks["second_run_created"] = again.created
    Path(out).write_text(
        json.dumps(
            {
                "backend": connection.vendor,
                "staff": staff,
                "accounts_s": round(accounts_s, 3),
                "sheets_s": round(sheets_s, 3),
                "provision_s": round(accounts_s + sheets_s, 3),
                "sheet_people": len(dept_tokens),
                "sheet_files": len(sheets),
                "pdf_bytes": pdf_bytes,
                **checks,
            }
        )
    )


def run_backend(database: str, staff: int, department: int) -> dict[str, object]:
    from yakuba.core.benchserver import bench_site

    with (
        bench_site(
            database,
            prefix="provision",
            env={"YAKUBA_BASE_URL": "https://yakuba.example.jp"},
        ) as site,
        tempfile.TemporaryDirectory() as tmp,
    ):
        out = Path(tmp) / "result.json"
        site.run_module(
            "yakuba.accounts.bench_provision",
            "--measure",
            str(out),
            "--staff",
            str(staff),
            "--department",
            str(department),
        )
        data: dict[str, object] = json.loads(out.read_text())
        return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--department", type=int, default=300)
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server URL with CREATE DATABASE rights (a bench database is "
        "created there and dropped); without it only SQLite is measured",
    )
    parser.add_argument("--only", choices=("sqlite", "postgres"), default="")
    parser.add_argument("--measure", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.staff, args.department, args.measure)
        return 0
    if args.department > args.staff:
        parser.error("--department cannot exceed --staff")

    backends = ["sqlite"]
    if args.database_url:
        from yakuba.core import benchserver

        benchserver.PG_ADMIN_URL = args.database_url
        backends.append("postgres")
    if args.only:
        backends = [b for b in backends if b == args.only]
        if not backends:
            parser.error("--only postgres needs --database-url")

    results = {b: run_backend(b, args.staff, args.department) for b in backends}
    print(f"Local accounts: {args.staff} staff, sheets for a {args.department}-person department")
    header = f"{'backend':<10}{'accounts_s':>12}{'sheets_s':>10}{'provision_s':>13}{'pages':>7}"
    header += f"{'PDF MB':>8}{'audit':>7}{'chain':>7}{'rerun':>7}"
    print(header)
    for name, r in results.items():
        print(
            f"{name:<10}{r['accounts_s']:>12}{r['sheets_s']:>10}{r['provision_s']:>13}"
            f"{r['sheet_pages']:>7}{int(r['pdf_bytes']) / 1e6:>8.2f}{r['audit_entries']:>7}"  # type: ignore[call-overload]
            f"{'ok' if r['chain_ok'] else 'BROKEN':>7}{r['second_run_created']:>7}"
        )
    summary: dict[str, object] = {
        "staff": args.staff,
        "sheet_people": args.department,
        "provision_s": max(float(r["provision_s"]) for r in results.values()),  # type: ignore[arg-type]
    }
    for name, r in results.items():
        for key in ("provision_s", "accounts_s", "sheets_s"):
            summary[f"{key}_{name}"] = r[key]
        summary[f"ok_{name}"] = bool(
            r["accounts"] == args.staff
            and r["tokens"] == args.staff
            and r["unusable_passwords"] == args.staff
            and r["audit_entries"] == args.staff
            and r["chain_ok"]
            and r["second_run_created"] == 0
            and r["sheet_pages"] == args.department
        )
    print(json.dumps(summary))
    return 0 if all(summary[f"ok_{b}"] for b in results) else 1


if __name__ == "__main__":
    sys.exit(main())

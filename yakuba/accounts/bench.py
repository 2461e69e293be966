"""``make bench-accounts``: accounts for every member of staff (issue 13), three measurements.

1. ``yakuba.accounts.bench_provision``: local accounts with activation tokens for 5,000
   staff, and the PDF of activation sheets for one 300-person department (``provision_s``);
2. ``yakuba.org.bench_april``: the April 1st import of 5,000 staff with 800 moves, 150
   joiners and 120 leavers, preview + write (``april_import_s``);
3. ``yakuba.accounts.bench_ldap``: 200 sign-ins through the sign-in form against a local
   OpenLDAP server (``ldap_login_p95_ms``).

The first two run on SQLite and on PostgreSQL (a bench database is created on the server
of ``--database-url`` and dropped). Each piece runs in its own process and prints its own
table; this prints them, then one line of JSON merging their figures.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from yakuba.core.benchserver import run_piece

DEFAULT_PG = "postgres://root@127.0.0.1:5432/postgres"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_PG, help="PostgreSQL server ('' = none)")
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--department", type=int, default=300)
    parser.add_argument("--sign-ins", type=int, default=200)
    args = parser.parse_args(argv)
    pg = ["--database-url", args.database_url] if args.database_url else []
    provision = run_piece(
        "yakuba.accounts.bench_provision",
        "--staff", str(args.staff),
        "--department", str(args.department),
        *pg,
    )  # fmt: skip
    april = run_piece("yakuba.org.bench_april", *pg)
    ldap = run_piece("yakuba.accounts.bench_ldap", "--sign-ins", str(args.sign_ins))
    summary: dict[str, Any] = {}
    for piece in (provision, april, ldap):
        summary |= {k: v for k, v in piece.items() if k != "error"}
    errors = [p["error"] for p in (provision, april, ldap) if "error" in p]
    summary["errors"] = errors
    print()
    print(f"{'figure':<24}{'value':>12}")
    for key in ("provision_s", "april_import_s", "ldap_login_p95_ms"):
        print(f"{key:<24}{summary.get(key, '-')!s:>12}")
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`make bench-meetings`: the meetings benchmark, then the netcheck one, one JSON line.

Runs ``python -m yakuba.meetings.bench`` (any arguments given here are passed on to it)
and ``python -m yakuba.netcheck.bench`` one after the other, shows their tables, and
prints as the last line one JSON object merging both summaries (meetings keys first,
then the ``netcheck_*`` keys). A benchmark that fails or is missing is named under
``failed``; the exit status is then 1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(module: str, args: list[str]) -> dict | None:
    """Run one benchmark, echo its output but the summary, return the summary."""
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    last: str | None = None
    for line in proc.stdout:
        if last is not None:
            print(last, flush=True)
        last = line.rstrip("\n")
    code = proc.wait()
    try:
        summary = json.loads(last or "")
    except ValueError:
        if last is not None:
            print(last, flush=True)
        return None
    if code != 0 or not isinstance(summary, dict):
        print(json.dumps(summary, ensure_ascii=False), flush=True)
        print(f"{module} exited with status {code}", flush=True)
        return None
    return summary


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    merged: dict = {}
    failed: list[str] = []
    for module, module_args in (("yakuba.meetings.bench", args), ("yakuba.netcheck.bench", [])):
        summary = run(module, module_args)
        if summary is None:
            failed.append(module)
        else:
            merged.update(summary)
    if failed:
        merged["failed"] = failed
    print(json.dumps(merged, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

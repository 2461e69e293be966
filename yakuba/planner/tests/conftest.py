"""Shared fixtures for planner tests. Nothing here touches Django or a database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def bench_dir() -> Path:
    return Path(os.environ.get("YAKUBA_BENCH_DIR", REPO.parent / "shared" / "bench" / "curtois-qu"))


@pytest.fixture
def bench() -> Path:
    d = bench_dir()
    if not (d / "Instance1.txt").exists():
        pytest.skip(f"benchmark folder not found at {d} (set YAKUBA_BENCH_DIR)")
    return d

"""The benchmark site: its own migrated database, set-up subprocesses, gunicorn serving it
with DEBUG off, and nothing left behind afterwards."""

from __future__ import annotations

import http.client
import os

import pytest

from yakuba.core.benchserver import bench_site


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def _postgres_reachable() -> bool:
    try:
        import psycopg

        from yakuba.core.benchserver import PG_ADMIN_URL

        psycopg.connect(PG_ADMIN_URL, connect_timeout=2).close()
    except Exception:
        return False
    return True


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_bench_site_serves_a_migrated_database_and_cleans_up(database: str) -> None:
    if database == "postgres" and not _postgres_reachable():
        pytest.skip("no PostgreSQL server on this machine")
    with bench_site(database, prefix="bench-selftest", collectstatic=True) as site:
        work = site.work
        assert site.env["DEBUG"] == "0" and "YAKUBA_TESTING" not in site.env
        site.manage("check", "--deploy", "--fail-level", "ERROR")
        # A set-up step runs in a subprocess against the site's database.
        site.manage("createsuperuser", "--noinput", "--username", "bench-admin", "--email", "")
        with site.server(workers=1, threads=2) as server:
            assert _get(server.port, "/healthz")[0] == 200
            # Production settings: static files come from the collected manifest.
            status, body = _get(server.port, "/accounts/login/")
            assert status == 200 and "サインイン".encode() in body
            pid = server.pid
        assert server.process.poll() is not None  # stopped when the block ended
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not work.exists()


def test_run_piece_returns_the_json_line_and_prints_the_table(capsys) -> None:
    from yakuba.core.benchserver import run_piece

    assert run_piece("yakuba.core.tests.bench_piece_sample") == {"answer": 42}
    out = capsys.readouterr().out
    assert "answer     42" in out
    assert '{"answer": 42}' not in out  # the JSON is the caller's to merge, not to print


def test_a_failing_piece_is_an_error_not_a_crash(capsys) -> None:
    from yakuba.core.benchserver import run_piece

    result = run_piece("yakuba.core.tests.bench_piece_sample", "--fail")
    assert result == {"error": "yakuba.core.tests.bench_piece_sample exited with 1"}
    assert "the piece broke" in capsys.readouterr().err

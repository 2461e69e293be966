"""Directory sign-in latency: full sign-ins through the real sign-in form against a local
OpenLDAP server (the one the tests start, `accounts.ldap_testserver`).

A throwaway bench site (`core.benchserver`: its own database, migrated, DEBUG off) is served
by gunicorn on loopback, with its LDAP_* settings pointing at slapd on loopback; the
directory holds ``--people`` staff (default 50) whose ``employeeID`` is their staff number in
the site. Each sign-in is what a browser does: GET the sign-in page (CSRF cookie and token),
then POST the user name and directory password, answered by a redirect with the session
cookie. The POST is timed: django-axes' check, the service bind and search, the person's
bind, linking or updating the account, the audit entry, the sign-in history row and the new
session. ``--sign-ins`` (default 200) are made one after another, round-robin over the
people: the first round creates each account (first sign-in), later rounds find it.

A readable table, then one JSON object as the last line (``ldap_login_p95_ms`` …)::

    python -m yakuba.accounts.bench_ldap [--sign-ins 200] [--people 50] [--database sqlite]
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass, field

from yakuba.accounts.ldap_testserver import (
    USER_PASSWORD,
    DirectoryUser,
    LdapServer,
    slapd_available,
)
from yakuba.core.benchserver import bench_site

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOGIN_PATH = "/accounts/login/"
# Sign-ins made (not measured) before the run, so every gunicorn worker has imported the
# code, compiled the templates and loaded the User-Agent rules, as a server that has been up.
WARMUP = 6
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


def people(count: int) -> list[DirectoryUser]:
    return [
        DirectoryUser(
            f"bench{i:04d}",
            f"計測 {i:04d}",
            employee_id=f"B{i:05d}",
            mail=f"bench{i:04d}@midorino.example",
        )
        for i in range(1, count + 1)
    ]


def setup_data(count: int) -> None:
    """In a subprocess with the bench DATABASE_URL: one unit and the staff records the
    directory people link to by employeeID (no accounts yet: the first sign-in makes them)."""
    import django

    django.setup()
    from yakuba.org.models import Staff, Unit

    unit = Unit(code="900", name="計測課", name_kana="ケイソクカ", kind="division")
    unit.save()
    for person in people(count):
        Staff(
            staff_number=person.employee_id or "",
            name=person.display_name,
            name_kana="ケイソク",
            unit=unit,
            email=person.mail or "",
        ).save()


def verify(expected: int) -> None:
    """In a subprocess after the run: every sign-in left its history row and audit entry."""
    import django

    django.setup()
    from yakuba.accounts.models import AuthSource, SignInEvent, User
    from yakuba.audit.models import AuditEntry

    successes = SignInEvent.objects.filter(outcome="success", method="directory").count()
    logins = AuditEntry.objects.filter(action="login").count()
    accounts = User.objects.filter(auth_source=AuthSource.DIRECTORY).count()
    if successes != expected or logins != expected:
        raise SystemExit(
            f"verify: {successes} history rows and {logins} audit entries for {expected}"
        )
    print(f"verified: {successes} sign-ins in the history and the trail, {accounts} accounts")


@dataclass
class Timings:
    first_ms: list[float] = field(default_factory=list)
    returning_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def all_ms(self) -> list[float]:
        return self.first_ms + self.returning_ms


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def sign_in(port: int, username: str) -> float:
    """One browser-like sign-in; returns the POST's milliseconds (raises on any surprise)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", LOGIN_PATH, headers={"User-Agent": USER_AGENT})
        page = conn.getresponse()
        body = page.read().decode()
        if page.status != 200:
            raise RuntimeError(f"GET {LOGIN_PATH}: {page.status}")
        cookies = _cookies(page)
        match = _CSRF.search(body)
        if match is None or "csrftoken" not in cookies:
            raise RuntimeError("no CSRF token on the sign-in page")
        form = f"csrfmiddlewaretoken={match.group(1)}&username={username}&password={USER_PASSWORD}"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "User-Agent": USER_AGENT,
        }
        started = time.perf_counter()
        conn.request("POST", LOGIN_PATH, body=form, headers=headers)
        answer = conn.getresponse()
        answer.read()
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status != 302 or "sessionid" not in _cookies(answer):
            raise RuntimeError(f"POST {LOGIN_PATH} as {username}: {answer.status}")
        return elapsed
    finally:
        conn.close()


def argon2_hash_ms(rounds: int = 5) -> float:
    """One Argon2 hash with the product's parameters, in this process (median). Every
    directory sign-in pays one: the local backend runs before the directory backend, and
    Django hashes once even for an account without a usable password, so that timing does
    not tell which user names have accounts."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        hasher.encode("not-a-password", hasher.salt())
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(sign_ins: int, count: int, database: str, workers: int) -> dict[str, object]:
    if not slapd_available():
        raise SystemExit("OpenLDAP slapd is not installed: apt-get install slapd ldap-utils")
    directory = people(count + WARMUP)
    server = LdapServer(users=tuple(directory)).start()
    try:
        env = {key: str(value) for key, value in server.settings().items()}
        env.update(
            {
                "LDAP_ALLOW_PLAINTEXT": "1",  # loopback only
                "LDAP_START_TLS": "",
                "LDAP_ROLE_GROUPS": "",
            }
        )
        with bench_site(database, prefix="ldap", env=env, collectstatic=True) as site:
            site.run_module("yakuba.accounts.bench_ldap", "--setup", str(count + WARMUP))
            timings = Timings()
            started = time.perf_counter()
            with site.server(workers=workers, threads=1) as web:
                for person in directory[count:]:
                    sign_in(web.port, person.sam)  # warm-up, not measured
                measured = directory[:count]
                for i in range(sign_ins):
                    person = measured[i % count]
                    try:
                        elapsed = sign_in(web.port, person.sam)
                    except (OSError, RuntimeError) as error:
                        timings.errors.append(str(error))
                        continue
                    (timings.first_ms if i < count else timings.returning_ms).append(elapsed)
            seconds = time.perf_counter() - started
            site.run_module(
                "yakuba.accounts.bench_ldap",
                "--verify",
                str(len(timings.all_ms) + WARMUP),
            )
    finally:
        server.stop()
    all_ms = timings.all_ms
    return {
        "ldap_login_p50_ms": round(pct(all_ms, 0.50), 1),
        "ldap_login_p95_ms": round(pct(all_ms, 0.95), 1),
        "ldap_login_max_ms": round(max(all_ms), 1) if all_ms else None,
        "ldap_login_mean_ms": round(statistics.fmean(all_ms), 1) if all_ms else None,
        "ldap_first_login_p50_ms": round(pct(timings.first_ms, 0.50), 1),
        "ldap_first_login_p95_ms": round(pct(timings.first_ms, 0.95), 1),
        "ldap_returning_login_p50_ms": round(pct(timings.returning_ms, 0.50), 1),
        "ldap_returning_login_p95_ms": round(pct(timings.returning_ms, 0.95), 1),
        "ldap_logins": len(all_ms),
        "ldap_login_errors": len(timings.errors),
        "ldap_people": count,
        "ldap_database": database,
        "ldap_server": f"gunicorn, {workers} workers, sequential sign-ins",
        "ldap_seconds": round(seconds, 1),
        "argon2_hash_ms": round(argon2_hash_ms(), 1),
        "_error_samples": timings.errors[:3],
    }


def report(result: dict[str, object]) -> None:
    rows = [
        ("all sign-ins", "ldap_login"),
        ("first sign-in (account created)", "ldap_first_login"),
        ("returning sign-in", "ldap_returning_login"),
    ]
    print()
    print(
        f"Directory sign-in through the form (gunicorn + slapd on loopback, "
        f"{result['ldap_database']}, {result['ldap_logins']} sign-ins, "
        f"{result['ldap_people']} people)"
    )
    print(f"{'':34}{'p50 ms':>10}{'p95 ms':>10}")
    for label, key in rows:
        print(f"{label:34}{result[f'{key}_p50_ms']!s:>10}{result[f'{key}_p95_ms']!s:>10}")
    print(f"{'max ms':34}{result['ldap_login_max_ms']!s:>10}")
    print(f"{'errors':34}{result['ldap_login_errors']!s:>10}")
    print(
        f"One Argon2 hash here takes {result['argon2_hash_ms']} ms: each sign-in above includes "
        "one (Django's equal-timing hash in the local backend, run before the directory)."
    )
    samples = result.pop("_error_samples", [])
    for sample in samples if isinstance(samples, list) else []:
        print(f"  error: {sample}")
    print(json.dumps(result, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sign-ins", type=int, default=200)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--verify", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup is not None:
        setup_data(args.setup)
        return 0
    if args.verify is not None:
        verify(args.verify)
        return 0
    result = run(args.sign_ins, min(args.people, args.sign_ins), args.database, args.workers)
    report(result)
    return 1 if result["ldap_login_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

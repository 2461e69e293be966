"""Helpers for the Playwright browser tests (Debian chromium, no downloads, no network)."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
BLOCKING_IMPACTS = ("serious", "critical")


def totp_code(key: bytes, *, drift: int = 0) -> str:
    """The six-digit code an authenticator app would show now (django-otp's own algorithm)."""
    from django_otp.oath import TOTP

    totp = TOTP(key)
    totp.drift = drift
    return f"{totp.token():06d}"


def key_from_secret(secret: str) -> bytes:
    """The base32 secret as shown on the enrolment page ("ABCD EFGH …") → key bytes."""
    raw = "".join(secret.split()).upper()
    return base64.b32decode(raw + "=" * (-len(raw) % 8))


def session_cookies(user: Any, base_url: str, *, verified: bool, lang: str | None = None) -> list:
    """Cookies for a browser already signed in as `user` (no Argon2, no form round trip).

    With `verified`, privileged users also get a confirmed TOTP device marked as passed.
    """
    from django.conf import settings
    from django.test import Client

    from conftest import verified_client

    client = Client()
    if verified:
        verified_client(client, user)
    else:
        client.force_login(user)
    cookies = [
        {"name": settings.SESSION_COOKIE_NAME, "value": client.session.session_key, "url": base_url}
    ]
    if lang:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url})
    return cookies


def axe_problems(page: Any, label: str) -> list[str]:
    """Run axe-core on the page; one readable line per serious/critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = []
    if os.environ.get("AXE_REPORT_ALL"):  # also list moderate/minor findings while debugging
        for v in results.response["violations"]:
            first = v["nodes"][0]["target"] if v.get("nodes") else ""
            print(f"axe [{label}] {v['id']} ({v['impact']}) x{len(v['nodes'])} {first}")
        for v in results.response.get("incomplete", []):
            first = v["nodes"][0]["target"] if v.get("nodes") else ""
            print(f"axe [{label}] needs review: {v['id']} x{len(v['nodes'])} {first}")
        print(f"axe [{label}] {len(results.response.get('passes', []))} rules passed")
    for v in results.response["violations"]:
        if v.get("impact") not in BLOCKING_IMPACTS:
            continue
        node = v["nodes"][0] if v.get("nodes") else {}
        problems.append(
            f"[{label}] {page.url}\n  {v['id']} ({v['impact']}): {v['help']}\n"
            f"  {len(v.get('nodes', []))} node(s); first: {node.get('target')} "
            f"{(node.get('html') or '')[:200]}\n  {(node.get('failureSummary') or '')[:300]}"
        )
    return problems


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
